import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AREA_M2_PATTERN, formatAreaM2, parseAreaM2 } from './area.ts';
import type { Ballot } from './cast.ts';
import { receiptValid } from './receipt.ts';
import { tally } from './tally.ts';
import type { Tally } from './tally.ts';
import { MAX_TOTAL_AREA_CM2 } from './thresholds.ts';
import type { Figure } from './thresholds.ts';

export { newReceipt, normaliseReceipt, receiptValid } from './receipt.ts';

/*
 * The bulletin of a closed vote in its two forms, both published contracts that recount
 * to the same figures:
 * - the full form (stored, the record): every voter's id, flats (estate, building,
 *   entrance, room), areas and choices, no names; open to staff and to verified owners of
 *   the electorate, each download audited;
 * - the public form, derived from it: voters by receipt code with their area and choices,
 *   no voter ids and no flats, in an order that says nothing about who is who.
 */
const idText = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, '编号格式错误 / malformed id');
const label = z.string().min(1, '不能为空 / must not be empty').max(64);
const choice = z.enum(['agree', 'oppose', 'abstain'], { error: '选择须为 agree、oppose 或 abstain / a choice is agree, oppose or abstain' });

const areaM2 = z
  .string()
  .regex(AREA_M2_PATTERN, '面积须为保留两位小数的字符串，如 "85.23" / area must be a string with two decimals, like "85.23"')
  .refine((s) => (parseAreaM2(s) ?? 1) > 0, '面积必须大于0 / area must be greater than 0');

// JSON.parse keeps a "__proto__" key as data, but a zod record silently drops it, so a
// vote on it would vanish instead of being refused.
const votes = z.preprocess(
  (v, ctx) => {
    if (v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__')) {
      ctx.addIssue({ code: 'custom', message: '表决事项“__proto__”不存在 / unknown matter "__proto__"', input: v });
    }
    return v;
  },
  z.record(z.string(), choice),
);

// `estate` is in every unit of a bulletin published since votes may span estates; older
// one-estate bulletins lack it, and a recount accepts both.
const unit = z.strictObject({ estate: label.optional(), building: label, entrance: label, room: label, areaM2 });
const voter = z.strictObject({
  id: z.string().regex(/^V\d{4,}$/, '投票人编号须如 V0001 / voter id must look like V0001'),
  receipt: z.string().refine(receiptValid, '回执码格式错误 / malformed receipt code').nullable(),
  units: z.array(unit).min(1, '投票人至少有一户 / a voter holds at least one flat'),
  votes,
});
const matter = z.strictObject({
  id: idText,
  title: z.string().min(1).max(500),
  kind: z.enum(['major', 'ordinary'], { error: '类型须为 major 或 ordinary / kind is major or ordinary' }),
});
const ballot = z.strictObject({
  id: idText,
  title: z.string().min(1).max(500),
  closedAt: z.iso.datetime({ message: '截止时间须为 UTC ISO 8601 / closedAt must be ISO 8601 UTC' }),
  version: z.int().positive(),
});

export const bulletinSchema = z
  .strictObject({
    ballot,
    matters: z.array(matter).min(1, '至少一项表决事项 / at least one matter'),
    voters: z.array(voter),
  })
  .superRefine((b, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const matterIds = new Set<string>();
    b.matters.forEach((m, i) => {
      if (matterIds.has(m.id)) issue(['matters', i, 'id'], `表决事项编号重复：${m.id} / duplicate matter id ${m.id}`);
      matterIds.add(m.id);
    });
    const voterIds = new Set<string>();
    const receipts = new Set<string>();
    const flats = new Set<string>();
    let total = 0;
    b.voters.forEach((v, i) => {
      if (voterIds.has(v.id)) issue(['voters', i, 'id'], `投票人编号重复：${v.id} / duplicate voter id ${v.id}`);
      voterIds.add(v.id);
      if (v.receipt !== null) {
        if (receipts.has(v.receipt)) issue(['voters', i, 'receipt'], `回执码重复：${v.receipt} / duplicate receipt ${v.receipt}`);
        receipts.add(v.receipt);
      }
      const keys = Object.keys(v.votes);
      if (v.receipt === null && keys.length > 0) {
        issue(['voters', i, 'receipt'], '有表决却无回执码 / votes without a receipt code');
      }
      for (const k of keys) {
        if (!matterIds.has(k)) issue(['voters', i, 'votes', k], `表决事项不存在：${k} / unknown matter ${k}`);
      }
      v.units.forEach((u, j) => {
        const flat = JSON.stringify([u.estate ?? null, u.building, u.entrance, u.room]);
        if (flats.has(flat)) {
          const where = `${u.estate ? `${u.estate} ` : ''}${u.building}-${u.entrance}-${u.room}`;
          issue(['voters', i, 'units', j], `房屋重复：${where} / flat listed twice`);
        }
        flats.add(flat);
        total += parseAreaM2(u.areaM2) ?? 0;
      });
    });
    if (total > MAX_TOTAL_AREA_CM2) issue(['voters'], '总面积过大 / total area too large to count');
  });

export type Bulletin = z.infer<typeof bulletinSchema>;
export type BulletinVoter = Bulletin['voters'][number];

const publicVoter = z.strictObject({
  receipt: z.string().refine(receiptValid, '回执码格式错误 / malformed receipt code').nullable(),
  areaM2,
  votes,
});

/** The public form: no voter ids, no flats; `areaM2` is the voter's whole area on the roll. */
export const publicBulletinSchema = z
  .strictObject({
    ballot,
    matters: z.array(matter).min(1, '至少一项表决事项 / at least one matter'),
    voters: z.array(publicVoter),
  })
  .superRefine((b, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const matterIds = new Set<string>();
    b.matters.forEach((m, i) => {
      if (matterIds.has(m.id)) issue(['matters', i, 'id'], `表决事项编号重复：${m.id} / duplicate matter id ${m.id}`);
      matterIds.add(m.id);
    });
    const receipts = new Set<string>();
    let total = 0;
    b.voters.forEach((v, i) => {
      if (v.receipt !== null) {
        if (receipts.has(v.receipt)) issue(['voters', i, 'receipt'], `回执码重复：${v.receipt} / duplicate receipt ${v.receipt}`);
        receipts.add(v.receipt);
      }
      const keys = Object.keys(v.votes);
      if (v.receipt === null && keys.length > 0) issue(['voters', i, 'receipt'], '有表决却无回执码 / votes without a receipt code');
      for (const k of keys) {
        if (!matterIds.has(k)) issue(['voters', i, 'votes', k], `表决事项不存在：${k} / unknown matter ${k}`);
      }
      total += parseAreaM2(v.areaM2) ?? 0;
    });
    if (total > MAX_TOTAL_AREA_CM2) issue(['voters'], '总面积过大 / total area too large to count');
  });

export type PublicBulletin = z.infer<typeof publicBulletinSchema>;
export type PublicBulletinVoter = PublicBulletin['voters'][number];

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The public form of a full bulletin, reproducibly: each voter becomes { receipt, areaM2
 * (the sum of their flats), votes }; those who voted are ordered by receipt code (random
 * codes, so the order says nothing about flats), then those who did not vote (receipt
 * null, no votes) by area, smallest first — entries that differ only in order. Nothing
 * else is dropped, so both forms recount to the same figures.
 */
export function toPublicBulletin(full: Bulletin): PublicBulletin {
  const voters = full.voters.map((v) => ({
    receipt: v.receipt,
    areaCm2: v.units.reduce((s, u) => s + parseAreaM2(u.areaM2)!, 0),
    votes: { ...v.votes },
  }));
  const voted = voters.filter((v) => v.receipt !== null).sort((a, b) => byCodePoint(a.receipt!, b.receipt!));
  const absent = voters.filter((v) => v.receipt === null).sort((a, b) => a.areaCm2 - b.areaCm2);
  return {
    ballot: { ...full.ballot },
    matters: full.matters.map((m) => ({ ...m })),
    voters: [...voted, ...absent].map((v) => ({ receipt: v.receipt, areaM2: formatAreaM2(v.areaCm2), votes: v.votes })),
  };
}

/** A bulletin as published: pretty-printed JSON with a final newline, and its sha256. */
export function bulletinText(b: Bulletin | PublicBulletin): { body: string; sha256: string } {
  const body = `${JSON.stringify(b, null, 2)}\n`;
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

/** The public form of a stored full bulletin body, byte for byte the same every time. */
export function publicBulletinText(fullBody: string): { body: string; sha256: string } {
  return bulletinText(toPublicBulletin(bulletinSchema.parse(JSON.parse(fullBody))));
}

/** Which form a parsed JSON document claims to be: a full bulletin has voter ids and flats. */
export function bulletinForm(data: unknown): 'full' | 'public' {
  const voters = data !== null && typeof data === 'object' ? (data as { voters?: unknown }).voters : undefined;
  return Array.isArray(voters) && voters.some((v) => v !== null && typeof v === 'object' && (Object.hasOwn(v, 'units') || Object.hasOwn(v, 'id')))
    ? 'full'
    : 'public';
}

/** Parses either form; the result recounts with recount(). */
export function parseAnyBulletin(data: unknown) {
  return bulletinForm(data) === 'full' ? bulletinSchema.safeParse(data) : publicBulletinSchema.safeParse(data);
}

export type BulletinRoll = {
  voters: { id: string; units: { estate?: string; building: string; entrance: string; room: string; areaCm2: number }[] }[];
};

export function rollFromBulletin(b: Bulletin): BulletinRoll {
  return {
    voters: b.voters.map((v) => ({
      id: v.id,
      units: v.units.map((u) => ({
        ...(u.estate !== undefined ? { estate: u.estate } : {}),
        building: u.building,
        entrance: u.entrance,
        room: u.room,
        areaCm2: parseAreaM2(u.areaM2)!,
      })),
    })),
  };
}

/** One ballot per voter who voted, in bulletin order. */
export function ballotsFromBulletin(b: Bulletin): Ballot[] {
  return b.voters.filter((v) => v.receipt !== null).map((v) => ({ voterId: v.id, choices: { ...v.votes } }));
}

/** The public form as a roll and ballots for the tally: one flat-less unit per voter, ids by position. */
function publicRollAndBallots(b: PublicBulletin): { roll: BulletinRoll; ballots: Ballot[] } {
  const id = (i: number) => `P${i + 1}`;
  return {
    roll: { voters: b.voters.map((v, i) => ({ id: id(i), units: [{ building: '', entrance: '', room: '', areaCm2: parseAreaM2(v.areaM2)! }] })) },
    ballots: b.voters.flatMap((v, i) => (v.receipt !== null ? [{ voterId: id(i), choices: { ...v.votes } }] : [])),
  };
}

export type PublicFigure = { areaM2: string; owners: number };
export type RecountMatter = {
  id: string;
  quorumMet: boolean;
  passed: boolean;
  eligible: PublicFigure;
  participating: PublicFigure;
  agree: PublicFigure;
  oppose: PublicFigure;
  abstain: PublicFigure;
};
export type RecountResult = { matters: RecountMatter[] };

const figure = (f: Figure): PublicFigure => ({ areaM2: formatAreaM2(f.areaCm2), owners: f.owners });

/** The published figures of a tally; results.json and the recount both use this. */
export function publicResults(t: Tally): RecountResult {
  return {
    matters: t.matters.map((m) => ({
      id: m.id,
      quorumMet: m.quorumMet,
      passed: m.passed,
      eligible: figure(m.eligible),
      participating: figure(m.participating),
      agree: figure(m.agree),
      oppose: figure(m.oppose),
      abstain: figure(m.abstain),
    })),
  };
}

/** Recounts a bulletin of either form, already checked with its schema. */
export function recount(b: Bulletin | PublicBulletin): RecountResult {
  if (isPublic(b)) {
    const { roll, ballots } = publicRollAndBallots(b);
    return publicResults(tally(roll, ballots, b.matters));
  }
  return publicResults(tally(rollFromBulletin(b), ballotsFromBulletin(b), b.matters));
}

const isPublic = (b: Bulletin | PublicBulletin): b is PublicBulletin => b.voters.length === 0 || !Object.hasOwn(b.voters[0]!, 'units');

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AREA_M2_PATTERN, formatAreaM2, parseAreaM2 } from './area.ts';
import { CHOICE_CODE } from './cast.ts';
import type { Ballot, Choice } from './cast.ts';
import type { MatterKind } from './matters.ts';
import { receiptValid } from './receipt.ts';
import { TallyCounter } from './tally.ts';
import type { MatterResult } from './tally.ts';
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

/** One voter of the full form, checked alone (the rules across voters are bulletinRules'). */
export const bulletinVoterSchema = voter;

export const bulletinSchema = z
  .strictObject({
    ballot,
    matters: z.array(matter).min(1, '至少一项表决事项 / at least one matter'),
    voters: z.array(voter),
  })
  .superRefine((b, ctx) => {
    const rules = bulletinRules('full', b.matters, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    b.voters.forEach((v, i) => rules.voter(v, i));
    rules.end();
  });

export type Bulletin = z.infer<typeof bulletinSchema>;
export type BulletinVoter = Bulletin['voters'][number];

const publicVoter = z.strictObject({
  receipt: z.string().refine(receiptValid, '回执码格式错误 / malformed receipt code').nullable(),
  areaM2,
  votes,
});

/** One voter of the public form, checked alone. */
export const publicBulletinVoterSchema = publicVoter;

/** The public form: no voter ids, no flats; `areaM2` is the voter's whole area on the roll. */
export const publicBulletinSchema = z
  .strictObject({
    ballot,
    matters: z.array(matter).min(1, '至少一项表决事项 / at least one matter'),
    voters: z.array(publicVoter),
  })
  .superRefine((b, ctx) => {
    const rules = bulletinRules('public', b.matters, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    b.voters.forEach((v, i) => rules.voter(v, i));
    rules.end();
  });

/** A bulletin's head, either form: the ballot and its matters, and voters whatever they hold (each is checked alone, as it comes). */
export const bulletinHeadSchema = z.strictObject({
  ballot,
  matters: z.array(matter).min(1, '至少一项表决事项 / at least one matter'),
  voters: z.array(z.unknown()),
});

type Issue = (path: (string | number)[], message: string) => void;

/**
 * The rules of a bulletin across its entries, beyond each entry's own shape, checked one
 * voter at a time (each already of its form's shape), so that a bulletin read as a stream
 * is held to them as a whole one is: matter ids unique; voter ids, receipt codes and flats
 * listed once; votes only with a receipt code and only on the vote's matters; the total
 * area countable exactly. The schemas above and the streamed reader (bulletin-stream.ts)
 * both check with it.
 */
export function bulletinRules(form: 'full' | 'public', matters: readonly { id: string }[], issue: Issue) {
  const matterIds = new Set<string>();
  matters.forEach((m, i) => {
    if (matterIds.has(m.id)) issue(['matters', i, 'id'], `表决事项编号重复：${m.id} / duplicate matter id ${m.id}`);
    matterIds.add(m.id);
  });
  const voterIds = new Set<string>();
  const receipts = new Set<string>();
  const flats = new Set<string>();
  let total = 0;
  return {
    voter(v: BulletinVoter | PublicBulletinVoter, i: number): void {
      if (form === 'full') {
        const id = (v as BulletinVoter).id;
        if (voterIds.has(id)) issue(['voters', i, 'id'], `投票人编号重复：${id} / duplicate voter id ${id}`);
        voterIds.add(id);
      }
      if (v.receipt !== null) {
        if (receipts.has(v.receipt)) issue(['voters', i, 'receipt'], `回执码重复：${v.receipt} / duplicate receipt ${v.receipt}`);
        receipts.add(v.receipt);
      }
      const keys = Object.keys(v.votes);
      if (v.receipt === null && keys.length > 0) issue(['voters', i, 'receipt'], '有表决却无回执码 / votes without a receipt code');
      for (const k of keys) {
        if (!matterIds.has(k)) issue(['voters', i, 'votes', k], `表决事项不存在：${k} / unknown matter ${k}`);
      }
      if (form === 'public') {
        total += parseAreaM2((v as PublicBulletinVoter).areaM2) ?? 0;
        return;
      }
      (v as BulletinVoter).units.forEach((u, j) => {
        const flat = JSON.stringify([u.estate ?? null, u.building, u.entrance, u.room]);
        if (flats.has(flat)) {
          const where = `${u.estate ? `${u.estate} ` : ''}${u.building}-${u.entrance}-${u.room}`;
          issue(['voters', i, 'units', j], `房屋重复：${where} / flat listed twice`);
        }
        flats.add(flat);
        total += parseAreaM2(u.areaM2) ?? 0;
      });
    },
    end(): void {
      if (total > MAX_TOTAL_AREA_CM2) issue(['voters'], '总面积过大 / total area too large to count');
    },
  };
}

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
    votes: v.votes,
  }));
  const voted = voters.filter((v) => v.receipt !== null).sort((a, b) => byCodePoint(a.receipt!, b.receipt!));
  const absent = voters.filter((v) => v.receipt === null).sort((a, b) => a.areaCm2 - b.areaCm2);
  return {
    ballot: { ...full.ballot },
    matters: full.matters.map((m) => ({ ...m })),
    voters: [...voted, ...absent].map((v) => publicVoterOf(v.receipt, v.areaCm2, v.votes)),
  };
}

/** One voter of the public form: their receipt code (null if they did not vote), their whole area, their votes. */
export function publicVoterOf(receipt: string | null, areaCm2: number, votes: Record<string, Choice>): PublicBulletinVoter {
  return { receipt, areaM2: formatAreaM2(areaCm2), votes: { ...votes } };
}

/**
 * The published text of a bulletin of either form, written a piece at a time: `start()`
 * (the ballot and the matters, up to the voters), `voter(v)` for each voter in order, then
 * `end()`. Joined, the pieces are exactly `${JSON.stringify(b, null, 2)}\n` — pretty-printed
 * JSON with a final newline. The one serialisation of a bulletin: bulletinText writes a
 * whole one with it, and publishing (bulletin-parts.ts) streams one from the database, so
 * the sha256 recorded is the sha256 of what bulletin.json serves.
 */
export class BulletinTextWriter {
  private voters = 0;
  private readonly head: Pick<Bulletin | PublicBulletin, 'ballot' | 'matters'>;
  constructor(head: Pick<Bulletin | PublicBulletin, 'ballot' | 'matters'>) {
    this.head = head;
  }

  start(): string {
    // `{ …, "voters": []\n}` without its `[]\n}`: the voters follow
    return JSON.stringify({ ballot: this.head.ballot, matters: this.head.matters, voters: [] }, null, 2).slice(0, -4);
  }

  /** A voter at depth 2 (in the voters array of the root object), after a comma when not the first. */
  voter(v: BulletinVoter | PublicBulletinVoter): string {
    return `${this.voters++ === 0 ? '[\n' : ',\n'}    ${JSON.stringify(v, null, 2).replaceAll('\n', '\n    ')}`;
  }

  end(): string {
    return this.voters === 0 ? '[]\n}\n' : '\n  ]\n}\n';
  }
}

/** A bulletin as published: pretty-printed JSON with a final newline, and its sha256. */
export function bulletinText(b: Bulletin | PublicBulletin): { body: string; sha256: string } {
  const w = new BulletinTextWriter(b);
  const pieces = [w.start()];
  for (const v of b.voters) pieces.push(w.voter(v));
  pieces.push(w.end());
  const body = pieces.join('');
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
export function publicResults(t: { matters: readonly MatterResult[] }): RecountResult {
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

/**
 * A bulletin of either form counted voter by voter with the tally's own counter
 * (TallyCounter): each voter's area (the sum of their flats in the full form, their area in
 * the public form) and, when they have a receipt code, their votes. recount() feeds it a
 * whole bulletin, the streamed recount (bulletin-stream.ts) each voter as it is read. Voters
 * must have passed their form's schema and bulletinRules.
 */
export class BulletinCount {
  private readonly counter: TallyCounter;
  private readonly matterIndex = new Map<string, number>();
  private readonly codes: Uint8Array;

  constructor(matters: readonly { id: string; kind: MatterKind }[]) {
    this.counter = new TallyCounter(matters.map((m) => ({ id: m.id, kind: m.kind })));
    matters.forEach((m, i) => this.matterIndex.set(m.id, i));
    this.codes = new Uint8Array(matters.length);
  }

  voter(v: BulletinVoter | PublicBulletinVoter): void {
    const area = Object.hasOwn(v, 'units')
      ? (v as BulletinVoter).units.reduce((s, u) => s + parseAreaM2(u.areaM2)!, 0)
      : parseAreaM2((v as PublicBulletinVoter).areaM2)!;
    const codes = this.codes.fill(0);
    if (v.receipt !== null) {
      for (const [matterId, choice] of Object.entries(v.votes)) {
        const m = this.matterIndex.get(matterId);
        if (m !== undefined) codes[m] = CHOICE_CODE[choice];
      }
    }
    this.counter.add(area, codes);
  }

  results(): RecountResult {
    return publicResults({ matters: this.counter.results() });
  }
}

/** Recounts a bulletin of either form, already checked with its schema. */
export function recount(b: Bulletin | PublicBulletin): RecountResult {
  const count = new BulletinCount(b.matters);
  for (const v of b.voters) count.voter(v);
  return count.results();
}

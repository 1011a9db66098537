import { z } from 'zod';
import { isArt278Item, type Art278Item } from './matters.ts';
import { parseLocalDateTime } from './notice-period.ts';
import { validDate } from '../../lib/calendar.ts';
import { mobile } from '../accounts/schemas.ts';

// Staff and owner inputs of the ballot forms; messages are dictionary keys. Every form
// works without JavaScript: matters are rows of parallel fields (blank rows are
// ignored), the electorate is a tick per estate with an optional list of buildings.

export const MAX_MATTERS = 20;
export const MATTER_CODES = Array.from({ length: MAX_MATTERS }, (_, i) => `m${i + 1}`);

const id = z.coerce.number().int().positive().max(2_147_483_647);
const text = (max: number) => z.string({ message: 'err.required' }).trim().min(1, 'err.required').max(max, 'err.tooLong');
/** Optional free text: Astro hands an empty field over as null. */
const optionalText = (max: number) =>
  z
    .string()
    .max(max, 'err.tooLong')
    .nullish()
    .transform((v) => (v ?? '').trim());
const dateTime = z
  .string({ message: 'err.dateTime' })
  .trim()
  .transform((v, ctx) => {
    const d = parseLocalDateTime(v);
    if (!d) ctx.addIssue({ code: 'custom', message: 'err.dateTime' });
    return d ?? new Date(0);
  });

export const CONVENERS = ['owners_committee', 'subdistrict', 'residents_committee'] as const;

export const createBallotInput = z
  .object({
    convener: z.enum(CONVENERS, { message: 'err.convener' }),
    title: text(200),
    explanation: optionalText(5000),
    projectId: z.union([z.literal(''), z.null(), z.undefined(), id]).transform((v) => (v ? Number(v) : null)),
    noticeDays: z.coerce.number({ message: 'err.noticeDays' }).int('err.noticeDays').min(15, 'err.noticeDays').max(90, 'err.noticeDays'),
    opensAt: dateTime,
    closesAt: dateTime,
    estateIds: z.array(id).min(1, 'err.noElectorate').max(20, 'err.noElectorate'),
    /** one hidden estate id per estate row, aligned with scopeBuildings */
    scopeEstate: z.array(id).max(500).default([]),
    scopeBuildings: z.array(z.string().max(500, 'err.tooLong')).max(500).default([]),
    matterTitle: z.array(z.string().max(300, 'err.tooLong')).max(50).default([]),
    matterItem: z.array(z.string().max(3)).max(50).default([]),
  })
  .superRefine((v, ctx) => {
    if (v.opensAt.getTime() > 0 && v.closesAt.getTime() > 0 && v.closesAt <= v.opensAt)
      ctx.addIssue({ code: 'custom', message: 'err.ballotPeriod', path: ['closesAt'] });
    const rows = matterRows(v.matterTitle, v.matterItem);
    if (rows.some((r) => r.item === null)) ctx.addIssue({ code: 'custom', message: 'err.art278Item', path: ['matterItem'] });
    if (rows.length === 0) ctx.addIssue({ code: 'custom', message: 'err.noMatters', path: ['matterTitle'] });
    if (rows.length > MAX_MATTERS) ctx.addIssue({ code: 'custom', message: 'err.tooManyMatters', path: ['matterTitle'] });
  })
  .transform((v) => ({ ...v, matters: matterRows(v.matterTitle, v.matterItem).map((r) => ({ title: r.title, item: r.item as Art278Item })) }));

/** The filled-in matter rows: a row counts when its title is not blank. */
export function matterRows(titles: readonly string[], items: readonly string[]) {
  return titles
    .map((title, i) => ({ title: title.trim(), raw: items[i] ?? '' }))
    .filter((r) => r.title !== '')
    .map((r) => {
      const n = Number(r.raw);
      return { title: r.title, item: isArt278Item(n) ? n : null };
    });
}

/** Splits "1, 2-1、3" into its parts. */
export const electorateTokens = (text: string): string[] =>
  text
    .split(/[,，、;；\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Resolves the parts against the estate's buildings and entrances: a building label, or
 * building-entrance ("2-1"). A label that itself contains "-" is taken as a building first.
 */
export function resolveElectorate(tokens: readonly string[], known: readonly { building: string; entrance: string }[]) {
  const buildings = new Set(known.map((k) => k.building));
  const entrances = new Set(known.map((k) => JSON.stringify([k.building, k.entrance])));
  const scopes: { building: string; entrance: string | null }[] = [];
  const unknown: string[] = [];
  for (const t of tokens) {
    if (buildings.has(t)) {
      scopes.push({ building: t, entrance: null });
      continue;
    }
    const at = t.lastIndexOf('-');
    const b = at > 0 ? t.slice(0, at) : '';
    const e = at > 0 ? t.slice(at + 1) : '';
    if (b && e && entrances.has(JSON.stringify([b, e]))) scopes.push({ building: b, entrance: e });
    else unknown.push(t);
  }
  return { scopes, unknown };
}

export const ballotIdInput = z.object({ ballotId: id });

/** Opening while flats of the electorate have no owner on the register needs the box ticked. */
export const openInput = z.object({ ballotId: id, confirmUnowned: z.string().max(10).nullish() });

/** Cancelling a ballot before it opens: the reason is public. */
export const cancelInput = z.object({
  ballotId: id,
  reason: z.string({ message: 'err.cancelReason' }).trim().min(1, 'err.cancelReason').max(2000, 'err.tooLong'),
});

/** Closing before the announced end cannot be undone, so the form asks to tick a box. */
export const closeInput = z.object({ ballotId: id, confirm: z.string().max(10).nullish() });

export const noticeInput = z.object({
  ballotId: id,
  postedOn: z.string({ message: 'err.date' }).trim().refine(validDate, 'err.date'),
  /** a photo or scan of the posted notice: required when the board posting is earlier than today */
  photo: z.instanceof(File).nullish(),
});

export const bulletinInput = z.object({ ballotId: id, stage: z.enum(['preliminary', 'final']) });

const choice = z.enum(['agree', 'oppose', 'abstain'], { message: 'err.choice' });
const paperChoice = z.enum(['agree', 'oppose', 'abstain', 'blank'], { message: 'err.choice' });

const choiceFields = <T extends z.ZodType>(c: T) => Object.fromEntries(MATTER_CODES.map((code) => [code, c.optional()])) as Record<string, z.ZodOptional<T>>;

export const castInput = z.object({
  ballotId: id,
  voter: z
    .string()
    .trim()
    .regex(/^V\d{4,6}$/, 'err.chooseVoter')
    .optional(),
  ...choiceFields(choice),
});

export const paperInput = z.object({
  ballotId: id,
  voter: z
    .string()
    .trim()
    .regex(/^V\d{4,6}$/, 'err.chooseVoter'),
  channel: z.enum(['paper', 'proxy', 'developer'], { message: 'err.channel' }),
  mandate: text(2000),
  scan: z.instanceof(File, { message: 'err.scanRequired' }),
  /** over the household's online ballot: ticked, with the reason */
  confirmOverride: z.string().max(10).nullish(),
  overrideReason: optionalText(2000),
  ...choiceFields(paperChoice),
});

/** The matters a form answered, in matter order: blanks (paper ballots) left out. */
export function choicesOf(input: Record<string, unknown>, codes: readonly string[]) {
  const out: Record<string, 'agree' | 'oppose' | 'abstain'> = {};
  for (const code of codes) {
    const v = input[code];
    if (v === 'agree' || v === 'oppose' || v === 'abstain') out[code] = v;
  }
  return out;
}

/** A written mandate (授权委托书) that lets an account cast a voter's ballot online. */
export const proxyInput = z.object({
  ballotId: id,
  // the voter and the owner on the roll who signed, chosen together: "V0001:123"
  grantor: z
    .string()
    .trim()
    .regex(/^V\d{4,6}:\d{1,10}$/, 'err.grantorNotOwner')
    .transform((v) => {
      const [voter, owner] = v.split(':');
      return { voter: voter!, ownerId: Number(owner) };
    }),
  proxyPhone: mobile,
  mandate: text(2000),
  scan: z.instanceof(File, { message: 'err.scanRequired' }),
});

export const revokeProxyInput = z.object({ ballotId: id, proxyId: id });

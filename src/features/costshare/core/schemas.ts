import { z } from 'zod';
import { parseYuan } from '../../funding/money.ts';
import { zDate, zId } from '../../../lib/input.ts';
import { PAY_METHODS } from '../tables.ts';
import { MAX_TOTAL_FEN, METHODS } from './split.ts';

// The forms of cost-share schemes and pledges; every message is a dictionary key shown next
// to its field. Amounts are yuan with at most two decimals, kept as integer fen.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const clean = (v: unknown) => (typeof v === 'string' ? v.replace(CONTROL, '').trim() : v);
const text = (max: number) => z.preprocess((v) => clean(v ?? ''), z.string().min(1, 'err.required').max(max, 'err.tooLong'));
const optionalText = (max: number) => z.preprocess((v) => clean(v ?? ''), z.string().max(max, 'err.tooLong')).transform((v) => (v === '' ? null : v));
const checkbox = z.preprocess((v) => v === 'on' || v === '1' || v === 'true' || v === true, z.boolean());

export const MAX_FEN = Number(MAX_TOTAL_FEN);

/** Yuan, positive, as fen. */
export const yuan = (message = 'err.amount') =>
  z.string({ message }).transform((v, ctx) => {
    const fen = parseYuan(v.trim());
    if (fen === null || fen > MAX_FEN) {
      ctx.addIssue({ code: 'custom', message: fen === null ? message : 'costshare.err.tooLarge' });
      return z.NEVER;
    }
    if (fen <= 0) {
      ctx.addIssue({ code: 'custom', message: 'costshare.err.positive' });
      return z.NEVER;
    }
    return fen;
  });
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const optionalYuan = z.preprocess((v) => (blank(v) ? undefined : v), yuan().optional());

/** "1=0\n2=0.6" (also "1：0" or "1 0"), one floor a line, into {"1":"0","2":"0.6"}; the split checks the numbers. */
export function parseCoefficients(textValue: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const raw of textValue.split(/[\n,，;；]+/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^(-?\d{1,4})\s*(?:[=:：]|\s)\s*(\S+)$/.exec(line);
    if (!m || Object.hasOwn(out, String(Number(m[1])))) return null;
    out[String(Number(m[1]))] = m[2]!;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** "3-2-101=1200.00", one flat a line: the amounts of a single-household scheme, by building-entrance-room. */
export function parseAmounts(textValue: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const raw of textValue.split(/\n+/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^(\S+?)-(\S+?)-(\S+)\s*(?:[=:：]|\s)\s*(\S+)$/.exec(line);
    if (!m) return null;
    const key = `${m[1]}-${m[2]}-${m[3]}`;
    if (out.has(key)) return null;
    out.set(key, m[4]!);
  }
  return out.size > 0 ? out : null;
}

const schemeFields = {
  title: text(200),
  item: text(2000),
  estateId: zId('err.required'),
  building: optionalText(20),
  entrance: optionalText(20),
  method: z.enum(METHODS, { message: 'costshare.err.method' }),
  weightByArea: checkbox,
  coefficients: z.preprocess((v) => clean(v ?? ''), z.string().max(2000, 'err.tooLong')),
  amounts: z.preprocess((v) => clean(v ?? ''), z.string().max(200_000, 'err.tooLong')),
  total: z.preprocess((v) => clean(v ?? ''), z.string().max(40, 'err.amount')),
  target: optionalYuan,
  pledgeDeadline: zDate(),
  postingDays: z.coerce.number({ message: 'err.number' }).int('err.number').min(5, 'costshare.err.postingDays').max(60, 'costshare.err.postingDays'),
  ballotId: z.preprocess((v) => (blank(v) ? undefined : v), zId('err.notFound').optional()),
  ballotMatter: optionalText(10),
};

export type SchemeContent = {
  title: string;
  item: string;
  estateId: number;
  building: string | null;
  entrance: string | null;
  method: (typeof METHODS)[number];
  weightByArea: boolean;
  /** tiered: floor → coefficient as written */
  coefficients: Record<string, string> | null;
  /** single: "building-entrance-room" → yuan as written */
  amounts: Map<string, string> | null;
  /** yuan as written (equal, tiered); null for single */
  totalYuan: string | null;
  targetFen: number | null;
  pledgeDeadline: string;
  postingDays: number;
  ballotId: number | null;
  ballotMatter: string | null;
};

type Fields = z.output<z.ZodObject<typeof schemeFields>>;
function content(v: Fields, ctx: z.RefinementCtx): SchemeContent {
  let coefficients: Record<string, string> | null = null;
  let amounts: Map<string, string> | null = null;
  if (v.method === 'tiered') {
    coefficients = parseCoefficients(v.coefficients);
    if (!coefficients) ctx.addIssue({ code: 'custom', message: 'costshare.err.coefficients', path: ['coefficients'] });
  }
  if (v.method === 'single') {
    amounts = parseAmounts(v.amounts);
    if (!amounts) ctx.addIssue({ code: 'custom', message: 'costshare.err.amounts', path: ['amounts'] });
  } else if (v.total === '' || parseYuan(v.total) === null) ctx.addIssue({ code: 'custom', message: 'err.amount', path: ['total'] });
  if (v.entrance && !v.building) ctx.addIssue({ code: 'custom', message: 'costshare.err.entranceWithoutBuilding', path: ['entrance'] });
  if ((v.ballotId === undefined) !== (v.ballotMatter === null))
    ctx.addIssue({ code: 'custom', message: 'costshare.err.ballotBoth', path: [v.ballotId === undefined ? 'ballotId' : 'ballotMatter'] });
  return {
    title: v.title,
    item: v.item,
    estateId: v.estateId,
    building: v.building,
    entrance: v.entrance,
    method: v.method,
    weightByArea: v.method !== 'single' && v.weightByArea,
    coefficients,
    amounts,
    totalYuan: v.method === 'single' ? null : v.total,
    targetFen: v.target ?? null,
    pledgeDeadline: v.pledgeDeadline,
    postingDays: v.postingDays,
    ballotId: v.ballotId ?? null,
    ballotMatter: v.ballotMatter,
  };
}

export const createInput = z.object({ projectId: zId(), ...schemeFields }).transform((v, ctx) => ({ projectId: v.projectId, content: content(v, ctx) }));
export const editInput = z.object({ schemeId: zId(), ...schemeFields }).transform((v, ctx) => ({ schemeId: v.schemeId, content: content(v, ctx) }));
export const correctInput = z
  .object({ schemeId: zId(), reason: text(500), ...schemeFields })
  .transform((v, ctx) => ({ schemeId: v.schemeId, reason: v.reason, content: content(v, ctx) }));

export const schemeIdInput = z.object({ schemeId: zId() });
/** Posting: optionally the day it went up on the estate's board, and a photo of the board. */
export const postInput = z.object({
  schemeId: zId(),
  postedOn: z.preprocess((v) => (blank(v) ? undefined : v), zDate().optional()).transform((v) => v ?? null),
  photo: z.instanceof(File).optional(),
});
export const paperObjectionInput = z.object({
  schemeId: zId(),
  flat: text(64),
  channel: z.enum(['paper', 'in_person'], { message: 'costshare.err.objectionChannel' }),
  receivedOn: zDate(),
  body: text(2000),
});
export const withdrawSchemeInput = z.object({ schemeId: zId(), reason: text(500) });
export const objectInput = z.object({ schemeId: zId(), unitId: zId('err.required'), body: text(2000) });
export const answerInput = z.object({ objectionId: zId(), response: text(2000) });

export const pledgeInput = z
  .object({
    schemeId: zId(),
    householdNo: z.coerce.number({ message: 'err.required' }).int('err.required').min(1, 'err.required').max(100_000, 'err.required'),
    amount: optionalYuan,
    reason: optionalText(500),
  })
  .transform((v) => ({ schemeId: v.schemeId, householdNo: v.householdNo, amountFen: v.amount ?? null, reason: v.reason }));
export const withdrawPledgeInput = z.object({ pledgeId: zId() });

export const paperPledgeInput = z.object({
  schemeId: zId(),
  householdNo: z.coerce.number({ message: 'err.required' }).int('err.required').min(1, 'err.required').max(100_000, 'err.required'),
  amount: optionalYuan,
  reason: optionalText(500),
  scan: z.instanceof(File, { message: 'costshare.err.scanRequired' }),
});

const payFields = {
  paidOn: zDate(),
  method: z.enum(PAY_METHODS, { message: 'costshare.err.payMethod' }),
  receiptNo: text(60),
};
export const paymentInput = z.object({
  pledgeId: zId(),
  amount: yuan(),
  ...payFields,
  scan: z.instanceof(File).optional(),
});
export const refundInput = z.object({ paymentId: zId(), refundedOn: zDate(), method: payFields.method, receiptNo: text(60) });

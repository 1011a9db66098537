import { z } from 'zod';
import { parseYuan } from '../../funding/money.ts';
import { zDate, zId } from '../../../lib/input.ts';
import { DONATION_KINDS } from '../tables.ts';

// The forms of donations; every message is a dictionary key shown next to its field.

/** The most one offer of money may be: 10,000,000.00 yuan (the database allows no more than 10⁹ yuan). */
export const MAX_DONATION_FEN = 1_000_000_000;
export const MAX_GOODS_QUANTITY = 1_000_000;
export const MAX_LABOUR_HOURS = 10_000;

/**
 * Control characters (and NUL, which PostgreSQL refuses) never reach the database, nor do
 * invisible and direction-changing characters that could make a line of the public board
 * read differently from what was stored.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const clean = (v: unknown) => (typeof v === 'string' ? v.replace(CONTROL, '').trim() : v);

/** Required one-line text; a blank or missing field is 'err.required'. */
const text = (max: number) => z.preprocess((v) => clean(v ?? ''), z.string().min(1, 'err.required').max(max, 'err.tooLong'));
/** Optional one-line text: blank means none. */
const optionalText = (max: number) => z.preprocess((v) => clean(v ?? ''), z.string().max(max, 'err.tooLong')).transform((v) => (v === '' ? null : v));
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Yuan with at most two decimals, positive and within MAX_DONATION_FEN, as integer fen. */
export const donationYuan = z.string({ message: 'err.amount' }).transform((v, ctx) => {
  const fen = parseYuan(v);
  if (fen === null) {
    ctx.addIssue({ code: 'custom', message: 'err.amount' });
    return z.NEVER;
  }
  if (fen <= 0) {
    ctx.addIssue({ code: 'custom', message: 'err.donationAmountPositive' });
    return z.NEVER;
  }
  if (fen > MAX_DONATION_FEN) {
    ctx.addIssue({ code: 'custom', message: 'err.donationAmountTooLarge' });
    return z.NEVER;
  }
  return fen;
});

const wholeNumber = (max: number) =>
  z
    .string({ message: 'err.number' })
    .trim()
    .regex(/^\d{1,9}$/, 'err.number')
    .transform(Number)
    .pipe(z.number().min(1, 'err.number').max(max, 'err.donationTooMany'));

export type DonationWhat =
  | { kind: 'money'; amountFen: number }
  | { kind: 'goods'; goodsWhat: string; goodsQuantity: number }
  | { kind: 'labour'; labourSkill: string; labourHours: number };

/**
 * The offer form: one kind, its own fields (the others are ignored), and an optional name
 * for the board. Anonymous unless the donor ticks "show my name" and gives one.
 */
export const offerInput = z
  .object({
    projectId: zId(),
    kind: z.enum(DONATION_KINDS, { message: 'err.donationKind' }),
    amount: z.unknown().optional(),
    goodsWhat: z.unknown().optional(),
    goodsQuantity: z.unknown().optional(),
    labourSkill: z.unknown().optional(),
    labourHours: z.unknown().optional(),
    showName: z.preprocess((v) => v === 'on' || v === '1' || v === true, z.boolean()),
    displayName: z.unknown().optional(),
  })
  .transform((v, ctx) => {
    const field = <T>(name: string, schema: z.ZodType<T>, value: unknown): T | undefined => {
      const r = schema.safeParse(value ?? '');
      if (r.success) return r.data;
      for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [name] });
      return undefined;
    };
    let what: DonationWhat | undefined;
    if (v.kind === 'money') {
      const amountFen = field('amount', donationYuan, blank(v.amount) ? undefined : v.amount);
      if (amountFen !== undefined) what = { kind: 'money', amountFen };
    } else if (v.kind === 'goods') {
      const goodsWhat = field('goodsWhat', text(200), v.goodsWhat);
      const goodsQuantity = field('goodsQuantity', wholeNumber(MAX_GOODS_QUANTITY), v.goodsQuantity);
      if (goodsWhat !== undefined && goodsQuantity !== undefined) what = { kind: 'goods', goodsWhat, goodsQuantity };
    } else {
      const labourSkill = field('labourSkill', text(200), v.labourSkill);
      const labourHours = field('labourHours', wholeNumber(MAX_LABOUR_HOURS), v.labourHours);
      if (labourSkill !== undefined && labourHours !== undefined) what = { kind: 'labour', labourSkill, labourHours };
    }
    let displayName: string | null = null;
    if (v.showName) {
      const name = field('displayName', text(40), v.displayName);
      if (name !== undefined) displayName = name;
    }
    if (!what) return z.NEVER;
    return { projectId: v.projectId, what, displayName };
  });
export type OfferInput = z.output<typeof offerInput>;

export const decideInput = z
  .object({
    donationId: zId(),
    decision: z.enum(['accept', 'decline'], { message: 'err.donationDecision' }),
    reason: optionalText(500),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'decline' && !v.reason) ctx.addIssue({ code: 'custom', message: 'err.reasonRequired', path: ['reason'] });
  });

export const receiveInput = z.object({
  donationId: zId(),
  receivedOn: zDate(),
  receiptNo: optionalText(60),
});

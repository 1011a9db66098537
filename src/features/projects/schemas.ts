import { z } from 'zod';
import { parseYuan } from '../funding/money.ts';
import { FUNDING_CHANNELS } from '../funding/channels.ts';
import { SCOPE_CODES } from './taxonomy.ts';
import { PARTY_ROLES, isValidUscc } from './parties.ts';
import { zDate, zId } from '../../lib/input.ts';

// One schema per staff input; messages are dictionary keys.

export const yuan = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const fen = parseYuan(v);
    if (fen === null) ctx.addIssue({ code: 'custom', message: 'err.amount' });
    return fen ?? 0;
  });
const isoDate = zDate();
// Astro hands an empty optional form field over as null; a blank date means "not set".
const optionalDate = z.union([z.literal(''), z.null(), z.undefined(), isoDate]).transform((v) => v || null);
const id = zId();
/** Optional free text: Astro hands an empty field over as null. */
const optionalText = (max: number) =>
  z
    .string()
    .max(max, 'err.tooLong')
    .nullish()
    .transform((v) => (v ?? '').trim());
const text = (max: number) => z.string().trim().min(1, 'err.required').max(max, 'err.tooLong');

export const projectFieldsInput = z
  .object({
    projectId: id,
    title: text(120),
    summary: optionalText(2000),
    households: z.coerce.number().int('err.number').min(0, 'err.number').max(100_000, 'err.number'),
    plannedStart: optionalDate,
    plannedEnd: optionalDate,
  })
  .refine((v) => !v.plannedStart || !v.plannedEnd || v.plannedStart <= v.plannedEnd, { message: 'err.dateOrder', path: ['plannedEnd'] });

export const createProjectInput = z.object({
  subdistrictId: id,
  estateIds: z.array(id).min(1, 'err.estates').max(20, 'err.estates'),
  batchYear: z.coerce.number().int().min(2000, 'err.year').max(2100, 'err.year'),
  title: text(120),
  summary: optionalText(2000),
  households: z.coerce.number().int('err.number').min(0, 'err.number').max(100_000, 'err.number'),
  plannedStart: optionalDate,
  plannedEnd: optionalDate,
});

export const scopeItemInput = z.object({
  projectId: id,
  code: z.string().refine((c) => SCOPE_CODES.includes(c), 'err.scopeCode'),
  description: optionalText(500),
  quantity: z
    .string()
    .trim()
    .regex(/^\d{1,9}(\.\d{1,2})?$/, 'err.quantity')
    .transform((q) => {
      const [i, d = ''] = q.split('.');
      return Number(i) * 100 + Number(d.padEnd(2, '0'));
    }),
  unit: text(20),
  cost: yuan,
});

export const budgetLineInput = z.object({ projectId: id, channel: z.enum(FUNDING_CHANNELS), amount: yuan, note: optionalText(200) });

export const feeInput = z.object({
  projectId: id,
  item: text(60),
  unit: text(30),
  before: yuan,
  after: yuan,
  subsidy: yuan,
  subsidyMonths: z.coerce.number().int('err.number').min(0, 'err.number').max(600, 'err.number'),
});

export const partyInput = z.object({
  projectId: id,
  name: text(120),
  uscc: optionalText(18)
    .transform((v) => v.toUpperCase())
    .refine((v) => v === '' || isValidUscc(v), 'err.uscc')
    .transform((v) => v || null),
  role: z.enum(PARTY_ROLES),
  contactName: optionalText(40).transform((v) => v || null),
  contactPhone: optionalText(30).transform((v) => v || null),
});

export const removeInput = z.object({ projectId: id, id });
export const removePartyInput = z.object({ projectId: id, partyId: id, role: z.enum(PARTY_ROLES) });

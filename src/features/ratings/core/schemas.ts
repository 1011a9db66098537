import { z } from 'zod';
import { zId } from '../../../lib/input.ts';
import { GOALS } from './goals.ts';
import { moderationReason } from '../../consultations/core/schemas.ts';

// The forms of ratings; every message is a dictionary key shown next to its field.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const comment = z
  .preprocess((v) => (typeof v === 'string' ? v.replace(CONTROL, ' ').trim() : (v ?? '')), z.string().max(500, 'err.tooLong'))
  .transform((v) => (v === '' ? null : v));
const score = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string({ message: 'err.ratingScore' })
    .regex(/^[1-5]$/, 'err.ratingScore')
    .transform(Number),
);

const scores = Object.fromEntries(GOALS.map((g) => [`g${g}`, score])) as Record<`g${(typeof GOALS)[number]}`, typeof score>;

export const openRatingInput = z.object({ projectId: zId() });
export const rateInput = z.object({ projectId: zId(), householdId: zId(), ...scores, comment });
export const paperRatingInput = z.object({
  projectId: zId(),
  /** the household's flat as building-entrance-room, e.g. 1-1-101 */
  flat: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string({ message: 'err.required' }).min(1, 'err.required').max(60, 'err.tooLong')),
  ...scores,
  comment,
  scan: z.instanceof(File, { message: 'err.scanRequired' }),
});
export type RateInput = z.infer<typeof rateInput>;

/** A rating's comment as shown: the revision (rating and version) it belongs to, on the project the form names. */
const revision = { projectId: zId(), ratingId: zId('err.notFound'), version: zId('err.notFound') };
export const ratingCommentInput = z.object(revision);
export const hideRatingCommentInput = z.object({ ...revision, reason: moderationReason });

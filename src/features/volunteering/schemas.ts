import { z } from 'zod';
import { parseLocalDateTime } from '../ballots/notice-period.ts';
import { MAX_PLACES, parseHours } from './core/rules.ts';

// Inputs of the volunteering forms; messages are dictionary keys.

const id = z.coerce.number({ message: 'err.notFound' }).int('err.notFound').positive('err.notFound').max(2_147_483_647, 'err.notFound');
const text = (max: number) => z.string({ message: 'err.required' }).trim().min(1, 'err.required').max(max, 'err.tooLong');
/** A datetime-local field, read as Asia/Shanghai time. */
const localDateTime = z
  .string({ message: 'err.dateTime' })
  .trim()
  .transform((v, ctx) => {
    const d = parseLocalDateTime(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: 'err.dateTime' });
      return z.NEVER;
    }
    return d;
  });

export const createTaskInput = z.object({
  projectId: id,
  title: text(200),
  place: text(200),
  details: z
    .string()
    .max(2000, 'err.tooLong')
    .nullish()
    .transform((v) => (v ?? '').trim()),
  startsAt: localDateTime,
  endsAt: localDateTime,
  places: z
    .string({ message: 'err.volunteerPlaces' })
    .trim()
    .regex(/^\d{1,4}$/, 'err.volunteerPlaces')
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_PLACES, 'err.volunteerPlaces'),
});

export const taskInput = z.object({ taskId: id });

export const attendanceInput = z
  .object({
    taskId: id,
    signupId: id,
    attended: z.enum(['1', '0'], { message: 'err.required' }),
    hours: z.string().max(10, 'err.volunteerHours').nullish(),
  })
  .transform((v, ctx) => {
    if (v.attended === '0') return { taskId: v.taskId, signupId: v.signupId, minutes: null };
    const minutes = parseHours(v.hours ?? '');
    if (minutes === null) {
      ctx.addIssue({ code: 'custom', message: 'err.volunteerHours', path: ['hours'] });
      return z.NEVER;
    }
    return { taskId: v.taskId, signupId: v.signupId, minutes };
  });

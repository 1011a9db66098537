import { z } from 'zod';
import { CHOICES, NOTIFICATION_KINDS, type Choice, type NotificationKind } from './core/kinds.ts';

// Inputs of the inbox forms; messages are dictionary keys. The user is the session's, never a field.

const id = z.coerce.number({ message: 'err.notFound' }).int('err.notFound').positive('err.notFound').max(Number.MAX_SAFE_INTEGER, 'err.notFound');

/** One message by id, or every unread one with all=1. */
export const markReadInput = z
  .object({ id: id.nullish(), all: z.literal('1', { message: 'err.required' }).nullish() })
  .refine((v) => (v.id == null) !== (v.all == null), { message: 'err.required' })
  .transform((v) => ({ id: v.id ?? null }));

const choice = z.enum(CHOICES, { message: 'err.required' });
/** One choice per kind; a kind left out keeps what it was. */
export const preferencesInput = z
  .object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, choice.optional()])) as Record<NotificationKind, z.ZodOptional<typeof choice>>)
  .transform((v) => Object.fromEntries(Object.entries(v).filter(([, c]) => c !== undefined)) as Partial<Record<NotificationKind, Choice>>);

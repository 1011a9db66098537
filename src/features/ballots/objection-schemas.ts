import { z } from 'zod';
import { validDate } from '../../lib/calendar.ts';

// Inputs of the objection and co-signature forms; messages are dictionary keys. Text is
// cleaned of NUL bytes (PostgreSQL text cannot hold them) before it is checked, so that
// what is checked is what is stored.

const id = z.coerce.number({ message: 'err.notFound' }).int('err.notFound').positive('err.notFound').max(2_147_483_647, 'err.notFound');
const clean = (max: number, required = 'err.required') =>
  z
    .string({ message: required })
    .transform((v) => v.replaceAll('\u0000', '').trim())
    .pipe(z.string().min(1, required).max(max, 'err.tooLong'));
const date = z.string({ message: 'err.date' }).trim().refine(validDate, 'err.date');

export const OBJECTION_MAX = 2000;
export const COMMITTEE_ROLES = ['chair', 'vice_chair', 'member'] as const;

/** An owner's objection: the version it concerns, the flat (when they hold several), the text. */
export const lodgeObjectionInput = z.object({
  ballotId: id,
  version: id,
  unitId: z.union([z.literal(''), z.null(), z.undefined(), id]).transform((v) => (v ? Number(v) : null)),
  body: clean(OBJECTION_MAX, 'err.objectionText'),
});

/** A paper letter received by the office: the flat it names, the day it arrived, its text. */
export const writtenObjectionInput = z.object({
  ballotId: id,
  version: id,
  estateId: id,
  building: clean(20),
  entrance: clean(20),
  room: clean(20),
  receivedOn: date,
  body: clean(OBJECTION_MAX, 'err.objectionText'),
});

export const respondInput = z.object({
  ballotId: id,
  objectionId: id,
  response: clean(OBJECTION_MAX),
});

export const cosignInput = z.object({
  ballotId: id,
  version: id,
  memberName: clean(50),
  role: z.enum(COMMITTEE_ROLES, { message: 'err.committeeRole' }),
  signedOn: date,
  scan: z.instanceof(File).optional(),
});

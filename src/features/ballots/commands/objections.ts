import type { z } from 'zod';
import { hit, LIMITS } from '../../accounts/rate-limit.ts';
import { cosignVerdict, lodgeObjection, objectionFacts, recordCosignature, recordWrittenObjection, respondToObjection } from '../objections-service.ts';
import type { cosignInput, lodgeObjectionInput, respondInput, writtenObjectionInput } from '../objection-schemas.ts';
import { refuse, storeScan, type CommandActor, type DB } from './result.ts';

// The objection period of a preliminary result (公示期) and the owners' committee's
// co-signatures. The rules live in objection-period.ts; the services write each change
// with its audit entry. `now` is this server's clock unless given.

/** A verified owner on the roll objects online during the objection period, for one of their flats; every attempt counts against the limit. */
export async function lodgeObjectionCommand(db: DB, actor: CommandActor, input: z.infer<typeof lodgeObjectionInput>, now = new Date()) {
  // the limit also slows down someone probing for flats
  if (!(await hit(db, LIMITS.objection, String(actor.id), now))) return refuse('err.rateLimited');
  return lodgeObjection(db, { ballotId: input.ballotId, userId: actor.id, version: input.version, unitId: input.unitId, body: input.body }, now);
}

/** A paper letter handed to the office, dated the day it was received (inside the period, recorded even later). */
export async function recordWrittenCommand(db: DB, actor: CommandActor, input: z.infer<typeof writtenObjectionInput>, now = new Date()) {
  return recordWrittenObjection(db, actor.id, input, now);
}

/** The office's answer to an objection: public, dated, written once. */
export async function respondCommand(db: DB, actor: CommandActor, input: z.infer<typeof respondInput>, now = new Date()) {
  return respondToObjection(db, actor.id, { ballotId: input.ballotId, objectionId: input.objectionId, response: input.response }, now);
}

/** An owners' committee member's signature of a result version, with an optional scan kept privately (stored only once the signature may be recorded). */
export async function cosignCommand(db: DB, actor: CommandActor, input: z.infer<typeof cosignInput>, now = new Date()) {
  const facts = await objectionFacts(db, input.ballotId);
  if (!facts) return refuse('err.notFound');
  const may = cosignVerdict(facts, input.version, input.signedOn, now);
  if (!may.ok) return may;
  let scanStorageKey: string | null = null;
  if (input.scan && input.scan.size > 0) {
    const stored = await storeScan(input.scan, 'scan');
    if (!stored.ok) return stored;
    scanStorageKey = stored.key;
  }
  return recordCosignature(
    db,
    actor.id,
    { ballotId: input.ballotId, version: input.version, memberName: input.memberName, role: input.role, signedOn: input.signedOn, scanStorageKey },
    now,
  );
}

import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { votersFor } from './service.ts';
import { cstDate } from '../../lib/calendar.ts';
import { mayCosign, mayLodgeOnline, mayObjectTo, mayRecordWritten, mayRespond, objectionWindow } from './objection-period.ts';
import type { CommitteeRole, Convener } from './tables.ts';
import type { WorkCalendar } from '../../lib/calendar.ts';
import { config } from '../../lib/config.ts';
import { refuse, type MessageKey } from '../../i18n/index.ts';

// Objections to a preliminary result and the owners' committee's co-signatures: each
// write is one transaction with its audit entry. The rules themselves are the pure
// functions of objection-period.ts; this module reads the facts they need.

type DB = Kysely<Database>;
const refused = (v: { error: MessageKey; field?: string }) => ({ ok: false as const, error: v.error, ...(v.field ? { field: v.field } : {}) });

/** What the rules need to know of a ballot: convener, period, published versions. */
export async function objectionFacts(db: DB, ballotId: number, calendar: WorkCalendar = config().workCalendar) {
  if (!Number.isSafeInteger(ballotId) || ballotId <= 0 || ballotId > 2_147_483_647) return null;
  const b = await db.selectFrom('ballots').select(['id', 'convener', 'objection_days', 'status']).where('id', '=', ballotId).executeTakeFirst();
  if (!b) return null;
  const bulletins = await db
    .selectFrom('ballot_bulletins')
    .select(['version', 'stage', 'published_at'])
    .where('ballot_id', '=', ballotId)
    .orderBy('version')
    .execute();
  const firstPreliminary = bulletins.find((x) => x.stage === 'preliminary');
  return {
    ballotId: b.id,
    convener: b.convener as Convener,
    objectionDays: b.objection_days,
    bulletins,
    window: objectionWindow(firstPreliminary?.published_at, b.objection_days, calendar),
    finalPublished: bulletins.some((x) => x.stage === 'final'),
  };
}
export type ObjectionFacts = NonNullable<Awaited<ReturnType<typeof objectionFacts>>>;

const stageOf = (facts: ObjectionFacts, version: number) => facts.bulletins.find((x) => x.version === version)?.stage;

/** The flats of the roll this person may object for: those of the voters they may cast for as an owner (a voting mandate is not one to object). */
export async function objectionFlatsFor(db: DB, ballotId: number, userId: number) {
  const voters = (await votersFor(db, ballotId, userId)).filter((v) => v.cast_right !== 'proxy');
  if (voters.length === 0) return [];
  return db
    .selectFrom('ballot_voter_units')
    .where(
      'voter_id',
      'in',
      voters.map((v) => v.id),
    )
    .select(['unit_id', 'building', 'entrance', 'room'])
    .orderBy('unit_id')
    .execute();
}

export interface OnlineObjection {
  ballotId: number;
  userId: number;
  version: number;
  unitId: number | null;
  body: string;
}

/** A verified owner on the roll objects online, for one of their own flats, during the period. */
export async function lodgeObjection(db: DB, input: OnlineObjection, now = new Date(), calendar: WorkCalendar = config().workCalendar) {
  const facts = await objectionFacts(db, input.ballotId, calendar);
  if (!facts) return refuse('err.notFound');
  const period = mayLodgeOnline(facts.window, now);
  if (!period.ok) return refused(period);
  const stage = mayObjectTo(stageOf(facts, input.version), facts.finalPublished);
  if (!stage.ok) return refused(stage);
  const flats = await objectionFlatsFor(db, input.ballotId, input.userId);
  if (flats.length === 0) return refuse('err.notAVoter');
  const flat = input.unitId === null && flats.length === 1 ? flats[0] : flats.find((f) => f.unit_id === input.unitId);
  if (!flat) return refuse('err.notYourFlat', 'unitId');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ballot_objections')
      .values({
        ballot_id: input.ballotId,
        version: input.version,
        received_on: cstDate(now),
        channel: 'online',
        unit_id: flat.unit_id,
        building: flat.building,
        entrance: flat.entrance,
        room: flat.room,
        body: input.body,
        lodged_by: input.userId,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId: input.userId,
      action: 'ballot.objection.lodge',
      target: `ballot:${input.ballotId}`,
      detail: { objectionId: row.id, version: input.version },
    });
    return { ok: true as const, objectionId: row.id };
  });
}

export interface WrittenObjection {
  ballotId: number;
  version: number;
  estateId: number;
  building: string;
  entrance: string;
  room: string;
  receivedOn: string;
  body: string;
}

/** A flat of one of the ballot's estates (on the roll or not: a letter may say it was left off). */
async function flatOfBallot(db: DB, ballotId: number, f: { estateId: number; building: string; entrance: string; room: string }) {
  return db
    .selectFrom('units')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('ballot_scopes', 'ballot_scopes.estate_id', 'buildings.estate_id')
    .where('ballot_scopes.ballot_id', '=', ballotId)
    .where('buildings.estate_id', '=', f.estateId)
    .where('buildings.label', '=', f.building)
    .where('entrances.label', '=', f.entrance)
    .where('units.room', '=', f.room)
    .select(['units.id', 'buildings.label as building', 'entrances.label as entrance', 'units.room'])
    .executeTakeFirst();
}

/** Staff record a paper letter received by the office, dated the day it was received. */
export async function recordWrittenObjection(
  db: DB,
  actorUserId: number,
  input: WrittenObjection,
  now = new Date(),
  calendar: WorkCalendar = config().workCalendar,
) {
  const facts = await objectionFacts(db, input.ballotId, calendar);
  if (!facts) return refuse('err.notFound');
  const received = mayRecordWritten(facts.window, input.receivedOn, now);
  if (!received.ok) return refused(received);
  const stage = mayObjectTo(stageOf(facts, input.version), facts.finalPublished);
  if (!stage.ok) return refused(stage);
  const flat = await flatOfBallot(db, input.ballotId, input);
  if (!flat) return refuse('err.noSuchFlat', 'room');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ballot_objections')
      .values({
        ballot_id: input.ballotId,
        version: input.version,
        received_on: input.receivedOn,
        channel: 'written',
        unit_id: flat.id,
        building: flat.building,
        entrance: flat.entrance,
        room: flat.room,
        body: input.body,
        recorded_by: actorUserId,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.objection.written',
      target: `ballot:${input.ballotId}`,
      detail: { objectionId: row.id, version: input.version, receivedOn: input.receivedOn },
    });
    return { ok: true as const, objectionId: row.id };
  });
}

/** The office answers an objection, once; the answer is public and dated. */
export async function respondToObjection(db: DB, actorUserId: number, input: { ballotId: number; objectionId: number; response: string }, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const o = await trx
      .selectFrom('ballot_objections')
      .select(['id', 'response'])
      .where('id', '=', input.objectionId)
      .where('ballot_id', '=', input.ballotId)
      .forUpdate()
      .executeTakeFirst();
    if (!o) return refuse('err.notFound');
    const may = mayRespond(o);
    if (!may.ok) return refused(may);
    await trx.updateTable('ballot_objections').set({ response: input.response, responded_at: now, responded_by: actorUserId }).where('id', '=', o.id).execute();
    await appendAudit(trx, { actorUserId, action: 'ballot.objection.respond', target: `ballot:${input.ballotId}`, detail: { objectionId: o.id } });
    return { ok: true as const, objectionId: o.id };
  });
}

export interface Cosignature {
  ballotId: number;
  version: number;
  memberName: string;
  role: CommitteeRole;
  signedOn: string;
  scanStorageKey: string | null;
}

/** May this version be co-signed on that day? Asked before a scan is stored, and again when recording. */
export function cosignVerdict(facts: ObjectionFacts, version: number, signedOn: string, now = new Date()) {
  const bulletin = facts.bulletins.find((x) => x.version === version);
  if (facts.convener !== 'owners_committee') return refused({ error: 'err.notOwnersCommittee' });
  if (!bulletin) return refused({ error: 'err.noSuchVersion', field: 'version' });
  const may = mayCosign(facts.convener, bulletin.published_at, signedOn, now);
  return may.ok ? { ok: true as const } : refused(may);
}

/** Staff record that an owners' committee member signed a result version. */
export async function recordCosignature(db: DB, actorUserId: number, input: Cosignature, now = new Date()) {
  const facts = await objectionFacts(db, input.ballotId);
  if (!facts) return refuse('err.notFound');
  const may = cosignVerdict(facts, input.version, input.signedOn, now);
  if (!may.ok) return may;
  return db.transaction().execute(async (trx) => {
    const dup = await trx
      .selectFrom('ballot_cosignatures')
      .select('id')
      .where('ballot_id', '=', input.ballotId)
      .where('version', '=', input.version)
      .where('member_name', '=', input.memberName)
      .executeTakeFirst();
    if (dup) return refuse('err.alreadySigned', 'memberName');
    const row = await trx
      .insertInto('ballot_cosignatures')
      .values({
        ballot_id: input.ballotId,
        version: input.version,
        member_name: input.memberName,
        role: input.role,
        signed_on: input.signedOn,
        recorded_by: actorUserId,
        scan_storage_key: input.scanStorageKey,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.cosign',
      target: `ballot:${input.ballotId}`,
      detail: { cosignatureId: row.id, version: input.version, role: input.role, signedOn: input.signedOn },
    });
    return { ok: true as const, cosignatureId: row.id };
  });
}

/** The objections of a ballot as published: flat, date, channel, text, response. Never who. */
export function objectionsOf(db: DB, ballotId: number) {
  return db
    .selectFrom('ballot_objections')
    .select(['id', 'version', 'received_on', 'channel', 'building', 'entrance', 'room', 'body', 'response', 'responded_at', 'created_at'])
    .where('ballot_id', '=', ballotId)
    .orderBy('received_on')
    .orderBy('id')
    .execute();
}
export type PublicObjection = Awaited<ReturnType<typeof objectionsOf>>[number];

/** The co-signatures of a ballot's versions: name, role, date (and whether a scan is kept). */
export async function cosignaturesOf(db: DB, ballotId: number) {
  const rows = await db
    .selectFrom('ballot_cosignatures')
    .select(['id', 'version', 'member_name', 'role', 'signed_on', 'scan_storage_key'])
    .where('ballot_id', '=', ballotId)
    .orderBy('version')
    .orderBy('signed_on')
    .orderBy('id')
    .execute();
  return rows.map(({ scan_storage_key, ...r }) => ({ ...r, hasScan: scan_storage_key !== null }));
}
export type PublicCosignature = Awaited<ReturnType<typeof cosignaturesOf>>[number];

export async function objectionCount(db: DB, ballotId: number) {
  const row = await db
    .selectFrom('ballot_objections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ballot_id', '=', ballotId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { buildRoll } from './roll.ts';
import { kind, type Art278Item } from './matters.ts';
import { newReceipt } from './receipt.ts';
import { holdsFlatOf } from './holdings.ts';
import type { Choice } from './cast.ts';
import type { CastChannel, CastRight, Convener } from './tables.ts';
import { refuse } from '../../i18n/index.ts';
import { checkVoteTexts, voteClosed } from '../notifications/commands/producers.ts';

type DB = Kysely<Database>;
type Tx = Transaction<Database>;
const DAY = 86_400_000;

export interface NewBallot {
  subdistrictId: number;
  projectId: number | null;
  title: string;
  explanation: string;
  convener: Convener;
  noticeDays: number;
  opensAt: Date;
  closesAt: Date;
  scopes: { estateId: number; building: string | null; entrance: string | null }[];
  matters: { title: string; item: Art278Item }[];
}

export async function createBallot(db: DB, actorUserId: number, b: NewBallot) {
  if (b.matters.length === 0) return refuse('err.noMatters');
  if (b.scopes.length === 0) return refuse('err.noElectorate');
  if (b.closesAt <= b.opensAt) return refuse('err.dateOrder', 'closesAt');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ballots')
      .values({
        subdistrict_id: b.subdistrictId,
        project_id: b.projectId,
        title: b.title,
        explanation: b.explanation,
        convener: b.convener,
        notice_days: Math.max(15, b.noticeDays),
        opens_at: b.opensAt,
        closes_at: b.closesAt,
        created_by: actorUserId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ballot_scopes')
      .values(b.scopes.map((s) => ({ ballot_id: row.id, estate_id: s.estateId, building: s.building, entrance: s.entrance })))
      .execute();
    await trx
      .insertInto('ballot_matters')
      .values(b.matters.map((m, i) => ({ ballot_id: row.id, code: `m${i + 1}`, title: m.title, art278_item: m.item, kind: kind(m.item) })))
      .execute();
    await appendAudit(trx, { actorUserId, action: 'ballot.create', target: `ballot:${row.id}`, detail: { matters: b.matters.length } });
    return { ok: true as const, ballotId: row.id };
  });
}

/** The flats in the electorate with their register owners, as the roll is built from them. */
async function electorate(db: DB | Tx, ballotId: number) {
  const scopes = await db.selectFrom('ballot_scopes').selectAll().where('ballot_id', '=', ballotId).execute();
  if (scopes.length === 0) return { units: [], links: [] };
  const inScope = (eb: ExpressionBuilder<Database, 'units' | 'entrances' | 'buildings'>) =>
    eb.or(
      scopes.map((s) =>
        eb.and([
          eb('buildings.estate_id', '=', s.estate_id),
          ...(s.building !== null ? [eb('buildings.label', '=', s.building)] : []),
          ...(s.entrance !== null ? [eb('entrances.label', '=', s.entrance)] : []),
        ]),
      ),
    );
  // the flats and their owners by the same scope (no list of flat ids: an estate may have more flats than a statement has parameters)
  const [units, links] = await Promise.all([
    db
      .selectFrom('units')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where(inScope)
      .select(['units.id', 'units.room', 'units.area_cm2', 'units.developer_held', 'buildings.label as building', 'entrances.label as entrance'])
      .execute(),
    db
      .selectFrom('unit_owners')
      .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
      .innerJoin('units', 'units.id', 'unit_owners.unit_id')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where(inScope)
      .where('register_owners.removed_at', 'is', null)
      .select(['unit_owners.unit_id', 'unit_owners.owner_id', 'register_owners.id_type', 'register_owners.id_hash'])
      .execute(),
  ]);
  return { units, links };
}

/** The roll as it would be frozen now: public for checking before the vote opens (flats and areas, no names). */
export async function previewRoll(db: DB | Tx, ballotId: number) {
  const { units, links } = await electorate(db, ballotId);
  // Owners are grouped as persons (ID type + keyed hash), not register rows: the register
  // keeps one row per person and estate, and in a vote over several estates (a merged
  // project) someone owning flats in two of them is still one owner with all their area.
  const person = (l: (typeof links)[number]) => `${l.id_type}:${l.id_hash}`;
  const rowsOf = new Map<string, Set<string>>();
  for (const l of links) rowsOf.set(person(l), (rowsOf.get(person(l)) ?? new Set()).add(String(l.owner_id)));
  const roll = buildRoll(
    units.map((u) => ({
      unitId: String(u.id),
      building: u.building,
      entrance: u.entrance,
      room: u.room,
      areaCm2: u.area_cm2,
      developerHeld: u.developer_held,
    })),
    links.map((l) => ({ unitId: String(l.unit_id), ownerId: person(l) })),
  );
  // the frozen roll keeps every register row of each person, so a verification against any of them casts
  return {
    ...roll,
    voters: roll.voters.map((v) => ({ ...v, ownerIds: v.ownerIds.flatMap((k) => [...(rowsOf.get(k) ?? [])]).sort((a, b) => Number(a) - Number(b)) })),
  };
}

/**
 * The database's clock (the transaction's start when inside one): every open/close decision
 * and every cast time is taken from it, never from this server's clock.
 */
export async function databaseNow(db: DB | Tx): Promise<Date> {
  const res = await sql<{ now: Date }>`select now() as now`.execute(db);
  return new Date(res.rows[0]!.now);
}

/** Earliest moment a noticed ballot may open: never less than 15 days after its notice. */
export const earliestOpening = (noticePublishedAt: Date, noticeDays: number) => new Date(noticePublishedAt.getTime() + Math.max(15, noticeDays) * DAY);

/**
 * Opens the vote: refuses before the notice period is over, and freezes the roll. Flats of
 * the electorate without an owner on the register are left off the roll: opening while any
 * exist needs `confirmUnowned` (they are listed in the audit entry).
 */
export async function openBallot(db: DB, actorUserId: number, ballotId: number, now?: Date, opts: { confirmUnowned?: boolean } = {}) {
  const opened = await db.transaction().execute(async (trx) => {
    now ??= await databaseNow(trx);
    const b = await trx.selectFrom('ballots').selectAll().where('id', '=', ballotId).forUpdate().executeTakeFirst();
    if (!b || b.status !== 'noticed' || !b.notice_published_at) return refuse('err.ballotState');
    if (now < earliestOpening(b.notice_published_at, b.notice_days)) return refuse('err.noticeTooRecent');
    if (now >= b.closes_at) return refuse('err.ballotPast');
    checkVoteTexts({ title: b.title, closesAt: b.closes_at }); // the texts that loop will send: no ID number
    const roll = await previewRoll(trx, ballotId);
    const unowned = roll.unownedUnits.map((u) => `${u.building}-${u.entrance}-${u.room}`);
    if (unowned.length > 0 && !opts.confirmUnowned) return { ...refuse('err.confirmUnowned', 'confirmUnowned'), unowned: unowned.length };
    await writeRoll(trx, ballotId, roll.voters);
    await trx.updateTable('ballots').set({ status: 'open', opened_at: now }).where('id', '=', ballotId).execute();
    // the owners on the roll are told by the notification loop's next run (makeDueVoteMessages), not in this transaction
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.open',
      target: `ballot:${ballotId}`,
      detail: { voters: roll.voters.length, ...(unowned.length ? { unownedFlats: unowned.length, unowned: unowned.slice(0, 2000) } : {}) },
    });
    return { ok: true as const, voters: roll.voters.length };
  });
  // The roll was just written in bulk and casting starts now: without fresh statistics the
  // planner treats the roll tables as nearly empty and the first casts took 60 ms, not 0.7 ms.
  if (opened.ok) await sql`analyze ballot_voters, ballot_voter_units, ballot_voter_owners`.execute(db).catch(() => {});
  return opened;
}

/**
 * Writes the frozen roll in three statements whatever its size (voters, their flats, their
 * register owners), each taking its rows as a few arrays: a 50,000-household roll is some
 * 150,000 rows, and a row of parameters each would need dozens of round trips.
 */
async function writeRoll(trx: Tx, ballotId: number, voters: Awaited<ReturnType<typeof previewRoll>>['voters']) {
  if (voters.length === 0) return;
  await sql`insert into ballot_voters (ballot_id, code, area_cm2, developer, receipt)
    select ${ballotId}, v.code, v.area, v.developer, v.receipt
    from unnest(${voters.map((v) => v.id)}::text[], ${voters.map((v) => String(v.areaCm2))}::bigint[], ${voters.map((v) => v.developer)}::boolean[],
                ${voters.map(() => newReceipt())}::text[]) as v(code, area, developer, receipt)`.execute(trx);
  const units = voters.flatMap((v) => v.units.map((u) => ({ code: v.id, ...u })));
  await sql`insert into ballot_voter_units (voter_id, unit_id, building, entrance, room, area_cm2)
    select bv.id, u.unit_id, u.building, u.entrance, u.room, u.area
    from unnest(${units.map((u) => u.code)}::text[], ${units.map((u) => Number(u.unitId))}::integer[], ${units.map((u) => u.building)}::text[],
                ${units.map((u) => u.entrance)}::text[], ${units.map((u) => u.room)}::text[], ${units.map((u) => String(u.areaCm2))}::bigint[])
         as u(code, unit_id, building, entrance, room, area)
    join ballot_voters bv on bv.ballot_id = ${ballotId} and bv.code = u.code`.execute(trx);
  const owners = voters.flatMap((v) => v.ownerIds.map((o) => ({ code: v.id, ownerId: Number(o) })));
  if (owners.length === 0) return;
  await sql`insert into ballot_voter_owners (voter_id, register_owner_id)
    select bv.id, o.owner_id
    from unnest(${owners.map((o) => o.code)}::text[], ${owners.map((o) => o.ownerId)}::integer[]) as o(code, owner_id)
    join ballot_voters bv on bv.ballot_id = ${ballotId} and bv.code = o.code`.execute(trx);
}

/** A ballot past its end (by the database's clock) is closed, whoever looks first. */
export async function closeIfDue(db: DB, ballotId: number, now?: Date) {
  await db
    .updateTable('ballots')
    .set({ status: 'closed', closed_at: sql`closes_at` as never })
    .where('id', '=', ballotId)
    .where('status', '=', 'open')
    .where('closes_at', '<=', now ?? sql<Date>`now()`)
    .execute();
}

/**
 * Closes the vote now. The database trigger takes the ballot's close lock exclusively, so a
 * cast in flight finishes first and none starts until this commits; the closing moment is
 * the database's clock at that point (or `now`, for tests that travel in time).
 */
export async function closeBallot(db: DB, actorUserId: number, ballotId: number, now?: Date) {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('ballots')
      .set({ status: 'closed', ...(now ? { closed_at: now } : {}) })
      .where('id', '=', ballotId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return refuse('err.ballotState');
    await voteClosed(trx, ballotId);
    await appendAudit(trx, { actorUserId, action: 'ballot.close', target: `ballot:${ballotId}` });
    return { ok: true as const };
  });
}

/**
 * Cancels a ballot created or noticed by mistake, before it opens, with a reason shown
 * publicly. When its meeting notice was published, a cancellation notice follows it.
 */
export async function cancelBallot(db: DB, actorUserId: number, ballotId: number, reason: string) {
  const why = reason.trim();
  if (!why) return refuse('err.cancelReason', 'reason');
  return db.transaction().execute(async (trx) => {
    const b = await trx
      .selectFrom('ballots')
      .select(['id', 'status', 'title', 'subdistrict_id', 'project_id', 'notice_published_at'])
      .where('id', '=', ballotId)
      .forUpdate()
      .executeTakeFirst();
    if (!b || (b.status !== 'draft' && b.status !== 'noticed')) return refuse('err.ballotState');
    const now = await databaseNow(trx);
    await trx.updateTable('ballots').set({ status: 'cancelled', cancelled_at: now, cancel_reason: why }).where('id', '=', ballotId).execute();
    let noticeId: number | null = null;
    if (b.status === 'noticed') {
      const project = b.project_id === null ? null : await trx.selectFrom('projects').select('published_at').where('id', '=', b.project_id).executeTakeFirst();
      const notice = await trx
        .insertInto('notices')
        .values({
          subdistrict_id: b.subdistrict_id,
          project_id: project?.published_at ? b.project_id : null,
          kind: 'other',
          title: `业主大会会议取消通知：${b.title}`.slice(0, 200),
          body: `原定的业主大会会议（表决）“${b.title}”已取消，不再进行表决。\n\n取消原因：${why}`,
          published_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      noticeId = notice.id;
      await appendAudit(trx, { actorUserId, action: 'notice.publish', target: `notice:${notice.id}`, detail: { publishedAt: now.toISOString(), ballotId } });
    }
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.cancel',
      target: `ballot:${ballotId}`,
      detail: { from: b.status, reason: why, ...(noticeId ? { noticeId } : {}) },
    });
    return { ok: true as const, noticeId };
  });
}

/**
 * The voters of a ballot this person may cast for and by what right (owner still holding a
 * flat, new owner of a seller's whole holding, recorded proxy): the gz_cast_voters database
 * function, which the cast itself asks too (migration 0007).
 */
export async function votersFor(db: DB | Tx, ballotId: number, userId: number) {
  const res = await sql<{ id: number; code: string; receipt: string; cast_right: CastRight }>`
    select bv.id, bv.code, bv.receipt, r.cast_right from gz_cast_voters(${ballotId}::integer, ${userId}::integer) r
    join ballot_voters bv on bv.id = r.voter_id order by bv.code`.execute(db);
  return res.rows;
}

export interface CastInput {
  ballotId: number;
  voterId: number;
  castBy: number;
  channel: CastChannel;
  choices: Record<string, Choice>; // matter code → choice
  mandate?: string | null;
  scanStorageKey?: string | null;
  /** staff entering a paper ballot over the household's online one: why (the confirmation) */
  overrideReason?: string | null;
}

/** The ballot that counts for a voter now, if it was cast online: when, and by what right. */
export async function countedOnlineCast(db: DB | Tx, ballotId: number, voterId: number) {
  const last = await db
    .selectFrom('ballot_casts')
    .select(['id', 'channel', 'cast_right', 'cast_at'])
    .where('ballot_id', '=', ballotId)
    .where('voter_id', '=', voterId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last && last.channel === 'online' ? { castId: last.id, at: last.cast_at, right: last.cast_right } : null;
}

/**
 * Records a ballot: the cast is kept as evidence and the voter's counted choices become
 * exactly this cast's (the last ballot before the close counts). One transaction, timed by
 * the database's clock (or `now`, for tests that travel in time). A staff entry over a
 * ballot the household cast online needs `overrideReason` (refused with the online cast's
 * time and right otherwise).
 */
export async function recordCast(db: DB, input: CastInput, now?: Date) {
  return db.transaction().execute(async (trx) => {
    // one household's casts one at a time, then the ballot's close lock shared: as gz_cast does
    await sql`select pg_advisory_xact_lock(7501, ${input.voterId}::integer)`.execute(trx);
    await sql`select pg_advisory_xact_lock_shared(7500, ${input.ballotId}::integer)`.execute(trx);
    now ??= await databaseNow(trx);
    const b = await trx.selectFrom('ballots').select(['status', 'closes_at']).where('id', '=', input.ballotId).executeTakeFirst();
    if (!b || b.status !== 'open' || now >= b.closes_at) return refuse('err.ballotNotOpen');
    const matters = await trx.selectFrom('ballot_matters').select(['id', 'code']).where('ballot_id', '=', input.ballotId).execute();
    const known = new Map(matters.map((m) => [m.code, m.id]));
    if (Object.keys(input.choices).some((c) => !known.has(c))) return refuse('err.unknownMatter');
    if (input.channel === 'online' && Object.keys(input.choices).length !== matters.length) return refuse('err.everyMatter');
    const right = input.channel === 'online' ? 'owner' : await staffEntryRight(trx, input.ballotId, input.voterId);
    if (right === 'stands') return refuse('err.ballotStands');
    const override = input.overrideReason?.trim() || null;
    const online = input.channel === 'online' ? null : await countedOnlineCast(trx, input.ballotId, input.voterId);
    if (online && !override) return { ...refuse('err.votedOnline', 'overrideReason'), votedOnline: { at: online.at.toISOString(), right: online.right } };
    const cast = await trx
      .insertInto('ballot_casts')
      .values({
        ballot_id: input.ballotId,
        voter_id: input.voterId,
        cast_by: input.castBy,
        channel: input.channel,
        cast_right: right,
        mandate: input.mandate ?? null,
        scan_storage_key: input.scanStorageKey ?? null,
        choices: JSON.stringify(input.choices),
        cast_at: now,
        override_reason: online ? override : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('ballot_choices').where('voter_id', '=', input.voterId).execute();
    const rows = Object.entries(input.choices).map(([code, choice]) => ({
      ballot_id: input.ballotId,
      voter_id: input.voterId,
      matter_id: known.get(code)!,
      choice,
      cast_id: cast.id,
    }));
    if (rows.length) await trx.insertInto('ballot_choices').values(rows).execute();
    if (input.channel !== 'online') {
      await appendAudit(trx, {
        actorUserId: input.castBy,
        action: `ballot.${input.channel}`,
        target: `ballot:${input.ballotId}`,
        detail: {
          voterId: input.voterId,
          castId: cast.id,
          ...(online ? { overOnlineCast: online.castId, onlineCastAt: online.at.toISOString(), reason: override } : {}),
        },
      });
    }
    const receipt = await trx.selectFrom('ballot_voters').select('receipt').where('id', '=', input.voterId).executeTakeFirstOrThrow();
    return { ok: true as const, castId: cast.id, receipt: receipt.receipt };
  });
}

/**
 * By what right a ballot staff enter (paper, written proxy) counts: before the household's
 * whole holding changed hands it is the owners' ('staff'); after it, it can only be the new
 * owner's ('new_owner') — unless a ballot cast before the sale stands.
 */
async function staffEntryRight(trx: Tx, ballotId: number, voterId: number): Promise<'staff' | 'new_owner' | 'stands'> {
  const res = await sql<{ has_owners: boolean; seller_holds: boolean; cast_before: boolean }>`
    select exists (select 1 from ballot_voter_owners f where f.voter_id = ${voterId}) as has_owners,
      exists (select 1 from ballot_voter_owners f where f.voter_id = ${voterId} and ${holdsFlatOf(voterId, sql.ref('f.register_owner_id'))}) as seller_holds,
      exists (select 1 from ballot_casts c where c.ballot_id = ${ballotId} and c.voter_id = ${voterId} and c.cast_right <> 'new_owner') as cast_before`.execute(
    trx,
  );
  const r = res.rows[0]!;
  if (!r.has_owners || r.seller_holds) return 'staff';
  return r.cast_before ? 'stands' : 'new_owner';
}

/** The roll and counted choices of a ballot, as the pure tally and the bulletin take them. */
export async function countedData(db: DB, ballotId: number) {
  const [voters, units, matters, choices] = await Promise.all([
    db.selectFrom('ballot_voters').select(['id', 'code', 'receipt']).where('ballot_id', '=', ballotId).orderBy('code').execute(),
    db
      .selectFrom('ballot_voter_units')
      .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
      .where('ballot_voters.ballot_id', '=', ballotId)
      .select(['ballot_voter_units.voter_id', 'building', 'entrance', 'room', 'ballot_voter_units.area_cm2'])
      .execute(),
    db.selectFrom('ballot_matters').select(['id', 'code', 'title', 'kind']).where('ballot_id', '=', ballotId).orderBy('id').execute(),
    // one row a voter, not one a choice (a 50,000-household vote of 20 matters has a million choices)
    sql<{ voter_id: number; choices: string | Record<string, Choice> }>`
      select c.voter_id, json_object_agg(m.code, c.choice)::text as choices
      from ballot_choices c join ballot_matters m on m.id = c.matter_id
      where c.ballot_id = ${ballotId} group by c.voter_id`.execute(db),
  ]);
  const unitsOf = new Map<number, { building: string; entrance: string; room: string; areaCm2: number }[]>();
  for (const u of units) {
    const list = unitsOf.get(u.voter_id) ?? [];
    list.push({ building: u.building, entrance: u.entrance, room: u.room, areaCm2: u.area_cm2 });
    unitsOf.set(u.voter_id, list);
  }
  const choicesOf = new Map<number, Record<string, Choice>>();
  for (const c of choices.rows) choicesOf.set(c.voter_id, typeof c.choices === 'string' ? (JSON.parse(c.choices) as Record<string, Choice>) : c.choices);
  return {
    matters: matters.map((m) => ({ id: m.code, title: m.title, kind: m.kind })),
    voters: voters.map((v) => ({ id: v.code, receipt: v.receipt, units: unitsOf.get(v.id) ?? [], choices: choicesOf.get(v.id) ?? null })),
  };
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

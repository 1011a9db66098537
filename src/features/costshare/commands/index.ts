import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { config } from '../../../lib/config.ts';
import { addDays, cstDate, cstMidnight } from '../../../lib/calendar.ts';
import { appendAudit } from '../../audit/service.ts';
import { periodLastDay } from '../../ballots/objection-period.ts';
import { splitScheme, type SplitError } from '../core/split.ts';
import { households } from '../core/households.ts';
import { canMove, LIVE, outcome, periodEnd } from '../core/rules.ts';
import type { SchemeContent } from '../core/schemas.ts';
import type { ObjectionChannel, PayMethod, ReleaseCause, SchemeStatus } from '../tables.ts';
import { voteOutcome } from '../queries/vote.ts';
import { householdPledged, householdUnpledged, pledgingOpened, pledgingStopped } from '../../notifications/commands/producers.ts';

// Every change to a cost-share scheme, its pledges and its money: one function per act,
// (db, actor, input, now) → result, holding the rules, the SQL and, for staff acts, the audit
// entry in the same transaction. The database enforces the states again (migration 0026).

type DB = Kysely<Database>;
type Trx = Transaction<Database>;
export type Refusal = { ok: false; error: string; field?: string; split?: SplitError };
const refuse = (error: string, field?: string): Refusal => (field ? { ok: false, error, field } : { ok: false, error });

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/** The flats in a scheme's scope, with their owners on the current register. */
async function scopeUnits(db: DB | Trx, c: Pick<SchemeContent, 'estateId' | 'building' | 'entrance'>) {
  let q = db
    .selectFrom('units')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('buildings.estate_id', '=', c.estateId)
    .select(['units.id', 'units.floor', 'units.room', 'units.area_cm2', 'units.developer_held', 'buildings.label as building', 'entrances.label as entrance']);
  if (c.building) q = q.where('buildings.label', '=', c.building);
  if (c.entrance) q = q.where('entrances.label', '=', c.entrance);
  const units = await q.execute();
  const ids = units.map((u) => u.id);
  const links =
    ids.length === 0
      ? []
      : await db
          .selectFrom('unit_owners')
          .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
          .where('unit_owners.unit_id', 'in', ids)
          .where('register_owners.removed_at', 'is', null)
          .select(['unit_owners.unit_id', 'unit_owners.owner_id'])
          .execute();
  return { units, links };
}

type Computed = {
  totalFen: number;
  shares: { unitId: number; building: string; entrance: string; room: string; floor: number; areaCm2: number; fen: number }[];
  households: number[][];
};

/** Splits the content over the flats in scope (the same module as the CLI) and groups the flats into households. */
async function compute(db: DB | Trx, c: SchemeContent): Promise<{ ok: true; value: Computed } | Refusal> {
  const { units, links } = await scopeUnits(db, c);
  if (units.length === 0) return refuse('costshare.err.noFlats', c.entrance ? 'entrance' : c.building ? 'building' : 'estateId');
  const key = (u: (typeof units)[number]) => `${u.building}-${u.entrance}-${u.room}`;
  if (c.method === 'single') {
    const known = new Set(units.map(key));
    for (const k of c.amounts!.keys()) if (!known.has(k)) return refuse('costshare.err.unknownFlat', 'amounts');
  }
  const chosen = c.method === 'single' ? units.filter((u) => c.amounts!.has(key(u))) : units;
  const input: Record<string, unknown> = {
    method: c.method,
    ...(c.method !== 'single' ? { totalYuan: c.totalYuan } : {}),
    ...(c.weightByArea ? { weightByArea: true } : {}),
    ...(c.method === 'tiered' ? { coefficients: c.coefficients } : {}),
    flats: chosen.map((u) => ({
      id: String(u.id),
      floor: u.floor,
      ...(c.weightByArea ? { areaM2: (u.area_cm2 / 100).toFixed(2) } : {}),
      ...(c.method === 'single' ? { amountYuan: c.amounts!.get(key(u)) } : {}),
    })),
  };
  const split = splitScheme(input);
  if (!split.ok) {
    const e = split.errors[0]!;
    const field =
      e.path.startsWith('coefficients') || e.code === 'noCoefficient' || e.code === 'allWeightsZero'
        ? c.method === 'tiered'
          ? 'coefficients'
          : 'total'
        : e.path.startsWith('totalYuan')
          ? 'total'
          : c.method === 'single'
            ? 'amounts'
            : 'total';
    return { ok: false, error: 'costshare.err.split', field, split: e };
  }
  const totalFen = Number(split.split.totalFen);
  if (totalFen <= 0) return refuse('costshare.err.positive', c.method === 'single' ? 'amounts' : 'total');
  if (c.targetFen !== null && c.targetFen > totalFen) return refuse('costshare.err.targetAboveTotal', 'target');
  const byId = new Map(chosen.map((u) => [String(u.id), u]));
  const shares = split.split.shares.map((s) => {
    const u = byId.get(s.id)!;
    return { unitId: u.id, building: u.building, entrance: u.entrance, room: u.room, floor: u.floor, areaCm2: u.area_cm2, fen: Number(s.fen) };
  });
  const chosenIds = new Set(chosen.map((u) => u.id));
  const groups = households(
    chosen.map((u) => ({
      unitId: String(u.id),
      building: u.building,
      entrance: u.entrance,
      room: u.room,
      areaCm2: u.area_cm2,
      developerHeld: u.developer_held,
      floor: u.floor,
    })),
    links.filter((l) => chosenIds.has(l.unit_id)).map((l) => ({ unitId: String(l.unit_id), ownerId: String(l.owner_id) })),
  ).map((g) => g.map(Number));
  return { ok: true, value: { totalFen, shares, households: groups } };
}

/** (Re)writes the households and shares of a draft version. */
async function writeShares(trx: Trx, versionId: number, v: Computed) {
  await trx.deleteFrom('cost_scheme_shares').where('version_id', '=', versionId).execute();
  await trx.deleteFrom('cost_scheme_households').where('version_id', '=', versionId).execute();
  const fenOf = new Map(v.shares.map((s) => [s.unitId, s.fen]));
  const byUnit = new Map(v.shares.map((s) => [s.unitId, s]));
  const rows = await trx
    .insertInto('cost_scheme_households')
    .values(
      v.households.map((g, i) => {
        const first = byUnit.get(g[0]!)!;
        return { version_id: versionId, no: i + 1, share_fen: g.reduce((a, u) => a + fenOf.get(u)!, 0), building: first.building, entrance: first.entrance };
      }),
    )
    .returning(['id', 'no'])
    .execute();
  const hid = new Map<number, number>();
  for (const r of rows) for (const u of v.households[r.no - 1]!) hid.set(u, r.id);
  for (let i = 0; i < v.shares.length; i += 1000) {
    await trx
      .insertInto('cost_scheme_shares')
      .values(
        v.shares.slice(i, i + 1000).map((s) => ({
          version_id: versionId,
          unit_id: s.unitId,
          household_id: hid.get(s.unitId)!,
          building: s.building,
          entrance: s.entrance,
          room: s.room,
          floor: s.floor,
          area_cm2: s.areaCm2,
          share_fen: s.fen,
        })),
      )
      .execute();
  }
}

const versionValues = (c: SchemeContent, totalFen: number) => ({
  title: c.title,
  item: c.item,
  estate_id: c.estateId,
  building: c.building,
  entrance: c.entrance,
  method: c.method,
  weight_by_area: c.weightByArea,
  coefficients: c.coefficients ? JSON.stringify(c.coefficients) : null,
  total_fen: totalFen,
  target_fen: c.targetFen ?? totalFen,
  pledge_deadline: c.pledgeDeadline,
  posting_days: c.postingDays,
  ballot_id: c.ballotId,
  ballot_matter: c.ballotMatter,
});

/** The estate is one of the project's, the vote (if any) is of this project and has the named matter. */
async function checkContent(db: DB | Trx, projectId: number, c: SchemeContent, now: Date): Promise<Refusal | null> {
  const estate = await db
    .selectFrom('project_estates')
    .select('estate_id')
    .where('project_id', '=', projectId)
    .where('estate_id', '=', c.estateId)
    .executeTakeFirst();
  if (!estate) return refuse('costshare.err.estate', 'estateId');
  if (c.pledgeDeadline <= cstDate(now)) return refuse('costshare.err.deadlinePast', 'pledgeDeadline');
  if (c.ballotId !== null) {
    const m = await db
      .selectFrom('ballot_matters')
      .innerJoin('ballots', 'ballots.id', 'ballot_matters.ballot_id')
      .where('ballots.id', '=', c.ballotId)
      .where('ballots.project_id', '=', projectId)
      .where('ballot_matters.code', '=', c.ballotMatter!)
      .select('ballot_matters.id')
      .executeTakeFirst();
    if (!m) return refuse('costshare.err.ballot', 'ballotId');
  }
  return null;
}

/** Staff create a scheme as a draft (version 1) with its shares computed from the register. */
export async function createScheme(db: DB, actorUserId: number, input: { projectId: number; content: SchemeContent }, now = new Date()) {
  const bad = await checkContent(db, input.projectId, input.content, now);
  if (bad) return bad;
  const computed = await compute(db, input.content);
  if (!computed.ok) return computed;
  return db.transaction().execute(async (trx) => {
    const s = await trx
      .insertInto('cost_schemes')
      .values({ project_id: input.projectId, created_by: actorUserId, status_changed_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const v = await trx
      .insertInto('cost_scheme_versions')
      .values({ scheme_id: s.id, version: 1, created_by: actorUserId, ...versionValues(input.content, computed.value.totalFen) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeShares(trx, v.id, computed.value);
    await appendAudit(trx, {
      actorUserId,
      action: 'costshare.create',
      target: `scheme:${s.id}`,
      detail: { projectId: input.projectId, totalFen: computed.value.totalFen, flats: computed.value.shares.length },
    });
    return { ok: true as const, schemeId: s.id };
  });
}

async function lockScheme(trx: Trx, schemeId: number) {
  return trx
    .selectFrom('cost_schemes')
    .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
    .select([
      'cost_schemes.id',
      'cost_schemes.project_id',
      'cost_schemes.status',
      'cost_schemes.current_version',
      'cost_schemes.status_changed_at',
      'v.id as version_id',
      'v.posting_days',
      'v.posting_last_day',
      'v.pledge_deadline',
      'v.target_fen',
      'v.ballot_id',
      'v.ballot_matter',
    ])
    .where('cost_schemes.id', '=', schemeId)
    .forUpdate('cost_schemes')
    .executeTakeFirst();
}

/** Staff edit the current draft version: its content and shares are rewritten. */
export async function editDraft(db: DB, actorUserId: number, input: { schemeId: number; content: SchemeContent }, now = new Date()) {
  const s0 = await db.selectFrom('cost_schemes').select(['project_id']).where('id', '=', input.schemeId).executeTakeFirst();
  if (!s0) return refuse('err.notFound');
  const bad = await checkContent(db, s0.project_id, input.content, now);
  if (bad) return bad;
  const computed = await compute(db, input.content);
  if (!computed.ok) return computed;
  return db.transaction().execute(async (trx) => {
    const s = await lockScheme(trx, input.schemeId);
    if (!s) return refuse('err.notFound');
    if (s.status !== 'draft') return refuse('costshare.err.frozen');
    await trx.updateTable('cost_scheme_versions').set(versionValues(input.content, computed.value.totalFen)).where('id', '=', s.version_id).execute();
    await writeShares(trx, s.version_id, computed.value);
    await appendAudit(trx, {
      actorUserId,
      action: 'costshare.edit',
      target: `scheme:${s.id}`,
      detail: { version: s.current_version, totalFen: computed.value.totalFen },
    });
    return { ok: true as const, schemeId: s.id };
  });
}

/** How far back staff may date a scheme already posted on the estate's board (as for a ballot's meeting notice). */
export const MAX_BOARD_BACKDATE_DAYS = 90;

/**
 * The board posting date staff give, checked before its photo is stored: not after today, at
 * most MAX_BOARD_BACKDATE_DAYS back, and a date before today needs a photo of the board (a
 * posting period is not backdated on a word). Null when it is fine.
 */
export function boardPostingRefusal(postedOn: string | null, hasPhoto: boolean, now: Date): Refusal | null {
  if (postedOn === null) return hasPhoto ? refuse('costshare.err.boardDateRequired', 'postedOn') : null;
  const today = cstDate(now);
  if (postedOn > today || postedOn < addDays(today, -MAX_BOARD_BACKDATE_DAYS)) return refuse('costshare.err.boardDate', 'postedOn');
  if (postedOn < today && !hasPhoto) return refuse('costshare.err.boardPhotoRequired', 'photo');
  return null;
}

/**
 * Posts (公示) the current draft: the version and its shares freeze; objections are taken until
 * 24:00 of the last day. With `board` the scheme already went up on the estate's board on that
 * day (a photo of it kept, shown on the public page): the period runs from that day. The
 * database checks the dates again (migration 0042).
 */
export async function postScheme(
  db: DB,
  actorUserId: number,
  input: { schemeId: number; board?: { postedOn: string; photoKey: string } | null },
  now = new Date(),
) {
  const board = input.board ?? null;
  const bad = board ? boardPostingRefusal(board.postedOn, true, now) : null;
  if (bad) return bad;
  const v0 = await db
    .selectFrom('cost_schemes')
    .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
    .selectAll('v')
    .where('cost_schemes.id', '=', input.schemeId)
    .executeTakeFirst();
  if (!v0) return refuse('err.notFound');
  let amounts: Map<string, string> | null = null;
  if (v0.method === 'single') {
    const rows = await db.selectFrom('cost_scheme_shares').select(['building', 'entrance', 'room', 'share_fen']).where('version_id', '=', v0.id).execute();
    amounts = new Map(rows.map((r) => [`${r.building}-${r.entrance}-${r.room}`, (r.share_fen / 100).toFixed(2)]));
  }
  const content = contentOf({ ...v0, amounts });
  // the register may have changed since the draft was saved: the shares are computed once more, then frozen
  const computed = await compute(db, content);
  if (!computed.ok) return computed;
  return db.transaction().execute(async (trx) => {
    const s = await lockScheme(trx, input.schemeId);
    if (!s) return refuse('err.notFound');
    if (!canMove(s.status, 'posted') || s.status !== 'draft') return refuse('costshare.err.state');
    // the day something is posted does not count: the period runs from the board date, else from today
    const lastDay = periodLastDay(board ? cstMidnight(board.postedOn) : now, s.posting_days, config().workCalendar);
    if (s.pledge_deadline <= lastDay) return refuse('costshare.err.deadlineBeforePosting', 'pledgeDeadline');
    await writeShares(trx, s.version_id, computed.value);
    await trx
      .updateTable('cost_scheme_versions')
      .set({ total_fen: computed.value.totalFen, target_fen: content.targetFen ?? computed.value.totalFen })
      .where('id', '=', s.version_id)
      .execute();
    await trx
      .updateTable('cost_scheme_versions')
      .set({
        posted_at: now,
        posted_by: actorUserId,
        posting_last_day: lastDay,
        board_posted_on: board?.postedOn ?? null,
        board_photo_key: board?.photoKey ?? null,
      })
      .where('id', '=', s.version_id)
      .execute();
    await trx.updateTable('cost_schemes').set({ status: 'posted', status_changed_at: now }).where('id', '=', s.id).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'costshare.post',
      target: `scheme:${s.id}`,
      detail: {
        version: s.current_version,
        postingLastDay: lastDay,
        totalFen: computed.value.totalFen,
        flats: computed.value.shares.length,
        ...(board ? { boardPostedOn: board.postedOn, boardPhotoKey: board.photoKey } : {}),
      },
    });
    return { ok: true as const, postingLastDay: lastDay };
  });
}

/** The content of a stored version, as the forms give it. */
export function contentOf(v: {
  title: string;
  item: string;
  estate_id: number;
  building: string | null;
  entrance: string | null;
  method: SchemeContent['method'];
  weight_by_area: boolean;
  coefficients: string | null;
  total_fen: number;
  target_fen: number;
  pledge_deadline: string;
  posting_days: number;
  ballot_id: number | null;
  ballot_matter: string | null;
  amounts?: Map<string, string> | null;
}): SchemeContent {
  return {
    title: v.title,
    item: v.item,
    estateId: v.estate_id,
    building: v.building,
    entrance: v.entrance,
    method: v.method,
    weightByArea: v.weight_by_area,
    coefficients: v.coefficients ? (JSON.parse(v.coefficients) as Record<string, string>) : null,
    amounts: v.amounts ?? null,
    totalYuan: v.method === 'single' ? null : (v.total_fen / 100).toFixed(2),
    targetFen: v.target_fen === v.total_fen ? null : v.target_fen,
    pledgeDeadline: v.pledge_deadline,
    postingDays: v.posting_days,
    ballotId: v.ballot_id,
    ballotMatter: v.ballot_matter,
  };
}

/** Staff open pledges once the posting period is over and every objection has its answer. */
export async function openPledging(db: DB, actorUserId: number, input: { schemeId: number }, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const s = await lockScheme(trx, input.schemeId);
    if (!s) return refuse('err.notFound');
    if (s.status !== 'posted') return refuse('costshare.err.state');
    if (now < periodEnd(s.posting_last_day!, config().workCalendar)) return refuse('costshare.err.postingNotOver');
    const open = await trx
      .selectFrom('cost_scheme_objections')
      .select('id')
      .where('version_id', '=', s.version_id)
      .where('response', 'is', null)
      .executeTakeFirst();
    if (open) return refuse('costshare.err.unansweredObjections');
    await trx.updateTable('cost_schemes').set({ status: 'pledging', status_changed_at: now }).where('id', '=', s.id).execute();
    await appendAudit(trx, { actorUserId, action: 'costshare.openPledging', target: `scheme:${s.id}`, detail: { version: s.current_version } });
    const named = await trx
      .selectFrom('cost_scheme_versions as v')
      .innerJoin('cost_schemes', 'cost_schemes.id', 'v.scheme_id')
      .innerJoin('projects', 'projects.id', 'cost_schemes.project_id')
      .select(['v.title', 'projects.code'])
      .where('v.id', '=', s.version_id)
      .executeTakeFirstOrThrow();
    await pledgingOpened(
      trx,
      { id: s.id, versionId: s.version_id, title: named.title, projectCode: named.code, endsAt: periodEnd(s.pledge_deadline, config().workCalendar) },
      now,
    );
    return { ok: true as const };
  });
}

/** Releases the live pledges of a version and marks the payments on them for refund. */
async function releaseAll(trx: Trx, versionId: number, cause: ReleaseCause, now: Date) {
  const released = await trx
    .updateTable('cost_pledges')
    .set({ status: 'released', closed_at: now, release_cause: cause })
    .where('version_id', '=', versionId)
    .where('status', '=', 'pledged')
    .returning('id')
    .execute();
  const refunds = await trx
    .updateTable('cost_payments')
    .set({ refund_due_at: now, refund_cause: cause })
    .where('refund_due_at', 'is', null)
    .where('pledge_id', 'in', (eb) => eb.selectFrom('cost_pledges').select('id').where('version_id', '=', versionId).where('status', '=', 'paid'))
    .returning('id')
    .execute();
  return { released: released.length, refundsDue: refunds.length };
}

/** A correction: a new draft version (posted again later); pledges on the old one are released and their owners told on their account page. */
export async function correctScheme(db: DB, actorUserId: number, input: { schemeId: number; reason: string; content: SchemeContent }, now = new Date()) {
  const s0 = await db.selectFrom('cost_schemes').select(['project_id']).where('id', '=', input.schemeId).executeTakeFirst();
  if (!s0) return refuse('err.notFound');
  await settleIfDue(db, input.schemeId, now);
  const bad = await checkContent(db, s0.project_id, input.content, now);
  if (bad) return bad;
  const computed = await compute(db, input.content);
  if (!computed.ok) return computed;
  return db.transaction().execute(async (trx) => {
    const s = await lockScheme(trx, input.schemeId);
    if (!s) return refuse('err.notFound');
    if (s.status !== 'posted' && s.status !== 'pledging') return refuse('costshare.err.state');
    const next = s.current_version + 1;
    const v = await trx
      .insertInto('cost_scheme_versions')
      .values({
        scheme_id: s.id,
        version: next,
        created_by: actorUserId,
        correction_reason: input.reason,
        ...versionValues(input.content, computed.value.totalFen),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeShares(trx, v.id, computed.value);
    const r = await releaseAll(trx, s.version_id, 'corrected', now);
    await pledgingStopped(trx, s.id);
    await trx.updateTable('cost_schemes').set({ status: 'draft', current_version: next, status_changed_at: now }).where('id', '=', s.id).execute();
    await appendAudit(trx, { actorUserId, action: 'costshare.correct', target: `scheme:${s.id}`, detail: { version: next, reason: input.reason, ...r } });
    return { ok: true as const, version: next, ...r };
  });
}

/** Staff withdraw a scheme with a public reason; live pledges are released, payments marked for refund. */
export async function withdrawScheme(db: DB, actorUserId: number, input: { schemeId: number; reason: string }, now = new Date()) {
  // a scheme past its deadline has already funded or lapsed: settled first, never withdrawn instead
  await settleIfDue(db, input.schemeId, now);
  return db.transaction().execute(async (trx) => {
    const s = await lockScheme(trx, input.schemeId);
    if (!s) return refuse('err.notFound');
    if (!canMove(s.status, 'withdrawn')) return refuse('costshare.err.state');
    const r = await releaseAll(trx, s.version_id, 'withdrawn', now);
    await pledgingStopped(trx, s.id);
    await trx.updateTable('cost_schemes').set({ status: 'withdrawn', withdraw_reason: input.reason, status_changed_at: now }).where('id', '=', s.id).execute();
    await appendAudit(trx, { actorUserId, action: 'costshare.withdraw', target: `scheme:${s.id}`, detail: { reason: input.reason, ...r } });
    return { ok: true as const, ...r };
  });
}

/**
 * At the deadline (24:00 of its last day) a scheme open for pledges settles: funded when its
 * live pledges reach the target (and the named vote passed), otherwise it lapses and every
 * pledge is released. Called by every read and write of a scheme, so no job runner is needed.
 */
export async function settleIfDue(db: DB, schemeId: number, now = new Date()): Promise<SchemeStatus | null> {
  const peek = await db
    .selectFrom('cost_schemes')
    .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
    .select(['cost_schemes.status', 'v.pledge_deadline'])
    .where('cost_schemes.id', '=', schemeId)
    .executeTakeFirst();
  if (!peek) return null;
  if (peek.status !== 'pledging' || now < periodEnd(peek.pledge_deadline, config().workCalendar)) return peek.status;
  return db.transaction().execute(async (trx) => {
    const s = await lockScheme(trx, schemeId);
    if (!s) return null;
    if (s.status !== 'pledging') return s.status;
    const end = periodEnd(s.pledge_deadline, config().workCalendar);
    const live = await liveFen(trx, s.version_id);
    const vote = s.ballot_id ? await voteOutcome(trx, s.ballot_id, s.ballot_matter!) : 'none';
    const to = outcome(live, s.target_fen, vote);
    const r = to === 'lapsed' ? await releaseAll(trx, s.version_id, 'lapsed', end) : { released: 0, refundsDue: 0 };
    // the transition is dated at the deadline itself: the moment it happened, whoever first looks
    await trx.updateTable('cost_schemes').set({ status: to, status_changed_at: end }).where('id', '=', s.id).execute();
    await appendAudit(trx, {
      actorUserId: null,
      action: `costshare.${to}`,
      target: `scheme:${s.id}`,
      detail: { liveFen: live, targetFen: s.target_fen, vote, ...r },
    });
    return to;
  });
}

/** The sum of the live pledges of a version: the progress figure is always this sum. */
export async function liveFen(db: DB | Trx, versionId: number): Promise<number> {
  const r = await db
    .selectFrom('cost_pledges')
    .where('version_id', '=', versionId)
    .where('status', 'in', LIVE)
    .select(sql<string>`coalesce(sum(amount_fen), 0)`.as('fen'))
    .executeTakeFirstOrThrow();
  return Number(r.fen);
}

/** The units of a version's household and whether the user is a verified owner of one of them. */
async function householdOf(db: DB | Trx, versionId: number, householdNo: number, userId: number | null) {
  const h = await db
    .selectFrom('cost_scheme_households')
    .select(['id', 'share_fen'])
    .where('version_id', '=', versionId)
    .where('no', '=', householdNo)
    .executeTakeFirst();
  if (!h) return null;
  const owner =
    userId === null
      ? false
      : !!(await db
          .selectFrom('cost_scheme_shares')
          .innerJoin('owner_verifications', 'owner_verifications.unit_id', 'cost_scheme_shares.unit_id')
          .where('cost_scheme_shares.household_id', '=', h.id)
          .where('owner_verifications.user_id', '=', userId)
          .where('owner_verifications.status', '=', 'verified')
          .select('owner_verifications.id')
          .executeTakeFirst());
  return { id: h.id, shareFen: h.share_fen, owner };
}

/** A verified owner of one of the scheme's flats objects during the posting period. */
export async function objectToScheme(db: DB, userId: number, input: { schemeId: number; unitId: number; body: string }, now = new Date()) {
  const s = await db
    .selectFrom('cost_schemes')
    .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
    .select(['cost_schemes.status', 'v.id as version_id', 'v.posting_last_day'])
    .where('cost_schemes.id', '=', input.schemeId)
    .executeTakeFirst();
  if (!s) return refuse('err.notFound');
  if (s.status !== 'posted' || now >= periodEnd(s.posting_last_day!, config().workCalendar)) return refuse('costshare.err.notPosting');
  const mine = await db
    .selectFrom('cost_scheme_shares')
    .innerJoin('owner_verifications', 'owner_verifications.unit_id', 'cost_scheme_shares.unit_id')
    .where('cost_scheme_shares.version_id', '=', s.version_id)
    .where('cost_scheme_shares.unit_id', '=', input.unitId)
    .where('owner_verifications.user_id', '=', userId)
    .where('owner_verifications.status', '=', 'verified')
    .select('owner_verifications.id')
    .executeTakeFirst();
  if (!mine) return refuse('costshare.err.notOwner', 'unitId');
  const row = await db
    .insertInto('cost_scheme_objections')
    .values({ version_id: s.version_id, unit_id: input.unitId, lodged_by: userId, body: input.body, lodged_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true as const, objectionId: row.id };
}

/**
 * Staff enter an objection received on paper or in person during the posting period, marked as
 * such and dated the day it was received (within the period, not after today); audited. The
 * flat is written building-entrance-room, as on the shares table.
 */
export async function enterPaperObjection(
  db: DB,
  actorUserId: number,
  input: { schemeId: number; flat: string; channel: Exclude<ObjectionChannel, 'online'>; receivedOn: string; body: string },
  now = new Date(),
) {
  return db.transaction().execute(async (trx) => {
    // shares the scheme row with a transition: no objection lands once pledges are opened
    const s = await trx
      .selectFrom('cost_schemes')
      .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
      .select(['cost_schemes.id', 'cost_schemes.status', 'v.id as version_id', 'v.posted_at', 'v.posting_last_day', 'v.board_posted_on'])
      .where('cost_schemes.id', '=', input.schemeId)
      .forShare('cost_schemes')
      .executeTakeFirst();
    if (!s) return refuse('err.notFound');
    if (s.status !== 'posted' || !s.posted_at || !s.posting_last_day) return refuse('costshare.err.notPostedForObjections');
    const first = s.board_posted_on ?? cstDate(s.posted_at);
    if (input.receivedOn > cstDate(now)) return refuse('costshare.err.futureDate', 'receivedOn');
    if (input.receivedOn < first || cstMidnight(input.receivedOn) >= periodEnd(s.posting_last_day, config().workCalendar))
      return refuse('costshare.err.receivedOutsidePosting', 'receivedOn');
    const m = /^(.+?)-(.+?)-(.+)$/.exec(input.flat);
    const unit = m
      ? await trx
          .selectFrom('cost_scheme_shares')
          .select('unit_id')
          .where('version_id', '=', s.version_id)
          .where('building', '=', m[1]!)
          .where('entrance', '=', m[2]!)
          .where('room', '=', m[3]!)
          .executeTakeFirst()
      : undefined;
    if (!unit) return refuse('costshare.err.unknownFlat', 'flat');
    const row = await trx
      .insertInto('cost_scheme_objections')
      .values({
        version_id: s.version_id,
        unit_id: unit.unit_id,
        lodged_by: null,
        body: input.body,
        lodged_at: cstMidnight(input.receivedOn),
        channel: input.channel,
        recorded_by: actorUserId,
        recorded_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'costshare.paperObjection',
      target: `objection:${row.id}`,
      detail: { schemeId: s.id, channel: input.channel, flat: input.flat, receivedOn: input.receivedOn },
    });
    return { ok: true as const, objectionId: row.id };
  });
}

/** Staff answer an objection, once; the answer is public beside it. */
export async function answerObjection(db: DB, actorUserId: number, input: { objectionId: number; response: string }, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const o = await trx
      .selectFrom('cost_scheme_objections')
      .select(['id', 'response', 'version_id'])
      .where('id', '=', input.objectionId)
      .forUpdate()
      .executeTakeFirst();
    if (!o) return refuse('err.notFound');
    if (o.response !== null) return refuse('costshare.err.answered');
    await trx
      .updateTable('cost_scheme_objections')
      .set({ response: input.response, responded_by: actorUserId, responded_at: now })
      .where('id', '=', o.id)
      .execute();
    await appendAudit(trx, { actorUserId, action: 'costshare.answerObjection', target: `objection:${o.id}`, detail: { versionId: o.version_id } });
    return { ok: true as const };
  });
}

type PledgeInput = { schemeId: number; householdNo: number; amountFen: number | null; reason: string | null };

async function insertPledge(
  db: DB,
  who: { userId: number; channel: 'online' } | { userId: number; channel: 'paper'; scanKey: string },
  input: PledgeInput,
  now: Date,
) {
  const status = await settleIfDue(db, input.schemeId, now);
  if (status === null) return refuse('err.notFound');
  if (status !== 'pledging') return refuse('costshare.err.notPledging');
  return db.transaction().execute(async (trx) => {
    // shares the scheme row with a transition: a pledge never lands on a version being corrected or settled
    const s = await trx
      .selectFrom('cost_schemes')
      .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
      .select(['cost_schemes.id', 'cost_schemes.project_id', 'cost_schemes.status', 'v.id as version_id', 'v.pledge_deadline'])
      .where('cost_schemes.id', '=', input.schemeId)
      .forShare('cost_schemes')
      .executeTakeFirst();
    if (!s || s.status !== 'pledging' || now >= periodEnd(s.pledge_deadline, config().workCalendar)) return refuse('costshare.err.notPledging');
    const h = await householdOf(trx, s.version_id, input.householdNo, who.channel === 'online' ? who.userId : null);
    if (!h) return refuse('err.notFound', 'householdNo');
    if (who.channel === 'online' && !h.owner) return refuse('costshare.err.notOwner', 'householdNo');
    const live = await trx.selectFrom('cost_pledges').select('id').where('household_id', '=', h.id).where('status', 'in', LIVE).executeTakeFirst();
    if (live) return refuse('costshare.err.pledgeExists', 'householdNo');
    const amount = input.amountFen ?? h.shareFen;
    if (amount <= 0) return refuse('costshare.err.positive', 'amount');
    if (amount !== h.shareFen && !input.reason) return refuse('costshare.err.reasonForAmount', 'reason');
    {
      // a pledge racing this one for the same household fails on the unique index: caught outside the transaction
      const row = await trx
        .insertInto('cost_pledges')
        .values({
          scheme_id: s.id,
          version_id: s.version_id,
          household_id: h.id,
          amount_fen: amount,
          reason: amount === h.shareFen ? null : input.reason,
          channel: who.channel,
          pledged_by: who.channel === 'online' ? who.userId : null,
          recorded_by: who.channel === 'paper' ? who.userId : null,
          scan_key: who.channel === 'paper' ? who.scanKey : null,
          pledged_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await householdPledged(trx, s.id, h.id);
      if (who.channel === 'paper') {
        await appendAudit(trx, {
          actorUserId: who.userId,
          action: 'costshare.paperPledge',
          target: `pledge:${row.id}`,
          detail: { schemeId: s.id, householdNo: input.householdNo, amountFen: amount, scanKey: who.scanKey },
        });
      }
      return { ok: true as const, pledgeId: row.id, amountFen: amount, projectId: s.project_id };
    }
  });
}

/** A verified owner pledges for their own household: its share, or another amount with a reason. Their own act: no audit entry. */
export async function pledge(db: DB, userId: number, input: PledgeInput, now = new Date()) {
  try {
    return await insertPledge(db, { userId, channel: 'online' }, input, now);
  } catch (e) {
    if (isUniqueViolation(e)) return refuse('costshare.err.pledgeExists', 'householdNo');
    throw e;
  }
}

/** Staff enter a pledge made on paper, with its scan. */
export async function recordPaperPledge(db: DB, actorUserId: number, input: PledgeInput & { scanKey: string }, now = new Date()) {
  try {
    return await insertPledge(db, { userId: actorUserId, channel: 'paper', scanKey: input.scanKey }, input, now);
  } catch (e) {
    if (isUniqueViolation(e)) return refuse('costshare.err.pledgeExists', 'householdNo');
    throw e;
  }
}

/** A verified owner of the household withdraws its pledge before the deadline (not once paid). */
export async function withdrawPledge(db: DB, userId: number, input: { pledgeId: number }, now = new Date()) {
  const p0 = await db.selectFrom('cost_pledges').select(['scheme_id']).where('id', '=', input.pledgeId).executeTakeFirst();
  if (!p0) return refuse('err.notFound');
  const status = await settleIfDue(db, p0.scheme_id, now);
  if (status !== 'pledging') return refuse('costshare.err.notPledging');
  return db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('cost_schemes').select(['id', 'status', 'project_id']).where('id', '=', p0.scheme_id).forShare().executeTakeFirstOrThrow();
    if (s.status !== 'pledging') return refuse('costshare.err.notPledging');
    const p = await trx
      .selectFrom('cost_pledges')
      .innerJoin('cost_scheme_households as h', 'h.id', 'cost_pledges.household_id')
      .select(['cost_pledges.id', 'cost_pledges.status', 'cost_pledges.version_id', 'h.no'])
      .where('cost_pledges.id', '=', input.pledgeId)
      .forUpdate('cost_pledges')
      .executeTakeFirstOrThrow();
    const h = await householdOf(trx, p.version_id, p.no, userId);
    if (!h?.owner) return refuse('costshare.err.notOwner');
    if (p.status !== 'pledged') return refuse('costshare.err.pledgeState');
    await trx.updateTable('cost_pledges').set({ status: 'withdrawn', closed_at: now }).where('id', '=', p.id).execute();
    await householdUnpledged(trx, s.id, h.id, now);
    return { ok: true as const, projectId: s.project_id };
  });
}

/** Staff record the payment of a live pledge: the pledge is paid. */
export async function recordPayment(
  db: DB,
  actorUserId: number,
  input: { pledgeId: number; amountFen: number; paidOn: string; method: PayMethod; receiptNo: string; scanKey: string | null },
  now = new Date(),
) {
  const p0 = await db.selectFrom('cost_pledges').select(['scheme_id']).where('id', '=', input.pledgeId).executeTakeFirst();
  if (!p0) return refuse('err.notFound');
  await settleIfDue(db, p0.scheme_id, now);
  if (input.paidOn > cstDate(now)) return refuse('costshare.err.futureDate', 'paidOn');
  return db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('cost_schemes').select(['id', 'status', 'project_id']).where('id', '=', p0.scheme_id).forShare().executeTakeFirstOrThrow();
    const p = await trx
      .selectFrom('cost_pledges')
      .select(['id', 'status', 'pledged_at'])
      .where('id', '=', input.pledgeId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (p.status !== 'pledged' || (s.status !== 'pledging' && s.status !== 'funded')) return refuse('costshare.err.pledgeState');
    if (input.paidOn < cstDate(p.pledged_at)) return refuse('costshare.err.beforePledge', 'paidOn');
    await trx.updateTable('cost_pledges').set({ status: 'paid' }).where('id', '=', p.id).execute();
    const row = await trx
      .insertInto('cost_payments')
      .values({
        pledge_id: p.id,
        amount_fen: input.amountFen,
        paid_on: input.paidOn,
        method: input.method,
        receipt_no: input.receiptNo,
        scan_key: input.scanKey,
        recorded_by: actorUserId,
        recorded_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'costshare.payment',
      target: `payment:${row.id}`,
      detail: { schemeId: s.id, pledgeId: p.id, amountFen: input.amountFen, paidOn: input.paidOn, method: input.method, receiptNo: input.receiptNo },
    });
    return { ok: true as const, paymentId: row.id, projectId: s.project_id };
  });
}

/** Staff record the refund of a payment marked for refund (a lapsed, corrected or withdrawn scheme): the whole amount. */
export async function recordRefund(
  db: DB,
  actorUserId: number,
  input: { paymentId: number; refundedOn: string; method: PayMethod; receiptNo: string },
  now = new Date(),
) {
  if (input.refundedOn > cstDate(now)) return refuse('costshare.err.futureDate', 'refundedOn');
  return db.transaction().execute(async (trx) => {
    const pay = await trx
      .selectFrom('cost_payments')
      .innerJoin('cost_pledges', 'cost_pledges.id', 'cost_payments.pledge_id')
      .innerJoin('cost_schemes', 'cost_schemes.id', 'cost_pledges.scheme_id')
      .select([
        'cost_payments.id',
        'cost_payments.amount_fen',
        'cost_payments.refund_due_at',
        'cost_payments.paid_on',
        'cost_schemes.project_id',
        'cost_schemes.id as scheme_id',
      ])
      .where('cost_payments.id', '=', input.paymentId)
      .forUpdate('cost_payments')
      .executeTakeFirst();
    if (!pay) return refuse('err.notFound');
    if (pay.refund_due_at === null) return refuse('costshare.err.noRefundDue');
    if (input.refundedOn < pay.paid_on) return refuse('costshare.err.beforePayment', 'refundedOn');
    const done = await trx.selectFrom('cost_refunds').select('id').where('payment_id', '=', pay.id).executeTakeFirst();
    if (done) return refuse('costshare.err.refunded');
    const row = await trx
      .insertInto('cost_refunds')
      .values({
        payment_id: pay.id,
        amount_fen: pay.amount_fen,
        refunded_on: input.refundedOn,
        method: input.method,
        receipt_no: input.receiptNo,
        recorded_by: actorUserId,
        recorded_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'costshare.refund',
      target: `payment:${pay.id}`,
      detail: { schemeId: pay.scheme_id, amountFen: pay.amount_fen, refundedOn: input.refundedOn, receiptNo: input.receiptNo },
    });
    return { ok: true as const, refundId: row.id, projectId: pay.project_id };
  });
}

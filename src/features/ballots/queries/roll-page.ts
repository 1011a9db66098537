import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { SessionUser } from '../../accounts/session.ts';
import { appendAudit } from '../../audit/service.ts';
import { can } from '../../policy/can.ts';
import { auditInspection, ballotDetail, ballotResource, mayInspect, rollOf, rollTotals, type RollUnitView, type RollVoter } from '../web-queries.ts';
import { compareUnitKeys, naturalCompare } from '../natural-order.ts';

type DB = Kysely<Database>;

/** Voters a page of the roll shows (a 50,000-household roll is read a page at a time). */
export const ROLL_PAGE = 200;
/** Where a page of the roll starts: after a voter code (next), before one (previous), or at the top. */
export type RollCursor = { after: string } | { before: string } | null;
/** A voter code as the roll page takes it in its links (V0001 …). */
export const ROLL_CURSOR = /^V\d{4,9}$/;

/** Roll order: V0001 … V9999, V10000 … (by length, then code: numeric for these codes). */
const rollOrder = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The roll of a ballot, from the meeting notice on (frozen when the vote opens). Everyone
 * gets its totals; `inspect` says whether this viewer also sees the flats (staff and verified
 * owners of the electorate), ROLL_PAGE voters a page in roll order (keyset on the voter code:
 * `cursor`, with `pager.prev` / `pager.next` for the links), and each such look at a non-empty
 * roll is recorded in the audit chain here. Null for no such ballot, or a draft shown to
 * anyone but its staff. A frozen roll is read from the database a page at a time; a preview
 * is built whole (as it would be frozen) and cut the same way.
 */
export async function loadRollPage(db: DB, ballotId: number, viewer: SessionUser | null, cursor: RollCursor = null) {
  const ballot = await ballotDetail(db, ballotId);
  if (!ballot) return null;
  const inspect = await mayInspect(db, ballot.id, viewer);
  // a draft is not public: only the staff who manage it see its roll, as a preview
  const isStaff = viewer?.role === 'staff' || viewer?.role === 'district_admin';
  if (ballot.status === 'draft' && !(inspect && isStaff)) return null;
  let roll: { frozen: boolean; voters: RollVoter[]; unowned: { building: string; entrance: string; room: string }[] };
  let totals: ReturnType<typeof rollTotals>;
  let pager: { prev: string | null; next: string | null } = { prev: null, next: null };
  if (ballot.status === 'open' || ballot.status === 'closed') {
    totals = await frozenRollTotals(db, ballot.id);
    const page = inspect ? await frozenRollPage(db, ballot.id, cursor) : { voters: [], prev: null, next: null };
    roll = { frozen: true, voters: page.voters, unowned: [] };
    pager = { prev: page.prev, next: page.next };
  } else {
    const whole = await rollOf(db, ballot.id, ballot.status);
    totals = rollTotals(whole);
    const page = cutPage(whole.voters, cursor);
    roll = { ...whole, voters: inspect ? page.voters : [] };
    if (inspect) pager = { prev: page.prev, next: page.next };
  }
  if (inspect && viewer && totals.voters > 0) await auditInspection(db, viewer.id, ballot.id, 'roll', { frozen: roll.frozen });
  return { ballot, inspect, roll, totals, pager };
}

function cutPage(voters: RollVoter[], cursor: RollCursor) {
  const sorted = [...voters].sort((a, b) => rollOrder(a.id, b.id));
  let start = 0;
  if (cursor && 'after' in cursor) start = sorted.findIndex((v) => rollOrder(v.id, cursor.after) > 0);
  else if (cursor && 'before' in cursor) {
    const end = sorted.findIndex((v) => rollOrder(v.id, cursor.before) >= 0);
    start = Math.max(0, (end < 0 ? sorted.length : end) - ROLL_PAGE);
  }
  if (start < 0) start = sorted.length;
  const page = sorted.slice(start, start + ROLL_PAGE);
  return {
    voters: page,
    prev: start > 0 && page.length > 0 ? page[0]!.id : null,
    next: start + ROLL_PAGE < sorted.length && page.length > 0 ? page[page.length - 1]!.id : null,
  };
}

/** A frozen roll's totals in one aggregate (voters, flats, area, estates). */
async function frozenRollTotals(db: DB, ballotId: number) {
  const res = await sql<{ voters: number; flats: number; area: string; estates: number }>`
    select count(distinct bv.id)::int as voters, count(*)::int as flats, coalesce(sum(bvu.area_cm2), 0)::text as area, count(distinct b.estate_id)::int as estates
    from ballot_voters bv
    join ballot_voter_units bvu on bvu.voter_id = bv.id
    join units u on u.id = bvu.unit_id join entrances e on e.id = u.entrance_id join buildings b on b.id = e.building_id
    where bv.ballot_id = ${ballotId}`.execute(db);
  const r = res.rows[0]!;
  return { voters: r.voters, flats: r.flats, areaCm2: Number(r.area), estates: r.estates };
}

/** One page of a frozen roll, by keyset on the voter code in roll order, with its flats. */
async function frozenRollPage(db: DB, ballotId: number, cursor: RollCursor) {
  const backwards = cursor !== null && 'before' in cursor;
  const key = cursor === null ? null : 'after' in cursor ? cursor.after : cursor.before;
  const rows = await sql<{ id: number; code: string; developer: boolean; area_cm2: string | number }>`
    select id, code, developer, area_cm2 from ballot_voters
    where ballot_id = ${ballotId}
      ${key === null ? sql`` : backwards ? sql`and (length(code), code) < (${key.length}, ${key})` : sql`and (length(code), code) > (${key.length}, ${key})`}
    order by length(code) ${backwards ? sql`desc` : sql`asc`}, code ${backwards ? sql`desc` : sql`asc`}
    limit ${ROLL_PAGE + 1}`.execute(db);
  const more = rows.rows.length > ROLL_PAGE;
  const page = rows.rows.slice(0, ROLL_PAGE);
  if (backwards) page.reverse();
  const units = page.length
    ? await db
        .selectFrom('ballot_voter_units')
        .innerJoin('units', 'units.id', 'ballot_voter_units.unit_id')
        .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
        .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
        .innerJoin('estates', 'estates.id', 'buildings.estate_id')
        .where(
          'ballot_voter_units.voter_id',
          'in',
          page.map((v) => v.id),
        )
        .select([
          'ballot_voter_units.voter_id',
          'estates.name as estate',
          'ballot_voter_units.building',
          'ballot_voter_units.entrance',
          'ballot_voter_units.room',
          'ballot_voter_units.area_cm2',
        ])
        .execute()
    : [];
  const of = new Map<number, RollUnitView[]>();
  for (const u of units) {
    const list = of.get(u.voter_id) ?? [];
    list.push({ estate: u.estate, building: u.building, entrance: u.entrance, room: u.room, areaCm2: Number(u.area_cm2) });
    of.set(u.voter_id, list);
  }
  for (const list of of.values()) list.sort((a, b) => compareUnitKeys(a, b) || naturalCompare(a.estate, b.estate));
  const voters: RollVoter[] = page.map((v) => ({ id: v.code, developer: v.developer, areaCm2: Number(v.area_cm2), units: of.get(v.id) ?? [] }));
  const first = voters[0]?.id ?? null;
  const last = voters[voters.length - 1]?.id ?? null;
  return {
    voters,
    // a page reached going forward has voters before it; one reached going back has voters after it
    prev: backwards ? (more ? first : null) : key !== null ? first : null,
    next: backwards ? last : more ? last : null,
  };
}

/**
 * The paper slips of an open or closed vote for its office: one per voter of the frozen roll,
 * with the voter's receipt code and the matters. Receipts identify voters on the published
 * bulletin, so printing them is recorded in the audit chain here. Null when there is no such
 * ballot, the viewer may not manage it, or it has no frozen roll.
 */
export async function loadSlipsPage(db: DB, ballotId: number, viewer: SessionUser) {
  const resource = await ballotResource(db, ballotId);
  if (!resource || !can(viewer, 'ballot.manage', resource)) return null;
  const detail = await ballotDetail(db, resource.ballotId);
  if (!detail || (resource.status !== 'open' && resource.status !== 'closed')) return null;
  const [roll, voters, matters] = await Promise.all([
    rollOf(db, detail.id, resource.status),
    db.selectFrom('ballot_voters').select(['code', 'receipt']).where('ballot_id', '=', detail.id).execute(),
    db.selectFrom('ballot_matters').select(['code', 'title', 'kind']).where('ballot_id', '=', detail.id).orderBy('id').execute(),
  ]);
  await db
    .transaction()
    .execute((trx) =>
      appendAudit(trx, { actorUserId: viewer.id, action: 'ballot.slips', target: `ballot:${detail.id}`, detail: { voters: roll.voters.length } }),
    );
  return { detail, roll, receipts: new Map(voters.map((v) => [v.code, v.receipt])), matters };
}

import { whyNotCast, type NotVoterReason } from './core/who-may-cast.ts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { can } from '../policy/can.ts';
import type { Actor, Resource } from '../policy/can.ts';
import type { SessionUser } from '../accounts/session.ts';
import { appendAudit } from '../audit/service.ts';
import { closeIfDue, previewRoll, votersFor } from './service.ts';
import { compareUnitKeys, naturalCompare } from './natural-order.ts';
import { publicBulletinText } from './bulletin.ts';
import { frozenUnits } from './results-service.ts';
import type { BallotStatus } from './tables.ts';
import { readableArea, readsOfficeLists } from '../geography/scope.ts';

// Reads for the ballot pages: who may act on a ballot, what an office and the public
// see, the roll (as it would be frozen, or frozen), a voter's own state.

type DB = Kysely<Database>;

export type BallotResource = Resource & { ballotId: number; subdistrictId: number; communityId: number | null; status: BallotStatus };

/** Where a ballot sits for the policy: its subdistrict, and its community when all its estates share one. */
export async function ballotResource(db: DB, ballotId: number): Promise<BallotResource | null> {
  if (!Number.isSafeInteger(ballotId) || ballotId <= 0 || ballotId > 2_147_483_647) return null;
  const b = await db.selectFrom('ballots').select(['id', 'subdistrict_id', 'status']).where('id', '=', ballotId).executeTakeFirst();
  if (!b) return null;
  const communities = await db
    .selectFrom('ballot_scopes')
    .innerJoin('estates', 'estates.id', 'ballot_scopes.estate_id')
    .where('ballot_scopes.ballot_id', '=', b.id)
    .select('estates.community_id')
    .distinct()
    .execute();
  return { ballotId: b.id, subdistrictId: b.subdistrict_id, communityId: communities.length === 1 ? communities[0]!.community_id : null, status: b.status };
}

/**
 * Ballots an office reads, newest first; community staff see those of their community, the
 * province admin every district's (`districtId` narrows to one).
 */
export async function ballotsForOffice(db: DB, actor: Actor, districtId: number | null = null) {
  if (!readsOfficeLists(actor)) return [];
  const q = db
    .selectFrom('ballots')
    .innerJoin('subdistricts', 'subdistricts.id', 'ballots.subdistrict_id')
    .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
    .select([
      'ballots.id',
      'ballots.title',
      'ballots.status',
      'ballots.opens_at',
      'ballots.closes_at',
      'ballots.closed_at',
      'ballots.convener',
      'subdistricts.name as subdistrict',
      'subdistricts.name_en as subdistrict_en',
      'districts.name as district',
      'districts.name_en as district_en',
    ])
    .select((eb) =>
      eb
        .selectFrom('ballot_bulletins')
        .whereRef('ballot_bulletins.ballot_id', '=', 'ballots.id')
        .select((b) => b.fn.min('published_at').as('at'))
        .as('first_bulletin_at'),
    )
    .where(readableArea(actor, 'ballots.subdistrict_id', districtId))
    .orderBy('ballots.id', 'desc')
    .limit(300);
  const rows = await q.execute();
  if (actor.role === 'staff' && actor.communityId !== null) {
    const scoped = rows.length
      ? await db
          .selectFrom('ballot_scopes')
          .innerJoin('estates', 'estates.id', 'ballot_scopes.estate_id')
          .where(
            'ballot_scopes.ballot_id',
            'in',
            rows.map((r) => r.id),
          )
          .select(['ballot_scopes.ballot_id', 'estates.community_id'])
          .execute()
      : [];
    return rows.filter((r) => {
      const cs = new Set(scoped.filter((s) => s.ballot_id === r.id).map((s) => s.community_id));
      return cs.size === 1 && cs.has(actor.communityId!);
    });
  }
  return rows;
}

/** Ballots the public may see: from the meeting notice on. Ballots past their end are closed first. */
export async function publicBallots(db: DB, now?: Date) {
  const due = await db
    .selectFrom('ballots')
    .select('id')
    .where('status', '=', 'open')
    .where('closes_at', '<=', now ?? sql<Date>`now()`)
    .execute();
  for (const b of due) await closeIfDue(db, b.id, now);
  // a cancelled ballot stays listed, with its reason, once its meeting notice was public
  return db
    .selectFrom('ballots')
    .innerJoin('subdistricts', 'subdistricts.id', 'ballots.subdistrict_id')
    .where((eb) =>
      eb.or([
        eb('ballots.status', 'in', ['noticed', 'open', 'closed']),
        eb.and([eb('ballots.status', '=', 'cancelled'), eb('ballots.notice_published_at', 'is not', null)]),
      ]),
    )
    .select([
      'ballots.id',
      'ballots.title',
      'ballots.status',
      'ballots.cancel_reason',
      'ballots.opens_at',
      'ballots.closes_at',
      'ballots.convener',
      'subdistricts.name as subdistrict',
      'subdistricts.name_en as subdistrict_en',
    ])
    .orderBy('ballots.id', 'desc')
    .limit(200)
    .execute();
}

/** Everything shown about one ballot, or null. */
export async function ballotDetail(db: DB, ballotId: number) {
  if (!Number.isSafeInteger(ballotId) || ballotId <= 0 || ballotId > 2_147_483_647) return null;
  await closeIfDue(db, ballotId);
  const b = await db
    .selectFrom('ballots')
    .innerJoin('subdistricts', 'subdistricts.id', 'ballots.subdistrict_id')
    .leftJoin('projects', 'projects.id', 'ballots.project_id')
    .where('ballots.id', '=', ballotId)
    .selectAll('ballots')
    .select([
      'subdistricts.name as subdistrict',
      'subdistricts.name_en as subdistrict_en',
      'projects.code as project_code',
      'projects.title as project_title',
      'projects.published_at as project_published_at',
    ])
    .executeTakeFirst();
  if (!b) return null;
  const [matters, scopes] = await Promise.all([
    db.selectFrom('ballot_matters').select(['id', 'code', 'title', 'art278_item', 'kind']).where('ballot_id', '=', ballotId).orderBy('id').execute(),
    db
      .selectFrom('ballot_scopes')
      .innerJoin('estates', 'estates.id', 'ballot_scopes.estate_id')
      .innerJoin('communities', 'communities.id', 'estates.community_id')
      .where('ballot_scopes.ballot_id', '=', ballotId)
      .select(['ballot_scopes.estate_id', 'ballot_scopes.building', 'ballot_scopes.entrance', 'estates.name as estate', 'communities.name as community'])
      .orderBy('ballot_scopes.estate_id')
      .execute(),
  ]);
  return { ...b, matters, scopes };
}
export type BallotDetail = NonNullable<Awaited<ReturnType<typeof ballotDetail>>>;

/** The electorate in words: "建设家属院（1 号楼、2 号楼 1 单元）". */
export function electorateText(scopes: BallotDetail['scopes'], lang: 'zh' | 'en'): string {
  const byEstate = new Map<number, { estate: string; parts: string[] }>();
  for (const s of scopes) {
    const e = byEstate.get(s.estate_id) ?? { estate: s.estate, parts: [] };
    if (s.building !== null) {
      e.parts.push(
        lang === 'zh'
          ? `${s.building} 号楼${s.entrance !== null ? ` ${s.entrance} 单元` : ''}`
          : `building ${s.building}${s.entrance !== null ? ` entrance ${s.entrance}` : ''}`,
      );
    }
    byEstate.set(s.estate_id, e);
  }
  return [...byEstate.values()]
    .map((e) =>
      e.parts.length ? `${e.estate}（${e.parts.join(lang === 'zh' ? '、' : ', ')}）` : `${e.estate}${lang === 'zh' ? '（全体业主）' : ' (all owners)'}`,
    )
    .join(lang === 'zh' ? '；' : '; ');
}

export type RollUnitView = { estate: string; building: string; entrance: string; room: string; areaCm2: number };
export type RollVoter = { id: string; developer: boolean; areaCm2: number; units: RollUnitView[] };

/**
 * The roll: frozen once the vote opened, otherwise as it would be frozen now. No names;
 * each flat with its estate. Flat-labelled: only for those who may inspect (mayInspect);
 * the public sees the totals. With the flats of the electorate that no owner on the register
 * holds (left off the roll: listed so that no flat silently leaves the electorate).
 */
export async function rollOf(
  db: DB,
  ballotId: number,
  status: BallotStatus,
): Promise<{ frozen: boolean; voters: RollVoter[]; unowned: { building: string; entrance: string; room: string }[] }> {
  if (status === 'open' || status === 'closed') {
    const [voters, units] = await Promise.all([
      db.selectFrom('ballot_voters').select(['id', 'code', 'developer', 'area_cm2']).where('ballot_id', '=', ballotId).orderBy('code').execute(),
      frozenUnits(db, ballotId),
    ]);
    return {
      frozen: true,
      voters: voters.map((v) => ({ id: v.code, developer: v.developer, areaCm2: Number(v.area_cm2), units: units.get(v.code) ?? [] })),
      unowned: [],
    };
  }
  const roll = await previewRoll(db, ballotId);
  const ids = roll.voters.flatMap((v) => v.units.map((u) => Number(u.unitId)));
  const estates = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('units')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .innerJoin('estates', 'estates.id', 'buildings.estate_id')
      .where('units.id', 'in', ids.slice(i, i + 5000))
      .select(['units.id', 'estates.name'])
      .execute();
    for (const r of rows) estates.set(r.id, r.name);
  }
  return {
    frozen: false,
    voters: roll.voters.map((v) => ({
      id: v.id,
      developer: v.developer,
      areaCm2: v.areaCm2,
      units: v.units
        .map((u) => ({ estate: estates.get(Number(u.unitId)) ?? '', building: u.building, entrance: u.entrance, room: u.room, areaCm2: u.areaCm2 }))
        .sort((a, b) => compareUnitKeys(a, b) || naturalCompare(a.estate, b.estate)),
    })),
    unowned: roll.unownedUnits.map((u) => ({ building: u.building, entrance: u.entrance, room: u.room })).sort(compareUnitKeys),
  };
}

/** The roll's totals, which everyone may see. */
export function rollTotals(roll: { voters: RollVoter[] }) {
  return {
    voters: roll.voters.length,
    flats: roll.voters.reduce((n, v) => n + v.units.length, 0),
    areaCm2: roll.voters.reduce((a, v) => a + v.areaCm2, 0),
    estates: new Set(roll.voters.flatMap((v) => v.units.map((u) => u.estate))).size,
  };
}

/**
 * Who may see the flat-labelled roll and the full bulletin (owners' right to inspect the
 * ballots of their own meeting, DOMAIN.md "Who sees what"): staff whose office covers the
 * ballot (a draft's too, as a preview), and verified owners of its electorate — an owner verified on a flat the vote
 * covers (the current register), or one who may cast for a voter of the frozen roll as an
 * owner (gz_cast_voters, as for objections; a voting mandate does not count). An account
 * whose owner status is held after a password reset may not until staff review it.
 */
export async function mayInspect(db: DB, ballotId: number, user: SessionUser | null): Promise<boolean> {
  if (!user) return false;
  if (user.role === 'staff' || user.role === 'district_admin') {
    const r = await ballotResource(db, ballotId);
    return r !== null && can(user, 'ballot.manage', r);
  }
  if (user.ownerStatusHeld) return false;
  const scopes = await db.selectFrom('ballot_scopes').select(['estate_id', 'building', 'entrance']).where('ballot_id', '=', ballotId).execute();
  if (scopes.length === 0) return false;
  const inScope = await db
    .selectFrom('owner_verifications')
    .innerJoin('units', 'units.id', 'owner_verifications.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('unit_owners', (j) =>
      j.onRef('unit_owners.unit_id', '=', 'owner_verifications.unit_id').onRef('unit_owners.owner_id', '=', 'owner_verifications.register_owner_id'),
    )
    .where('owner_verifications.user_id', '=', user.id)
    .where('owner_verifications.status', '=', 'verified')
    .where((eb) =>
      eb.or(
        scopes.map((sc) =>
          eb.and([
            eb('buildings.estate_id', '=', sc.estate_id),
            ...(sc.building !== null ? [eb('buildings.label', '=', sc.building)] : []),
            ...(sc.entrance !== null ? [eb('entrances.label', '=', sc.entrance)] : []),
          ]),
        ),
      ),
    )
    .select('owner_verifications.id')
    .limit(1)
    .executeTakeFirst();
  if (inScope) return true;
  const b = await db.selectFrom('ballots').select('status').where('id', '=', ballotId).executeTakeFirst();
  if (b?.status !== 'open' && b?.status !== 'closed') return false;
  return (await votersFor(db, ballotId, user.id)).some((v) => v.cast_right !== 'proxy');
}

/**
 * Records that someone saw the flat-labelled roll or downloaded a full bulletin. A look at
 * the roll is recorded once per person, ballot and Asia/Shanghai day (checked before taking
 * the audit lock): reloading the page does not flood the log.
 */
export async function auditInspection(db: DB, userId: number, ballotId: number, what: 'roll' | 'bulletin', detail: Record<string, unknown> = {}) {
  const action = what === 'roll' ? 'ballot.roll.view' : 'ballot.bulletin.download';
  const target = `ballot:${ballotId}`;
  if (what === 'roll') {
    const seen = await db
      .selectFrom('audit_log')
      .select('id')
      .where('actor_user_id', '=', userId)
      .where('action', '=', action)
      .where('target', '=', target)
      .where('at', '>=', sql<Date>`(date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai')`)
      .limit(1)
      .executeTakeFirst();
    if (seen) return;
  }
  await db.transaction().execute((trx) => appendAudit(trx, { actorUserId: userId, action, target, detail }));
}

export type { NotVoterReason } from './core/who-may-cast.ts';

/**
 * Why this signed-in person may not cast on an open vote, exactly (gz_cast_voters said no):
 * the facts of their account, their claims and the roll's flats among them, judged by
 * whyNotCast (core/who-may-cast.ts, beside the TypeScript form of the cast rule itself).
 */
export async function whyNotVoter(db: DB, ballotId: number, userId: number): Promise<{ reason: NotVoterReason; flats: string[] }> {
  const u = await db.selectFrom('users').select('owner_status_held_since').where('id', '=', userId).executeTakeFirst();
  const claims = await db
    .selectFrom('owner_verifications')
    .innerJoin('units', 'units.id', 'owner_verifications.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('owner_verifications.user_id', '=', userId)
    .select([
      'owner_verifications.status',
      'owner_verifications.unit_id',
      'owner_verifications.register_owner_id',
      'buildings.label as building',
      'entrances.label as entrance',
      'units.room',
    ])
    .execute();
  const verified = claims.filter((c) => c.status === 'verified');
  const onRoll =
    verified.length === 0
      ? []
      : await db
          .selectFrom('ballot_voter_units')
          .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
          .where('ballot_voters.ballot_id', '=', ballotId)
          .where(
            'ballot_voter_units.unit_id',
            'in',
            verified.map((v) => v.unit_id),
          )
          .select(['ballot_voter_units.voter_id', 'ballot_voters.developer', 'ballot_voter_units.unit_id'])
          .execute();
  const reason = whyNotCast(
    {
      // only the roll's flats the person claimed matter here
      voters: onRoll.map((r) => ({ id: r.voter_id, developer: r.developer, unitIds: [r.unit_id], ownerIds: [] })),
      claims: claims.map((c) => ({ userId, unitId: c.unit_id, registerOwnerId: c.register_owner_id, status: c.status })),
    },
    { id: userId, ownerStatusHeld: Boolean(u?.owner_status_held_since) },
  );
  const flats = reason === 'sellerHolds' || reason === 'notOnRoll' ? verified.map((v) => `${v.building}-${v.entrance}-${v.room}`) : [];
  return { reason, flats };
}

/** The ballot that counts now for each voter who has one: its channel and time (the staff form shows who already voted online). */
export async function lastCasts(db: DB, ballotId: number) {
  const rows = await db
    .selectFrom('ballot_casts')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_casts.voter_id')
    .where('ballot_casts.ballot_id', '=', ballotId)
    .distinctOn('ballot_casts.voter_id')
    .select(['ballot_casts.voter_id', 'ballot_voters.code', 'ballot_casts.channel', 'ballot_casts.cast_right', 'ballot_casts.cast_at'])
    .orderBy('ballot_casts.voter_id')
    .orderBy('ballot_casts.id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.code, { channel: r.channel, right: r.cast_right, at: r.cast_at }]));
}

export const flatLabel = (u: { building: string; entrance: string; room: string }) => `${u.building}-${u.entrance}-${u.room}`;

/**
 * The voters this person may cast for, with their flats and the ballot that counts now
 * (co-owners share one ballot, so each sees the last one cast, by whom and when).
 */
export async function myVoters(db: DB, ballotId: number, userId: number) {
  const voters = await votersFor(db, ballotId, userId);
  if (voters.length === 0) return [];
  const ids = voters.map((v) => v.id);
  const [units, casts, choices] = await Promise.all([
    db.selectFrom('ballot_voter_units').where('voter_id', 'in', ids).select(['voter_id', 'building', 'entrance', 'room', 'area_cm2']).execute(),
    db
      .selectFrom('ballot_casts')
      .where('ballot_id', '=', ballotId)
      .where('voter_id', 'in', ids)
      .select(['voter_id', 'cast_by', 'channel', 'cast_right', 'cast_at', 'id'])
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('ballot_choices')
      .innerJoin('ballot_matters', 'ballot_matters.id', 'ballot_choices.matter_id')
      .where('ballot_choices.voter_id', 'in', ids)
      .select(['ballot_choices.voter_id', 'ballot_matters.code', 'ballot_choices.choice'])
      .execute(),
  ]);
  return voters.map((v) => {
    const last = casts.find((c) => c.voter_id === v.id);
    return {
      id: v.id,
      code: v.code,
      receipt: v.receipt,
      right: v.cast_right,
      units: units
        .filter((u) => u.voter_id === v.id)
        .map((u) => ({ building: u.building, entrance: u.entrance, room: u.room, areaCm2: u.area_cm2 }))
        .sort(compareUnitKeys),
      last: last
        ? {
            at: last.cast_at,
            channel: last.channel,
            right: last.cast_right,
            byMe: last.cast_by === userId,
            casts: casts.filter((c) => c.voter_id === v.id).length,
          }
        : null,
      counted: Object.fromEntries(choices.filter((c) => c.voter_id === v.id).map((c) => [c.code, c.choice])) as Record<string, 'agree' | 'oppose' | 'abstain'>,
    };
  });
}
export type MyVoter = Awaited<ReturnType<typeof myVoters>>[number];

/** Ballots entered by staff (paper, proxy, developer), kept as evidence, newest first. */
export function staffEntries(db: DB, ballotId: number) {
  return db
    .selectFrom('ballot_casts')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_casts.voter_id')
    .innerJoin('users', 'users.id', 'ballot_casts.cast_by')
    .where('ballot_casts.ballot_id', '=', ballotId)
    .where('ballot_casts.channel', '<>', 'online')
    .select([
      'ballot_casts.id',
      'ballot_voters.code',
      'ballot_casts.channel',
      'ballot_casts.mandate',
      'ballot_casts.scan_storage_key',
      'ballot_casts.cast_at',
      'users.display_name as entered_by',
    ])
    .orderBy('ballot_casts.id', 'desc')
    .limit(500)
    .execute();
}

/** How many ballots were cast through each channel (every cast, changes included). */
export async function castCounts(db: DB, ballotId: number) {
  const rows = await db
    .selectFrom('ballot_casts')
    .where('ballot_id', '=', ballotId)
    .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('channel')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)])) as Partial<Record<'online' | 'paper' | 'proxy' | 'developer', number>>;
}

/**
 * The published bulletin versions, without their bodies: the stored full form's sha256 and
 * the public form's (recorded when published; derived from the body for versions older than 0065).
 */
export async function bulletinsOf(db: DB, ballotId: number) {
  const rows = await db
    .selectFrom('ballot_bulletins')
    .select(['version', 'stage', 'sha256', 'public_sha256', 'published_at'])
    .where('ballot_id', '=', ballotId)
    .orderBy('version')
    .execute();
  const out = [];
  for (const { public_sha256, ...r } of rows) {
    const pub = public_sha256 ?? (publicTextCache.get(r.sha256) ?? (await publicFormOf(db, ballotId, r.version, r.sha256)))?.sha256;
    out.push({ ...r, publicSha256: pub ?? '' });
  }
  return out;
}

/** One bulletin's stored (full) body, the latest when no version is given. */
export function bulletinBody(db: DB, ballotId: number, version: number | null) {
  let q = db.selectFrom('ballot_bulletins').select(['version', 'stage', 'sha256', 'body']).where('ballot_id', '=', ballotId);
  q = version === null ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  return q.executeTakeFirst();
}

// Public forms derived from stored bodies, by the stored sha256 (a body never changes).
const publicTextCache = new Map<string, { body: string; sha256: string }>();
function publicTextOf(fullBody: string, fullSha256: string) {
  let t = publicTextCache.get(fullSha256);
  if (!t) {
    t = publicBulletinText(fullBody);
    if (publicTextCache.size >= 32) publicTextCache.delete(publicTextCache.keys().next().value!);
    publicTextCache.set(fullSha256, t);
  }
  return t;
}
async function publicFormOf(db: DB, ballotId: number, version: number, fullSha256: string) {
  const row = await bulletinBody(db, ballotId, version);
  return row ? publicTextOf(row.body, fullSha256) : null;
}

/** One bulletin's public form (the latest when no version is given), derived from the stored one. */
export async function publicBulletinBody(db: DB, ballotId: number, version: number | null) {
  const row = await bulletinBody(db, ballotId, version);
  if (!row) return undefined;
  const pub = publicTextOf(row.body, row.sha256);
  return { version: row.version, stage: row.stage, body: pub.body, sha256: pub.sha256, fullSha256: row.sha256 };
}

/** The public notices posted for a ballot (meeting notice, result notices), oldest first. */
export async function noticesOfBallot(db: DB, ballotId: number) {
  const entries = await db
    .selectFrom('audit_log')
    .select(['detail'])
    .where('target', '=', `ballot:${ballotId}`)
    .where('action', 'in', ['ballot.notice', 'ballot.resultNotice', 'ballot.cancel'])
    .orderBy('id')
    .execute();
  const ids = entries.map((e) => Number((e.detail as { noticeId?: unknown }).noticeId)).filter((n) => Number.isSafeInteger(n) && n > 0);
  if (ids.length === 0) return [];
  return db.selectFrom('notices').select(['id', 'title', 'published_at']).where('id', 'in', ids).where('published_at', 'is not', null).orderBy('id').execute();
}

/** Where a receipt appears on a published bulletin's public form: the area and votes, never the flats. */
export function findReceipt(publicBody: string, receipt: string) {
  const b = JSON.parse(publicBody) as { voters: { receipt: string | null; areaM2: string; votes: Record<string, string> }[] };
  return b.voters.find((v) => v.receipt === receipt) ?? null;
}

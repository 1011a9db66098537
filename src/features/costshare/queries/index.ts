import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { config } from '../../../lib/config.ts';
import { can, type Actor, type Resource } from '../../policy/can.ts';
import { projectResource } from '../../projects/admin-queries.ts';
import { compareUnitKeys, naturalCompare } from '../../ballots/natural-order.ts';
import { settleIfDue } from '../commands/index.ts';
import { LIVE, periodEnd } from '../core/rules.ts';
import type { PledgeStatus, ReleaseCause, SchemeStatus } from '../tables.ts';
import { districtSubdistrictIds, readableArea, readsOfficeLists } from '../../geography/scope.ts';

// What pages read about cost-share schemes. Progress is always the sum of the live pledge
// rows (never a counter), overall and per building and entrance, and never says who pledged.

type DB = Kysely<Database>;

/** Where a scheme sits, for can(): its project's subdistrict and community. */
export async function schemeResource(db: DB, schemeId: number): Promise<(Resource & { schemeId: number; projectId: number; projectCode: string }) | null> {
  const s = await db.selectFrom('cost_schemes').select(['id', 'project_id']).where('id', '=', schemeId).executeTakeFirst();
  if (!s) return null;
  const p = await projectResource(db, s.project_id);
  if (!p) return null;
  return { schemeId: s.id, projectId: s.project_id, projectCode: p.code, subdistrictId: p.subdistrictId, communityId: p.communityId };
}

export async function pledgeResource(db: DB, pledgeId: number) {
  const p = await db.selectFrom('cost_pledges').select(['scheme_id']).where('id', '=', pledgeId).executeTakeFirst();
  return p ? schemeResource(db, p.scheme_id) : null;
}
export async function paymentResource(db: DB, paymentId: number) {
  const p = await db
    .selectFrom('cost_payments')
    .innerJoin('cost_pledges', 'cost_pledges.id', 'cost_payments.pledge_id')
    .select(['cost_pledges.scheme_id'])
    .where('cost_payments.id', '=', paymentId)
    .executeTakeFirst();
  return p ? schemeResource(db, p.scheme_id) : null;
}
export async function objectionResource(db: DB, objectionId: number) {
  const o = await db
    .selectFrom('cost_scheme_objections')
    .innerJoin('cost_scheme_versions', 'cost_scheme_versions.id', 'cost_scheme_objections.version_id')
    .select(['cost_scheme_versions.scheme_id'])
    .where('cost_scheme_objections.id', '=', objectionId)
    .executeTakeFirst();
  return o ? schemeResource(db, o.scheme_id) : null;
}

/** The version the public reads: the current one once posted, else the last posted one (a correction being drafted). */
async function shownVersion(db: DB, schemeId: number, staff: boolean) {
  let q = db.selectFrom('cost_scheme_versions').selectAll().where('scheme_id', '=', schemeId).orderBy('version', 'desc');
  if (!staff) q = q.where('posted_at', 'is not', null);
  return q.executeTakeFirst();
}

export type EntranceProgress = { building: string; entrance: string; households: number; pledged: number; liveFen: number; shareFen: number };

/** Progress of the current version: the sum of live pledges, overall and per building and entrance. */
export async function schemeProgress(db: DB, schemeId: number) {
  const s = await db
    .selectFrom('cost_schemes')
    .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
    .select(['v.id', 'v.target_fen', 'v.total_fen'])
    .where('cost_schemes.id', '=', schemeId)
    .executeTakeFirstOrThrow();
  return versionProgress(db, s.id, Number(s.target_fen));
}

async function versionProgress(db: DB, versionId: number, targetFen: number) {
  // a household is counted in the building and entrance of its first flat in the scheme
  const { rows } = await sql<{ building: string; entrance: string; households: string; pledged: string; live_fen: string; share_fen: string }>`
    select h.building, h.entrance, count(*) as households,
      count(p.id) as pledged, coalesce(sum(p.amount_fen), 0) as live_fen, sum(h.share_fen) as share_fen
    from cost_scheme_households h
    left join cost_pledges p on p.household_id = h.id and p.status in ('pledged', 'paid')
    where h.version_id = ${versionId}
    group by h.building, h.entrance`.execute(db);
  const byEntrance: EntranceProgress[] = rows
    .map((r) => ({
      building: r.building,
      entrance: r.entrance,
      households: Number(r.households),
      pledged: Number(r.pledged),
      liveFen: Number(r.live_fen),
      shareFen: Number(r.share_fen),
    }))
    .sort((a, b) => naturalCompare(a.building, b.building) || naturalCompare(a.entrance, b.entrance));
  const liveFen = byEntrance.reduce((a, e) => a + e.liveFen, 0);
  const buildings = new Map<string, { building: string; households: number; pledged: number; liveFen: number; shareFen: number }>();
  for (const e of byEntrance) {
    const b = buildings.get(e.building) ?? { building: e.building, households: 0, pledged: 0, liveFen: 0, shareFen: 0 };
    b.households += e.households;
    b.pledged += e.pledged;
    b.liveFen += e.liveFen;
    b.shareFen += e.shareFen;
    buildings.set(e.building, b);
  }
  return {
    liveFen,
    targetFen,
    households: byEntrance.reduce((a, e) => a + e.households, 0),
    pledged: byEntrance.reduce((a, e) => a + e.pledged, 0),
    byBuilding: [...buildings.values()],
    byEntrance,
  };
}

export type ShareRow = { building: string; entrance: string; floor: number; room: string; areaCm2: number; fen: number };

/** The schemes of a project, for its public page: posted ones (or ones that were posted once). */
export async function projectSchemes(db: DB, projectId: number, now = new Date()) {
  const ids = await db.selectFrom('cost_schemes').select('id').where('project_id', '=', projectId).orderBy('id').execute();
  const out: { id: number; title: string; status: SchemeStatus; totalFen: number; targetFen: number; pledgeDeadline: string; liveFen: number }[] = [];
  for (const { id } of ids) {
    const status = await settleIfDue(db, id, now);
    const v = await shownVersion(db, id, false);
    if (!v || !status) continue;
    const progress = status === 'pledging' || status === 'funded' ? await schemeProgress(db, id) : null;
    out.push({
      id,
      title: v.title,
      status,
      totalFen: Number(v.total_fen),
      targetFen: Number(v.target_fen),
      pledgeDeadline: v.pledge_deadline,
      liveFen: progress?.liveFen ?? 0,
    });
  }
  return out;
}

/**
 * The public page of a scheme (or the staff view of its draft): the version, the shares of
 * one building and entrance (by floor), progress, objections with their answers, and for a
 * signed-in owner their own households, shares and pledges.
 */
export async function schemePage(
  db: DB,
  schemeId: number,
  opts: { userId: number | null; staff: boolean; building?: string | null; entrance?: string | null },
  now = new Date(),
) {
  const status = await settleIfDue(db, schemeId, now);
  if (!status) return null;
  const scheme = await db.selectFrom('cost_schemes').selectAll().where('id', '=', schemeId).executeTakeFirstOrThrow();
  const v = await shownVersion(db, schemeId, opts.staff);
  if (!v) return null;
  const [project, estate] = await Promise.all([
    db.selectFrom('projects').select(['id', 'code', 'title', 'title_en', 'published_at']).where('id', '=', scheme.project_id).executeTakeFirstOrThrow(),
    db.selectFrom('estates').select(['name', 'name_en']).where('id', '=', v.estate_id).executeTakeFirstOrThrow(),
  ]);
  if (!opts.staff && !project.published_at) return null;
  const isCurrent = v.version === scheme.current_version;

  // the entrances of the scheme, and the one whose shares are shown
  // (one pass over the households gives both the entrances and the progress figures)
  const allProgress = await versionProgress(db, v.id, Number(v.target_fen));
  const entrances = allProgress.byEntrance.map((e) => ({ building: e.building, entrance: e.entrance }));

  // the signed-in person's households in this version (verified owner of one of its flats)
  const mine = opts.userId
    ? await db
        .selectFrom('cost_scheme_shares as s')
        .innerJoin('owner_verifications as ov', 'ov.unit_id', 's.unit_id')
        .innerJoin('cost_scheme_households as h', 'h.id', 's.household_id')
        .where('s.version_id', '=', v.id)
        .where('ov.user_id', '=', opts.userId)
        .where('ov.status', '=', 'verified')
        .select(['h.id as household_id', 'h.no', 'h.share_fen', 's.unit_id', 's.building', 's.entrance', 's.room', 's.floor', 's.share_fen as flat_fen'])
        .execute()
    : [];
  const householdIds = [...new Set(mine.map((m) => m.household_id))];
  const pledges =
    householdIds.length === 0
      ? []
      : await db
          .selectFrom('cost_pledges')
          .select(['id', 'household_id', 'amount_fen', 'reason', 'status', 'channel', 'pledged_at', 'closed_at', 'release_cause'])
          .where('household_id', 'in', householdIds)
          .orderBy('id', 'desc')
          .execute();
  const myHouseholds = householdIds.map((hid) => {
    const flats = mine.filter((m) => m.household_id === hid);
    const live = pledges.find((p) => p.household_id === hid && LIVE.includes(p.status as PledgeStatus));
    const last = pledges.find((p) => p.household_id === hid);
    return {
      no: flats[0]!.no,
      shareFen: Number(flats[0]!.share_fen),
      flats: flats.map((f) => ({ unitId: f.unit_id, building: f.building, entrance: f.entrance, room: f.room, floor: f.floor, fen: Number(f.flat_fen) })),
      live: live ? { id: live.id, amountFen: Number(live.amount_fen), status: live.status as PledgeStatus, reason: live.reason } : null,
      last: last
        ? { id: last.id, amountFen: Number(last.amount_fen), status: last.status as PledgeStatus, releaseCause: last.release_cause as ReleaseCause | null }
        : null,
    };
  });

  const firstMine = myHouseholds[0]?.flats[0];
  const pick =
    entrances.find((e) => e.building === opts.building && e.entrance === opts.entrance) ??
    (firstMine ? entrances.find((e) => e.building === firstMine.building && e.entrance === firstMine.entrance) : undefined) ??
    entrances[0];
  const shares: ShareRow[] = pick
    ? (
        await db
          .selectFrom('cost_scheme_shares')
          .select(['building', 'entrance', 'floor', 'room', 'area_cm2', 'share_fen'])
          .where('version_id', '=', v.id)
          .where('building', '=', pick.building)
          .where('entrance', '=', pick.entrance)
          .execute()
      )
        .map((r) => ({ building: r.building, entrance: r.entrance, floor: r.floor, room: r.room, areaCm2: Number(r.area_cm2), fen: Number(r.share_fen) }))
        .sort((a, b) => b.floor - a.floor || compareUnitKeys(a, b))
    : [];

  const objections = await db
    .selectFrom('cost_scheme_objections as o')
    .innerJoin('units', 'units.id', 'o.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .select(['o.id', 'o.body', 'o.lodged_at', 'o.channel', 'o.response', 'o.responded_at', 'buildings.label as building'])
    .where('o.version_id', '=', v.id)
    .orderBy('o.id')
    .execute();

  const calendar = config().workCalendar;
  const postingEnd = v.posting_last_day ? periodEnd(v.posting_last_day, calendar) : null;
  const deadlineEnd = periodEnd(v.pledge_deadline, calendar);
  const showProgress = isCurrent && (status === 'pledging' || status === 'funded' || status === 'lapsed');
  const progress = showProgress ? allProgress : null;
  const versions = await db
    .selectFrom('cost_scheme_versions')
    .select(['version', 'posted_at', 'posting_last_day', 'correction_reason'])
    .where('scheme_id', '=', schemeId)
    .where('posted_at', 'is not', null)
    .orderBy('version')
    .execute();
  return {
    id: scheme.id,
    status,
    isCurrent,
    withdrawReason: scheme.withdraw_reason,
    project: { id: project.id, code: project.code, title: project.title, titleEn: project.title_en },
    estate: { name: estate.name, nameEn: estate.name_en },
    version: {
      id: v.id,
      version: v.version,
      title: v.title,
      item: v.item,
      estateId: v.estate_id,
      building: v.building,
      entrance: v.entrance,
      method: v.method,
      weightByArea: v.weight_by_area,
      coefficients: v.coefficients ? (JSON.parse(v.coefficients) as Record<string, string>) : null,
      totalFen: Number(v.total_fen),
      targetFen: Number(v.target_fen),
      pledgeDeadline: v.pledge_deadline,
      postingDays: v.posting_days,
      postedAt: v.posted_at,
      postingLastDay: v.posting_last_day,
      /** the day it went up on the estate's board, when recorded with a photo: the posting period runs from it */
      boardPostedOn: v.board_posted_on,
      hasBoardPhoto: v.board_photo_key !== null,
      correctionReason: v.correction_reason,
      ballotId: v.ballot_id,
      ballotMatter: v.ballot_matter,
    },
    versions,
    postingOpen: status === 'posted' && postingEnd !== null && now < postingEnd,
    postingEnd,
    pledgingOpen: status === 'pledging' && now < deadlineEnd,
    deadlineEnd,
    entrances,
    shown: pick ?? null,
    shares,
    progress,
    objections: objections.map((o) => ({
      id: o.id,
      body: o.body,
      building: o.building,
      lodgedAt: o.lodged_at,
      channel: o.channel,
      response: o.response,
      respondedAt: o.responded_at,
    })),
    myHouseholds,
  };
}
export type SchemePage = NonNullable<Awaited<ReturnType<typeof schemePage>>>;

/**
 * The schemes of the projects an office manages, newest first; the province admin reads every
 * district's (`districtId` narrows to one) and manages none.
 */
export async function officeSchemes(db: DB, actor: Actor, districtId: number | null = null) {
  if (!readsOfficeLists(actor)) return [];
  const q = db
    .selectFrom('cost_schemes')
    .innerJoin('projects', 'projects.id', 'cost_schemes.project_id')
    .innerJoin('districts', 'districts.id', 'projects.district_id')
    .innerJoin('cost_scheme_versions as v', (j) => j.onRef('v.scheme_id', '=', 'cost_schemes.id').onRef('v.version', '=', 'cost_schemes.current_version'))
    .select([
      'cost_schemes.id',
      'cost_schemes.status',
      'cost_schemes.current_version',
      'v.title',
      'v.total_fen',
      'v.pledge_deadline',
      'projects.id as project_id',
      'projects.code',
      'districts.name as district',
      'districts.name_en as district_en',
    ])
    .where(readableArea(actor, 'projects.subdistrict_id', districtId))
    .orderBy('cost_schemes.id', 'desc')
    .limit(300);
  const rows = await q.execute();
  if (actor.role === 'province_admin') return rows;
  const resources = new Map<number, Resource | null>();
  for (const id of new Set(rows.map((r) => r.project_id))) resources.set(id, await projectResource(db, id));
  return rows.filter((r) => can(actor, 'scheme.manage', resources.get(r.project_id) ?? {}));
}

/** The projects (and their estates) an office may add a scheme to. */
export async function officeProjects(db: DB, actor: Actor) {
  if (actor.role !== 'staff' && actor.role !== 'district_admin') return [];
  let q = db
    .selectFrom('projects')
    .innerJoin('project_estates', 'project_estates.project_id', 'projects.id')
    .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
    .select(['projects.id', 'projects.code', 'projects.title', 'estates.id as estate_id', 'estates.name as estate_name'])
    .orderBy('projects.code')
    .limit(500);
  if (actor.role === 'staff') q = q.where('projects.subdistrict_id', '=', actor.subdistrictId!);
  else q = q.where('projects.subdistrict_id', 'in', districtSubdistrictIds(actor));
  const rows = await q.execute();
  const resources = new Map<number, Resource | null>();
  for (const id of new Set(rows.map((r) => r.id))) resources.set(id, await projectResource(db, id));
  return rows.filter((r) => can(actor, 'scheme.manage', resources.get(r.id) ?? {}));
}

/** The staff view of a scheme's pledges and payments: who and how much (never public). */
export async function officePledges(db: DB, schemeId: number) {
  const rows = await db
    .selectFrom('cost_pledges as p')
    .innerJoin('cost_scheme_versions as v', 'v.id', 'p.version_id')
    .innerJoin('cost_scheme_households as h', 'h.id', 'p.household_id')
    .leftJoin('cost_payments as pay', 'pay.pledge_id', 'p.id')
    .leftJoin('cost_refunds as r', 'r.payment_id', 'pay.id')
    .leftJoin('users as u', 'u.id', 'p.pledged_by')
    .where('p.scheme_id', '=', schemeId)
    .select([
      'p.id',
      'p.status',
      'p.amount_fen',
      'p.reason',
      'p.channel',
      'p.pledged_at',
      'p.release_cause',
      'p.scan_key',
      'v.version',
      'h.no',
      'h.share_fen',
      'u.display_name as account',
      'pay.id as payment_id',
      'pay.amount_fen as paid_fen',
      'pay.paid_on',
      'pay.method as pay_method',
      'pay.receipt_no',
      'pay.refund_due_at',
      'pay.refund_cause',
      'pay.scan_key as pay_scan_key',
      'r.id as refund_id',
      'r.refunded_on',
      'r.receipt_no as refund_receipt_no',
    ])
    .orderBy('p.id', 'desc')
    .execute();
  const flats = await db
    .selectFrom('cost_scheme_shares as s')
    .innerJoin('cost_pledges as p', 'p.household_id', 's.household_id')
    .where('p.scheme_id', '=', schemeId)
    .select(['p.id', 's.building', 's.entrance', 's.room'])
    .execute();
  const flatsOf = new Map<number, string[]>();
  for (const f of flats) flatsOf.set(f.id, [...(flatsOf.get(f.id) ?? []), `${f.building}-${f.entrance}-${f.room}`]);
  return rows.map((r) => ({
    id: r.id,
    status: r.status as PledgeStatus,
    amountFen: Number(r.amount_fen),
    reason: r.reason,
    channel: r.channel,
    pledgedAt: r.pledged_at,
    releaseCause: r.release_cause as ReleaseCause | null,
    hasScan: r.scan_key !== null,
    version: r.version,
    householdNo: r.no,
    shareFen: Number(r.share_fen),
    account: r.account,
    flats: (flatsOf.get(r.id) ?? []).sort(naturalCompare),
    payment: r.payment_id
      ? {
          id: r.payment_id,
          amountFen: Number(r.paid_fen),
          paidOn: r.paid_on!,
          method: r.pay_method!,
          receiptNo: r.receipt_no!,
          refundDueAt: r.refund_due_at,
          refundCause: r.refund_cause as ReleaseCause | null,
          hasScan: r.pay_scan_key !== null,
          refund: r.refund_id ? { refundedOn: r.refunded_on!, receiptNo: r.refund_receipt_no! } : null,
        }
      : null,
  }));
}

/** A person's pledges (pledged by them online, or on a household they own), with what became of each: released ones tell them why. */
export async function pledgesOf(db: DB, userId: number) {
  const rows = await db
    .selectFrom('cost_pledges as p')
    .innerJoin('cost_scheme_versions as v', 'v.id', 'p.version_id')
    .innerJoin('cost_schemes as s', 's.id', 'p.scheme_id')
    .innerJoin('projects', 'projects.id', 's.project_id')
    .where((eb) =>
      eb.or([
        eb('p.pledged_by', '=', userId),
        eb(
          'p.household_id',
          'in',
          eb
            .selectFrom('cost_scheme_shares as sh')
            .innerJoin('owner_verifications as ov', 'ov.unit_id', 'sh.unit_id')
            .where('ov.user_id', '=', userId)
            .where('ov.status', '=', 'verified')
            .select('sh.household_id'),
        ),
      ]),
    )
    .select([
      'p.id',
      'p.status',
      'p.amount_fen',
      'p.release_cause',
      'p.pledged_at',
      'p.closed_at',
      's.id as scheme_id',
      'v.title',
      'v.version',
      'projects.code',
    ])
    .orderBy('p.id', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status as PledgeStatus,
    amountFen: Number(r.amount_fen),
    releaseCause: r.release_cause as ReleaseCause | null,
    pledgedAt: r.pledged_at,
    closedAt: r.closed_at,
    schemeId: r.scheme_id,
    title: r.title,
    version: r.version,
    projectCode: r.code,
  }));
}

/**
 * The photo of the estate's notice board for a posted version of a scheme of a published
 * project: public, like the posting it proves. Null when there is none.
 */
export async function boardPhotoKey(db: DB, schemeId: number, version: number): Promise<{ key: string; projectCode: string } | null> {
  const r = await db
    .selectFrom('cost_scheme_versions as v')
    .innerJoin('cost_schemes as s', 's.id', 'v.scheme_id')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .select(['v.board_photo_key', 'p.code'])
    .where('v.scheme_id', '=', schemeId)
    .where('v.version', '=', version)
    .where('v.posted_at', 'is not', null)
    .where('p.published_at', 'is not', null)
    .executeTakeFirst();
  return r?.board_photo_key ? { key: r.board_photo_key, projectCode: r.code } : null;
}

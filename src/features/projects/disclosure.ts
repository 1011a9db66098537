import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Stage } from './stages.ts';
import type { PartyRole } from './parties.ts';
import type { DocumentKind } from './documents.ts';
import { servedFileName } from '../../lib/files/names.ts';
import { donationBoards, type BoardEntry } from '../donations/queries/index.ts';
import { receivedPledgeMoney } from '../costshare/queries/money.ts';

type DB = Kysely<Database>;

/** Everything the public may see of one project: the page, its JSON and OC4IDS use it. */
export interface Disclosure {
  id: number;
  code: string;
  title: string;
  titleEn: string | null;
  summary: string;
  summaryEn: string | null;
  batchYear: number;
  stage: Stage;
  plannedStart: string | null;
  plannedEnd: string | null;
  households: number;
  publishedAt: Date;
  updatedAt: Date;
  isDemo: boolean;
  subdistrict: { code: string; name: string; nameEn: string };
  /** its district and that district's city (the open data's locality and region) */
  district?: { code: string; name: string; nameEn: string; city: string; cityEn: string };
  estates: {
    id: number;
    name: string;
    nameEn: string | null;
    community: string;
    address: string;
    buildYear: number;
    buildingCount: number;
    householdCount: number;
    floorAreaCm2: number;
    lat: number;
    lng: number;
    eligibility: Record<string, unknown>;
  }[];
  stageEvents: { stage: Stage; enteredOn: string; note: string | null }[];
  scope: { id: number; code: string; description: string; quantityX100: number; unit: string; estimatedCostFen: number }[];
  budget: { id: number; channel: string; amountFen: number; note: string | null }[];
  parties: { role: PartyRole; name: string; uscc: string | null; contactName: string | null }[];
  documents: {
    id: number;
    kind: DocumentKind;
    title: string;
    fileName: string;
    mime: string;
    sizeBytes: number;
    sha256: string;
    version: number;
    publishedAt: Date;
  }[];
  fees: { id: number; item: string; unit: string; beforeFen: number; afterFen: number; subsidyFenPerM2Month: number; subsidyMonths: number }[];
  notices: { id: number; kind: string; title: string; publishedAt: Date }[];
  history: { id: number; entity: string; field: string; oldValue: string | null; newValue: string | null; changedAt: Date; note: string | null }[];
  /** Received donations (捐赠公示), newest first, and the money among them: received against the 社会捐助 line. */
  donations: { board: BoardEntry[]; receivedMoneyFen: number };
  /** Residents' pledges paid (less refunds), in fen: received against the 居民合理分摊 line. */
  residents: { receivedMoneyFen: number };
}

function groupBy<T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const ROLE_ORDER = ['design', 'construction', 'supervision', 'property', 'operator'];

/**
 * Loads the disclosures of many published projects with a fixed number of queries: one by
 * code, all of them, or a batch of `limit` in code order after the code `after` (null: from
 * the first), which is how OC4IDS streams them.
 */
export async function loadDisclosures(db: DB, where: { code: string } | { all: true } | { after: string | null; limit: number }): Promise<Disclosure[]> {
  let q = db
    .selectFrom('projects')
    .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
    .innerJoin('districts', 'districts.id', 'projects.district_id')
    .innerJoin('cities', 'cities.id', 'districts.city_id')
    .where('projects.published_at', 'is not', null)
    .selectAll('projects')
    .select(['subdistricts.code as s_code', 'subdistricts.name as s_name', 'subdistricts.name_en as s_name_en'])
    .select(['districts.code as d_code', 'districts.name as d_name', 'districts.name_en as d_name_en', 'cities.name as c_name', 'cities.name_en as c_name_en'])
    .orderBy('projects.code');
  if ('code' in where) q = q.where('projects.code', '=', where.code);
  if ('limit' in where) {
    if (where.after !== null) q = q.where('projects.code', '>', where.after);
    q = q.limit(where.limit);
  }
  const projects = await q.execute();
  if (projects.length === 0) return [];
  const ids = 'all' in where ? null : projects.map((p) => p.id);
  const scoped = <QB extends { where: (...args: any[]) => any }>(qb: QB, column: string): QB => (ids ? (qb.where as any)(column, 'in', ids) : qb);
  const [estates, stageEvents, scope, budget, parties, documents, fees, notices, history, boards, pledgeMoney] = await Promise.all([
    scoped(
      db
        .selectFrom('project_estates')
        .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
        .innerJoin('communities', 'communities.id', 'estates.community_id')
        .selectAll('estates')
        .select(['communities.name as community', 'project_estates.project_id'])
        .orderBy('estates.id'),
      'project_estates.project_id',
    ).execute(),
    scoped(db.selectFrom('stage_events').selectAll().orderBy('entered_on').orderBy('id'), 'project_id').execute(),
    scoped(db.selectFrom('scope_items').selectAll().orderBy('id'), 'project_id').execute(),
    scoped(db.selectFrom('budget_lines').selectAll().orderBy('id'), 'project_id').execute(),
    scoped(
      db
        .selectFrom('project_parties')
        .innerJoin('parties', 'parties.id', 'project_parties.party_id')
        .select(['project_parties.project_id', 'project_parties.role', 'parties.name', 'parties.uscc', 'parties.contact_name']),
      'project_parties.project_id',
    ).execute(),
    scoped(db.selectFrom('documents').where('published_at', 'is not', null).selectAll().orderBy('kind').orderBy('id'), 'project_id').execute(),
    scoped(db.selectFrom('fee_schedules').selectAll().orderBy('id'), 'project_id').execute(),
    scoped(
      db
        .selectFrom('notices')
        .where('published_at', 'is not', null)
        .where('project_id', 'is not', null)
        .select(['id', 'kind', 'title', 'published_at', 'project_id'])
        .orderBy('published_at', 'desc'),
      'project_id',
    ).execute(),
    scoped(db.selectFrom('disclosure_history').selectAll().orderBy('changed_at', 'desc').orderBy('id', 'desc'), 'project_id').execute(),
    donationBoards(db, ids),
    receivedPledgeMoney(db, ids),
  ]);
  const by = {
    estates: groupBy(estates, (r) => r.project_id),
    stageEvents: groupBy(stageEvents, (r) => r.project_id),
    scope: groupBy(scope, (r) => r.project_id),
    budget: groupBy(budget, (r) => r.project_id),
    parties: groupBy(parties, (r) => r.project_id),
    documents: groupBy(documents, (r) => r.project_id),
    fees: groupBy(fees, (r) => r.project_id),
    notices: groupBy(notices, (r) => r.project_id),
    history: groupBy(history, (r) => r.project_id),
  };
  return projects.map((p) => {
    const id = p.id;
    return {
      id,
      code: p.code,
      title: p.title,
      titleEn: p.title_en,
      summary: p.summary,
      summaryEn: p.summary_en,
      batchYear: p.batch_year,
      stage: p.stage,
      plannedStart: p.planned_start,
      plannedEnd: p.planned_end,
      households: p.households_benefiting,
      publishedAt: p.published_at!,
      updatedAt: p.updated_at,
      isDemo: p.is_demo,
      subdistrict: { code: p.s_code, name: p.s_name, nameEn: p.s_name_en },
      district: { code: p.d_code, name: p.d_name, nameEn: p.d_name_en, city: p.c_name, cityEn: p.c_name_en },
      estates: (by.estates.get(id) ?? []).map((e) => ({
        id: e.id,
        name: e.name,
        nameEn: e.name_en,
        community: e.community,
        address: e.address,
        buildYear: e.build_year,
        buildingCount: e.building_count,
        householdCount: e.household_count,
        floorAreaCm2: e.floor_area_cm2,
        lat: e.lat,
        lng: e.lng,
        eligibility: e.eligibility,
      })),
      stageEvents: (by.stageEvents.get(id) ?? []).map((e) => ({ stage: e.stage, enteredOn: e.entered_on, note: e.note })),
      scope: (by.scope.get(id) ?? []).map((s) => ({
        id: s.id,
        code: s.code,
        description: s.description,
        quantityX100: s.quantity_x100,
        unit: s.unit,
        estimatedCostFen: s.estimated_cost_fen,
      })),
      budget: (by.budget.get(id) ?? []).map((b) => ({ id: b.id, channel: b.channel, amountFen: b.amount_fen, note: b.note })),
      parties: (by.parties.get(id) ?? [])
        .map((x) => ({ role: x.role, name: x.name, uscc: x.uscc, contactName: x.contact_name }))
        .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role)),
      documents: (by.documents.get(id) ?? []).map((d) => ({
        id: d.id,
        kind: d.kind,
        title: d.title,
        fileName: servedFileName(d.file_name, d.mime),
        mime: d.mime,
        sizeBytes: d.size_bytes,
        sha256: d.sha256,
        version: d.version,
        publishedAt: d.published_at!,
      })),
      fees: (by.fees.get(id) ?? []).map((f) => ({
        id: f.id,
        item: f.item,
        unit: f.unit,
        beforeFen: f.before_fen,
        afterFen: f.after_fen,
        subsidyFenPerM2Month: f.subsidy_fen_per_m2_month,
        subsidyMonths: f.subsidy_months,
      })),
      notices: (by.notices.get(id) ?? []).map((n) => ({ id: n.id, kind: n.kind, title: n.title, publishedAt: n.published_at! })),
      history: (by.history.get(id) ?? []).map((h) => ({
        id: h.id,
        entity: h.entity,
        field: h.field,
        oldValue: h.old_value,
        newValue: h.new_value,
        changedAt: h.changed_at,
        note: h.note,
      })),
      donations: donationSummary(boards.get(id) ?? []),
      residents: { receivedMoneyFen: pledgeMoney.get(id) ?? 0 },
    };
  });
}

function donationSummary(board: BoardEntry[]): Disclosure['donations'] {
  let receivedMoneyFen = 0;
  for (const d of board) if (d.kind === 'money') receivedMoneyFen += d.amountFen!;
  return { board, receivedMoneyFen };
}

export async function projectDisclosure(db: DB, code: string): Promise<Disclosure | null> {
  const [one] = await loadDisclosures(db, { code });
  return one ?? null;
}

export async function documentById(db: DB, id: number) {
  return db
    .selectFrom('documents')
    .innerJoin('projects', 'projects.id', 'documents.project_id')
    .where('documents.id', '=', id)
    .where('documents.published_at', 'is not', null)
    .where('projects.published_at', 'is not', null)
    .select(['documents.storage_key', 'documents.mime', 'documents.file_name', 'documents.sha256', 'documents.size_bytes'])
    .executeTakeFirst();
}

import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { SUBDISTRICTS } from './zhanhe.ts';
import { ensureDistrict, ZHANHE } from '../../src/features/geography/districts.ts';
import type { SeedData } from './generate.ts';
import { sitePlanPdf, sitePlanPng } from './drawings.ts';
import { rng } from './random.ts';

interface FileSink {
  put(bytes: Uint8Array): Promise<{ key: string; sha256: string; size: number }>;
}

const BATCH = 500;
const chunks = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, i) => rows.slice(i * BATCH, (i + 1) * BATCH));
const at = (isoDate: string) => `${isoDate}T09:00:00+08:00`;

async function insertMany<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: any[]): Promise<{ id: number }[]> {
  const ids: { id: number }[] = [];
  for (const part of chunks(rows)) {
    if (part.length === 0) continue;
    const res = await db
      .insertInto(table)
      .values(part as any)
      .returning(sql<number>`id`.as('id') as any)
      .execute();
    ids.push(...(res as unknown as { id: number }[]));
  }
  return ids;
}

async function insertManyNoId<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: any[]) {
  for (const part of chunks(rows))
    if (part.length)
      await db
        .insertInto(table)
        .values(part as any)
        .execute();
}

/** Writes the demo set in one transaction: all of it or nothing. */
export async function writeSeed(
  db: Kysely<Database>,
  data: SeedData,
  files: FileSink,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<{ projects: number; estates: number }> {
  // Drawings are generated before the transaction; beyond 100 projects they are shared.
  const r = rng(7);
  type Stored = Awaited<ReturnType<FileSink['put']>>;
  const drawings: { png: Stored; pdf: Stored; plan: Stored; planV2: Stored }[] = [];
  for (let i = 0; i < Math.min(data.projects.length, 100); i++) {
    const code = data.projects[i]!.code;
    drawings.push({
      png: await files.put(sitePlanPng(r)),
      pdf: await files.put(sitePlanPdf(r, `Design drawing ${code}`)),
      plan: await files.put(sitePlanPdf(r, `Renovation plan ${code}`)),
      planV2: await files.put(sitePlanPdf(r, `Renovation plan ${code}, revised`)),
    });
  }

  return db.transaction().execute(async (trx) => {
    // New data, not a change to what residents saw: no history rows for the bulk load.
    await sql`select set_config('gongzhi.skip_history', 'on', true)`.execute(trx);
    const subIds = new Map<string, number>();
    const districtId = await ensureDistrict(trx, ZHANHE);
    for (const s of SUBDISTRICTS) {
      const row = await trx
        .insertInto('subdistricts')
        .values({ district_id: districtId, code: s.code, name: s.name, name_en: s.nameEn, lat: s.lat, lng: s.lng })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: s.name }))
        .returning('id')
        .executeTakeFirstOrThrow();
      subIds.set(s.code, row.id);
    }
    const communityIds = new Map<string, number>();
    for (const e of data.estates) {
      const key = `${e.subdistrictCode}/${e.community}`;
      if (communityIds.has(key)) continue;
      const row = await trx
        .insertInto('communities')
        .values({ subdistrict_id: subIds.get(e.subdistrictCode)!, name: e.community })
        .onConflict((oc) => oc.columns(['subdistrict_id', 'name']).doUpdateSet({ name: e.community }))
        .returning('id')
        .executeTakeFirstOrThrow();
      communityIds.set(key, row.id);
    }
    const estateIds = await insertMany(
      trx,
      'estates',
      data.estates.map((e) => ({
        community_id: communityIds.get(`${e.subdistrictCode}/${e.community}`)!,
        name: e.name,
        name_en: e.nameEn,
        address: e.address,
        build_year: e.buildYear,
        building_count: e.buildingCount,
        household_count: e.householdCount,
        floor_area_cm2: e.floorAreaCm2,
        lat: e.lat,
        lng: e.lng,
        eligibility: JSON.stringify(e.eligibility),
        is_demo: true,
      })),
    );
    const idByKey = new Map(data.estates.map((e, i) => [e.key, estateIds[i]!.id]));
    const estateId = (key: number) => idByKey.get(key)!;

    const total = data.projects.length;
    for (let offset = 0; offset < total; offset += BATCH) {
      const part = data.projects.slice(offset, offset + BATCH);
      const ids = await insertMany(
        trx,
        'projects',
        part.map((p) => ({
          code: p.code,
          subdistrict_id: subIds.get(p.subdistrictCode)!,
          title: p.title,
          title_en: p.titleEn,
          summary: p.summary,
          summary_en: p.summaryEn,
          batch_year: p.batchYear,
          stage: p.stage,
          planned_start: p.plannedStart,
          planned_end: p.plannedEnd,
          households_benefiting: p.households,
          published_at: at(p.publishedOn),
          updated_at: at(p.stageEvents.at(-1)!.enteredOn),
          is_demo: true,
        })),
      );
      const rows = part.map((p, i) => ({ p, id: ids[i]!.id, n: offset + i }));
      await insertManyNoId(
        trx,
        'project_estates',
        rows.flatMap(({ p, id }) => p.estateKeys.map((k) => ({ project_id: id, estate_id: estateId(k) }))),
      );
      await insertManyNoId(
        trx,
        'stage_events',
        rows.flatMap(({ p, id }) => p.stageEvents.map((e) => ({ project_id: id, stage: e.stage, entered_on: e.enteredOn }))),
      );
      await insertManyNoId(
        trx,
        'scope_items',
        rows.flatMap(({ p, id }) =>
          p.scope.map((s) => ({
            project_id: id,
            code: s.code,
            description: s.description,
            quantity_x100: s.quantityX100,
            unit: s.unit,
            estimated_cost_fen: s.costFen,
          })),
        ),
      );
      await insertManyNoId(
        trx,
        'budget_lines',
        rows.flatMap(({ p, id }) => p.budget.map((b) => ({ project_id: id, channel: b.channel, amount_fen: b.amountFen }))),
      );
      await insertManyNoId(
        trx,
        'fee_schedules',
        rows.flatMap(({ p, id }) =>
          p.fees.map((f) => ({
            project_id: id,
            item: f.item,
            unit: f.unit,
            before_fen: f.beforeFen,
            after_fen: f.afterFen,
            subsidy_fen_per_m2_month: f.subsidyFen,
            subsidy_months: f.subsidyMonths,
          })),
        ),
      );
      const partyRows = rows.flatMap(({ p }) => p.parties);
      const partyIds = await insertMany(
        trx,
        'parties',
        partyRows.map((x) => ({ name: x.name, uscc: x.uscc, contact_name: x.contactName, contact_phone: x.contactPhone })),
      );
      let k = 0;
      await insertManyNoId(
        trx,
        'project_parties',
        rows.flatMap(({ p, id }) => p.parties.map((x) => ({ project_id: id, party_id: partyIds[k++]!.id, role: x.role }))),
      );
      await insertManyNoId(
        trx,
        'documents',
        rows.flatMap(({ p, id, n }) => {
          const d = drawings[n % drawings.length]!;
          const when = at(p.stageEvents[Math.min(1, p.stageEvents.length - 1)]!.enteredOn);
          const docs = [
            { kind: 'design_drawing', title: '总平面图', file_name: `${p.code}-site-plan.png`, f: d.png, mime: 'image/png', version: 1 },
            { kind: 'design_drawing', title: '总平面图（PDF）', file_name: `${p.code}-site-plan.pdf`, f: d.pdf, mime: 'application/pdf', version: 1 },
          ];
          // the plan was revised once the works began: both versions stay public (history, not overwrite)
          if (p.stage >= 2) docs.push({ kind: 'plan', title: '改造实施方案', file_name: `${p.code}-plan.pdf`, f: d.plan, mime: 'application/pdf', version: 1 });
          if (p.stage >= 3)
            docs.push({ kind: 'plan', title: '改造实施方案', file_name: `${p.code}-plan-v2.pdf`, f: d.planV2, mime: 'application/pdf', version: 2 });
          const revised = at(p.stageEvents[2]?.enteredOn ?? p.stageEvents[0]!.enteredOn);
          return docs.map((x) => ({
            project_id: id,
            kind: x.kind,
            title: x.title,
            file_name: x.file_name,
            storage_key: x.f.key,
            mime: x.mime,
            size_bytes: x.f.size,
            sha256: x.f.sha256,
            version: x.version,
            published_at: x.version === 2 ? revised : when,
          }));
        }),
      );
      await insertManyNoId(
        trx,
        'notices',
        rows.flatMap(({ p, id }) =>
          p.notices.map((x) => ({
            subdistrict_id: subIds.get(p.subdistrictCode)!,
            project_id: id,
            kind: x.kind,
            title: x.title,
            body: x.body,
            published_at: at(x.publishedOn),
          })),
        ),
      );
      await insertManyNoId(
        trx,
        'disclosure_history',
        rows.flatMap(({ p, id }) =>
          p.history.map((h) => ({
            project_id: id,
            entity: h.entity,
            field: h.field,
            old_value: h.oldValue,
            new_value: h.newValue,
            changed_at: at(h.changedOn),
            note: h.note || null,
          })),
        ),
      );
      onProgress(Math.min(offset + BATCH, total), total);
    }
    await insertManyNoId(
      trx,
      'notices',
      data.subdistrictNotices.map((x) => ({
        subdistrict_id: subIds.get(x.subdistrictCode)!,
        project_id: null,
        kind: x.kind,
        title: x.title,
        body: x.body,
        published_at: at(x.publishedOn),
      })),
    );
    for (const v of data.volunteerTasks) {
      const project = await trx.selectFrom('projects').select('id').where('code', '=', v.projectCode).executeTakeFirstOrThrow();
      const day = new Date(Date.now() + 8 * 3_600_000 + v.startsInDays * 86_400_000).toISOString().slice(0, 10);
      const startsAt = new Date(`${day}T${v.startTime}:00+08:00`);
      await trx
        .insertInto('volunteer_tasks')
        .values({
          project_id: project.id,
          title: v.title,
          place: v.place,
          details: v.details,
          starts_at: startsAt,
          ends_at: new Date(startsAt.getTime() + v.durationMinutes * 60_000),
          places: v.places,
          created_by: null,
          is_demo: true,
        })
        .execute();
    }
    return { projects: total, estates: data.estates.length };
  });
}

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('projects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

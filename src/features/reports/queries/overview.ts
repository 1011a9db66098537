import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { STAGES, type Stage } from '../../projects/stages.ts';

/** Published projects per subdistrict and current stage, for a district's overview (every subdistrict of it, every stage). */
export async function projectsByStage(
  db: Kysely<Database>,
  districtId: number,
): Promise<{ code: string; name: string; nameEn: string; byStage: Record<Stage, number>; total: number }[]> {
  const res = await sql<{ code: string; name: string; name_en: string; stage: number | null; n: string | number }>`
    select s.code, s.name, s.name_en, p.stage, count(p.id) as n
    from subdistricts s left join projects p on p.subdistrict_id = s.id and p.published_at is not null
    where s.district_id = ${districtId}
    group by s.code, s.name, s.name_en, p.stage
    order by s.code`.execute(db);
  const out = new Map<string, { code: string; name: string; nameEn: string; byStage: Record<Stage, number>; total: number }>();
  for (const r of res.rows) {
    const row = out.get(r.code) ?? {
      code: r.code,
      name: r.name,
      nameEn: r.name_en,
      byStage: Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>,
      total: 0,
    };
    if (r.stage !== null) {
      row.byStage[r.stage as Stage] = Number(r.n);
      row.total += Number(r.n);
    }
    out.set(r.code, row);
  }
  return [...out.values()];
}

import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Actor, Resource } from '../policy/can.ts';
import { readableArea, readsOfficeLists } from '../geography/scope.ts';

type DB = Kysely<Database>;

/** Where a project sits for the policy: its subdistrict, and its community when all its estates share one. */
export async function projectResource(db: DB, projectId: number): Promise<(Resource & { projectId: number; code: string }) | null> {
  const p = await db.selectFrom('projects').select(['id', 'code', 'subdistrict_id']).where('id', '=', projectId).executeTakeFirst();
  if (!p) return null;
  const communities = await db
    .selectFrom('project_estates')
    .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
    .where('project_estates.project_id', '=', p.id)
    .select('estates.community_id')
    .distinct()
    .execute();
  return { projectId: p.id, code: p.code, subdistrictId: p.subdistrict_id, communityId: communities.length === 1 ? communities[0]!.community_id : null };
}

/**
 * The projects an office reads: its subdistrict's, its district's for a district admin, every
 * district's for the province admin (who reads and does not edit); `districtId` narrows to one.
 */
export function projectsForOffice(db: DB, actor: Actor, districtId: number | null = null) {
  if (!readsOfficeLists(actor)) return Promise.resolve([]);
  return db
    .selectFrom('projects')
    .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
    .innerJoin('districts', 'districts.id', 'projects.district_id')
    .select([
      'projects.id',
      'projects.code',
      'projects.title',
      'projects.stage',
      'projects.published_at',
      'subdistricts.name as subdistrict',
      'districts.name as district',
      'districts.name_en as district_en',
    ])
    .where(readableArea(actor, 'projects.subdistrict_id', districtId))
    .orderBy('projects.code')
    .execute();
}

export function projectForEditing(db: DB, code: string) {
  return db.selectFrom('projects').selectAll().where('code', '=', code).executeTakeFirst();
}

export function budgetLinesOf(db: DB, projectId: number) {
  return db.selectFrom('budget_lines').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
}

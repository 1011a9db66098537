import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Actor, Resource } from '../policy/can.ts';
import { districtSubdistrictIds } from '../geography/scope.ts';

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

export function projectsForOffice(db: DB, actor: Actor) {
  let q = db
    .selectFrom('projects')
    .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
    .select(['projects.id', 'projects.code', 'projects.title', 'projects.stage', 'projects.published_at', 'subdistricts.name as subdistrict'])
    .orderBy('projects.code');
  if (actor.role === 'staff') q = q.where('projects.subdistrict_id', '=', actor.subdistrictId!);
  else if (actor.role === 'district_admin') q = q.where('projects.subdistrict_id', 'in', districtSubdistrictIds(actor));
  else return Promise.resolve([]);
  return q.execute();
}

export function projectForEditing(db: DB, code: string) {
  return db.selectFrom('projects').selectAll().where('code', '=', code).executeTakeFirst();
}

export function budgetLinesOf(db: DB, projectId: number) {
  return db.selectFrom('budget_lines').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
}

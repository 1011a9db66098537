import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Actor, Resource } from '../policy/can.ts';
import { projectResource } from '../projects/admin-queries.ts';
import { readableArea, readsOfficeLists } from '../geography/scope.ts';

type DB = Kysely<Database>;

/**
 * Where a notice sits for the policy. A notice belongs to a subdistrict; one about a
 * project sits where that project does (so community staff may handle their projects' notices).
 */
export async function noticeResource(db: DB, noticeId: number): Promise<(Resource & { noticeId: number }) | null> {
  const n = await db.selectFrom('notices').select(['id', 'subdistrict_id', 'project_id']).where('id', '=', noticeId).executeTakeFirst();
  if (!n) return null;
  if (n.project_id !== null) {
    const p = await projectResource(db, n.project_id);
    if (p) return { noticeId: n.id, subdistrictId: p.subdistrictId, communityId: p.communityId };
  }
  return { noticeId: n.id, subdistrictId: n.subdistrict_id, communityId: null };
}

export type OfficeNoticeStatus = 'published' | 'draft' | 'withdrawn';

/**
 * The notices an office reads, drafts and withdrawn ones included, newest first: its
 * subdistrict's, its district's, every district's for the province admin (`districtId` narrows).
 */
export async function noticesForOffice(db: DB, actor: Actor, limit = 300, districtId: number | null = null) {
  if (!readsOfficeLists(actor)) return [];
  const q = db
    .selectFrom('notices')
    .innerJoin('subdistricts', 'subdistricts.id', 'notices.subdistrict_id')
    .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
    .leftJoin('projects', 'projects.id', 'notices.project_id')
    .select([
      'notices.id',
      'notices.kind',
      'notices.title',
      'notices.body',
      'notices.published_at',
      'subdistricts.name as subdistrict',
      'districts.name as district',
      'districts.name_en as district_en',
      'projects.code as project_code',
      'projects.title as project_title',
    ])
    .where(readableArea(actor, 'notices.subdistrict_id', districtId))
    .orderBy('notices.id', 'desc')
    .limit(limit);
  const rows = await q.execute();
  // a notice without published_at is a draft, or withdrawn if the audit log says so
  const unpublished = rows.filter((r) => !r.published_at).map((r) => `notice:${r.id}`);
  const withdrawn = new Set(
    unpublished.length === 0
      ? []
      : (await db.selectFrom('audit_log').select('target').where('action', '=', 'notice.withdraw').where('target', 'in', unpublished).execute()).map(
          (r) => r.target,
        ),
  );
  return rows.map((r) => ({
    ...r,
    status: (r.published_at ? 'published' : withdrawn.has(`notice:${r.id}`) ? 'withdrawn' : 'draft') as OfficeNoticeStatus,
  }));
}

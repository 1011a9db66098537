import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { can, type Actor } from '../../policy/can.ts';

export type ReportScope = { kind: 'district' } | { kind: 'subdistrict'; id: number; code: string; name: string; nameEn: string };

/**
 * Whose report the actor may read: `code` names a subdistrict (its staff, or the district);
 * without it, the district's (district staff) or the actor's own subdistrict's. 403 for
 * anyone else, 404 for an unknown code, 400 for a malformed one.
 */
export async function reportScope(
  db: Kysely<Database>,
  actor: Actor,
  code: string | null,
): Promise<{ ok: true; scope: ReportScope } | { ok: false; status: 400 | 403 | 404 }> {
  if (code === null || code === '') {
    if (can(actor, 'report.district')) return { ok: true, scope: { kind: 'district' } };
    if (actor.subdistrictId === null) return { ok: false, status: 403 };
    const own = await db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).where('id', '=', actor.subdistrictId).executeTakeFirst();
    if (!own || !can(actor, 'report.read', { subdistrictId: own.id })) return { ok: false, status: 403 };
    return { ok: true, scope: { kind: 'subdistrict', id: own.id, code: own.code, name: own.name, nameEn: own.name_en } };
  }
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(code)) return { ok: false, status: 400 };
  const s = await db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).where('code', '=', code).executeTakeFirst();
  if (!s) return { ok: false, status: 404 };
  if (!can(actor, 'report.read', { subdistrictId: s.id })) return { ok: false, status: 403 };
  return { ok: true, scope: { kind: 'subdistrict', id: s.id, code: s.code, name: s.name, nameEn: s.name_en } };
}

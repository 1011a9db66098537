import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { can, type Actor } from '../../policy/can.ts';
import type { ReportArea } from './month.ts';

interface Named {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}
export type ReportScope = { kind: 'province' } | ({ kind: 'district' } & Named) | ({ kind: 'subdistrict' } & Named);

/** What monthlyFigures adds up for a scope. */
export const reportArea = (scope: ReportScope): ReportArea => (scope.kind === 'province' ? { kind: 'province' } : { kind: scope.kind, id: scope.id });

/**
 * Whose report the actor may read: `code` names a subdistrict (its staff, its district's
 * admin, the province admin); `districtCode` (GB/T 2260) a district (its admin, the province
 * admin). Without either: the province's roll-up (province admin), the actor's district
 * (district admin) or the actor's own subdistrict (its whole-subdistrict staff). 403 for
 * anyone else, 404 for an unknown code, 400 for a malformed one.
 */
export async function reportScope(
  db: Kysely<Database>,
  actor: Actor,
  code: string | null,
  districtCode: string | null = null,
): Promise<{ ok: true; scope: ReportScope } | { ok: false; status: 400 | 403 | 404 }> {
  if ((code === null || code === '') && districtCode !== null && districtCode !== '') {
    if (!/^[0-9]{6}$/.test(districtCode)) return { ok: false, status: 400 };
    const d = await db.selectFrom('districts').select(['id', 'code', 'name', 'name_en']).where('code', '=', districtCode).executeTakeFirst();
    if (!d) return { ok: false, status: 404 };
    if (!can(actor, 'report.district', { districtId: d.id })) return { ok: false, status: 403 };
    return { ok: true, scope: { kind: 'district', id: d.id, code: d.code, name: d.name, nameEn: d.name_en } };
  }
  if (code === null || code === '') {
    if (can(actor, 'report.province')) return { ok: true, scope: { kind: 'province' } };
    const own = actor.role === 'district_admin' ? actor.district?.id : undefined;
    if (own !== undefined && can(actor, 'report.district', { districtId: own })) {
      const d = await db.selectFrom('districts').select(['id', 'code', 'name', 'name_en']).where('id', '=', own).executeTakeFirstOrThrow();
      return { ok: true, scope: { kind: 'district', id: d.id, code: d.code, name: d.name, nameEn: d.name_en } };
    }
    if (actor.subdistrictId === null) return { ok: false, status: 403 };
    const mine = await db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).where('id', '=', actor.subdistrictId).executeTakeFirst();
    if (!mine || !can(actor, 'report.read', { subdistrictId: mine.id })) return { ok: false, status: 403 };
    return { ok: true, scope: { kind: 'subdistrict', id: mine.id, code: mine.code, name: mine.name, nameEn: mine.name_en } };
  }
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(code)) return { ok: false, status: 400 };
  const s = await db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).where('code', '=', code).executeTakeFirst();
  if (!s) return { ok: false, status: 404 };
  if (!can(actor, 'report.read', { subdistrictId: s.id })) return { ok: false, status: 403 };
  return { ok: true, scope: { kind: 'subdistrict', id: s.id, code: s.code, name: s.name, nameEn: s.name_en } };
}

import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

type DB = Kysely<Database>;

export const AUDIT_PAGE_SIZE = 100;

/** One page of the audit log, newest first: entries with an id below `before` (all when null). */
/**
 * A page of the log, newest first. With a district: the entries whose actor is of it (its
 * administrators, the staff of its subdistricts); the chain itself is verified whole.
 */
export async function auditPage(db: DB, before: number | null, limit = AUDIT_PAGE_SIZE, districtId: number | null = null) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.actor_user_id',
      'audit_log.action',
      'audit_log.target',
      'audit_log.detail',
      'users.display_name as actor',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(limit + 1);
  if (before !== null) q = q.where('audit_log.id', '<', before);
  if (districtId !== null)
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('users.role', '=', 'district_admin'), eb('users.district_id', '=', districtId)]),
        eb('users.subdistrict_id', 'in', eb.selectFrom('subdistricts').select('id').where('district_id', '=', districtId)),
      ]),
    );
  const rows = await q.execute();
  const entries = rows.slice(0, limit);
  return { entries, nextBefore: rows.length > limit ? entries.at(-1)!.id : null };
}

/** "?before=" of the audit page: absent → newest page; a positive integer; anything else → invalid. */
export function parseBefore(text: string | null): number | null | 'invalid' {
  if (text === null || text === '') return null;
  if (!/^\d{1,15}$/.test(text)) return 'invalid';
  const n = Number(text);
  return n > 0 ? n : 'invalid';
}

/** Date and time to the second in Asia/Shanghai, as audit readers need it. */
export function formatAuditTime(d: Date, lang: 'zh' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { GENESIS, checkChain, checkHeads, entryHash, type ChainCheck, type HeadCheck, type RecordedHead, type StoredEntry } from './chain.ts';
import { withoutNul } from '../../lib/db/json.ts';

// An arbitrary constant: the advisory lock that serialises appends to the chain.
const AUDIT_LOCK = 7_310_001;

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}

/**
 * The daily head. No job runner exists, so the head is recorded by the first writer of an
 * Asia/Shanghai day (by the database clock): the first append of the day records the chain
 * head as it stood before it — the head that closed the previous days — and so does the
 * server at start-up. Under the append lock, in the appender's transaction: a head is
 * never recorded for entries that were rolled back, and two instances cannot both record.
 * A day without any audit entry and without a start-up records nothing (nothing changed).
 */
async function recordHeadIfNewDay(trx: Transaction<Database>): Promise<{ id: number | null; hash: string }> {
  const { rows } = await sql<{ id: number | null; hash: string | null; today: string; head_day: string | null; head_entry: number | null }>`
    select l.id, l.hash, (now() at time zone 'Asia/Shanghai')::date as today, h.day as head_day, h.entry_id as head_entry
    from (select 1) one
    left join lateral (select id, hash from audit_log order by id desc limit 1) l on true
    left join lateral (select day, entry_id from audit_heads order by day desc limit 1) h on true`.execute(trx);
  const s = rows[0]!;
  if (s.id !== null && s.hash !== null && (s.head_day === null || s.head_day < s.today) && s.head_entry !== s.id) {
    await trx.insertInto('audit_heads').values({ day: s.today, entry_id: s.id, hash: s.hash }).execute();
  }
  return { id: s.id, hash: s.hash ?? GENESIS };
}

/** Appends to the chain inside the caller's transaction, so the change and its entry land together. */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<string> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const prevHash = (await recordHeadIfNewDay(trx)).hash;
  // cleaned before hashing, so that what is stored is exactly what was hashed
  const content = withoutNul({ at: new Date(), actorUserId: entry.actorUserId, action: entry.action, target: entry.target, detail: entry.detail ?? {} });
  const hash = entryHash(prevHash, content);
  await trx
    .insertInto('audit_log')
    .values({
      at: content.at,
      actor_user_id: content.actorUserId,
      action: content.action,
      target: content.target,
      detail: JSON.stringify(content.detail),
      prev_hash: prevHash,
      hash,
    })
    .execute();
  return hash;
}

/** At start-up: records today's head if no head was recorded yet today (see recordHeadIfNewDay). */
export async function recordAuditHead(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
    await recordHeadIfNewDay(trx);
  });
}

/** The recorded daily heads, oldest first: what /api/audit/heads.json publishes. */
export async function auditHeads(db: Kysely<Database>): Promise<RecordedHead[]> {
  const rows = await db.selectFrom('audit_heads').select(['day', 'entry_id', 'hash']).orderBy('day').execute();
  return rows.map((r) => ({ day: r.day, entryId: r.entry_id, hash: r.hash }));
}

/** The latest recorded head, for the result notices of owners' votes. */
export async function latestAuditHead(db: Kysely<Database>): Promise<RecordedHead | null> {
  const r = await db.selectFrom('audit_heads').select(['day', 'entry_id', 'hash']).orderBy('day', 'desc').limit(1).executeTakeFirst();
  return r ? { day: r.day, entryId: r.entry_id, hash: r.hash } : null;
}

/** Recomputes the whole chain in id order, a page at a time. */
export async function verifyAudit(db: Kysely<Database>, pageSize = 5000): Promise<ChainCheck> {
  let prev = GENESIS;
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return { ok: true, checked, head: prev };
    const entries: StoredEntry[] = rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorUserId: r.actor_user_id,
      action: r.action,
      target: r.target,
      detail: r.detail,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    const res = checkChain(entries, prev, checked);
    if (!res.ok) return res;
    prev = res.head;
    checked = res.checked;
    afterId = rows.at(-1)!.id;
  }
}

/**
 * Checks published heads — the recorded ones, and any copy a reader kept (`--heads FILE`) —
 * against the log: each must name an entry that still carries exactly that hash. Run after
 * verifyAudit: an intact chain whose entries no longer carry a published hash was rewritten
 * and re-hashed.
 */
export async function verifyHeads(db: Kysely<Database>, heads: readonly RecordedHead[]): Promise<HeadCheck> {
  const ids = [...new Set(heads.map((h) => h.entryId))].filter((id) => Number.isSafeInteger(id) && id > 0);
  const stored = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) stored.set(r.id, r.hash);
  }
  return checkHeads(heads, stored);
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { GENESIS, checkChain, entryHash, type ChainCheck, type StoredEntry } from './chain.ts';
import { withoutNul } from '../../lib/db/json.ts';

// An arbitrary constant: the advisory lock that serialises appends to the chain.
const AUDIT_LOCK = 7_310_001;

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}

/** Appends to the chain inside the caller's transaction, so the change and its entry land together. */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<string> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS;
  // cleaned before hashing, so that what is stored is exactly what was hashed
  const content = withoutNul({ at: new Date(), actorUserId: entry.actorUserId, action: entry.action, target: entry.target, detail: entry.detail ?? {} });
  const hash = entryHash(prevHash, content);
  await trx
    .insertInto('audit_log')
    .values({ at: content.at, actor_user_id: content.actorUserId, action: content.action, target: content.target, detail: JSON.stringify(content.detail), prev_hash: prevHash, hash })
    .execute();
  return hash;
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
      id: r.id, at: r.at, actorUserId: r.actor_user_id, action: r.action, target: r.target, detail: r.detail, prevHash: r.prev_hash, hash: r.hash,
    }));
    const res = checkChain(entries, prev, checked);
    if (!res.ok) return res;
    prev = res.head;
    checked = res.checked;
    afterId = rows.at(-1)!.id;
  }
}

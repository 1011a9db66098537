import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { SmsSender } from '../accounts/sms.ts';
import { formatDateTime, translator } from '../i18n/index.ts';
import { compareUnitKeys } from './natural-order.ts';

// Telling a household's other owners that a ballot was cast for it (DOMAIN: the last
// ballot cast counts, and the other co-owners are told). Runs beside the server, never in
// the cast: each sweep takes the casts after the high-water mark that are old enough to
// have committed, keeps the latest per household, and texts every verified owner of the
// household's flats except the person who cast it.

type DB = Kysely<Database>;
/**
 * The sender, given the sweep's transaction: the outbox then writes its messages in that
 * transaction (exactly once with the mark; and on PGlite, whose one connection the
 * transaction holds, any other query would wait for it forever).
 */
export type SenderFor = (trx: DB) => SmsSender;

/** A cast statement commits within milliseconds; a cast younger than this may still be in flight. */
export const SETTLE_MS = 30_000;
const BATCH = 2000;
const zh = translator('zh');

interface Due {
  id: number;
  voter_id: number;
  cast_by: number;
  cast_at: Date;
}

interface Text {
  voter_id: number;
  channel: string;
  cast_right: string;
  cast_at: Date;
  title: string;
  receipt: string;
  phone: string;
}

/** One batch: texts for the settled casts after the mark; returns how many casts it passed. */
async function sweepBatch(db: DB, smsVia: SenderFor, now: Date): Promise<{ casts: number; texts: number } | null> {
  return db.transaction().execute(async (trx) => {
    const sms = smsVia(trx);
    const mark = await trx.selectFrom('ballot_cast_notices').select('last_cast_id').forUpdate().skipLocked().executeTakeFirst();
    if (!mark) return null; // another instance is sweeping
    const due = await sql<Due>`
      select id, voter_id, cast_by, cast_at from ballot_casts where id > ${mark.last_cast_id} order by id limit ${BATCH}`.execute(trx);
    // the mark only moves past settled casts: stop at the first one still too young
    const cutoff = now.getTime() - SETTLE_MS;
    const young = due.rows.findIndex((c) => c.cast_at.getTime() >= cutoff);
    const settled = young === -1 ? due.rows : due.rows.slice(0, young);
    if (settled.length === 0) return { casts: 0, texts: 0 };
    const latest = new Map<number, number>(); // voter → its last cast in this batch
    for (const c of settled) latest.set(c.voter_id, c.id);
    const texts = await sql<Text>`
      select distinct c.voter_id, c.channel, c.cast_right, c.cast_at, b.title, bv.receipt, u.phone
      from ballot_casts c join ballots b on b.id = c.ballot_id join ballot_voters bv on bv.id = c.voter_id
      join ballot_voter_units bvu on bvu.voter_id = c.voter_id
      join unit_owners uo on uo.unit_id = bvu.unit_id
      join owner_verifications ov on ov.register_owner_id = uo.owner_id and ov.status = 'verified'
      join users u on u.id = ov.user_id and u.disabled_at is null and u.id <> c.cast_by
      where c.id = any(${[...latest.values()]}::bigint[])
      order by c.voter_id, u.phone`.execute(trx);
    const voters = [...new Set(texts.rows.map((t) => t.voter_id))];
    const units = voters.length
      ? await trx.selectFrom('ballot_voter_units').select(['voter_id', 'building', 'entrance', 'room']).where('voter_id', 'in', voters).execute()
      : [];
    const flatsOf = (voterId: number) => units.filter((u) => u.voter_id === voterId).sort(compareUnitKeys).map((u) => `${u.building}-${u.entrance}-${u.room}`).join('、');
    for (const t of texts.rows) {
      const by = t.channel !== 'online' ? zh('castNotice.byStaff') : t.cast_right === 'proxy' ? zh('castNotice.byProxy') : zh('castNotice.byOwner');
      await sms.send(t.phone, zh('castNotice.sms', { title: t.title, flats: flatsOf(t.voter_id), time: formatDateTime(t.cast_at, 'zh'), by, receipt: t.receipt }));
    }
    await trx.updateTable('ballot_cast_notices').set({ last_cast_id: settled.at(-1)!.id, swept_at: now }).execute();
    return { casts: settled.length, texts: texts.rows.length };
  });
}

/** Sweeps until every settled cast has been passed (or another instance holds the mark). */
export async function sweepCastNotices(db: DB, smsVia: SenderFor, now = new Date()): Promise<{ casts: number; texts: number }> {
  const total = { casts: 0, texts: 0 };
  for (;;) {
    const batch = await sweepBatch(db, smsVia, now);
    if (!batch || batch.casts === 0) return total;
    total.casts += batch.casts;
    total.texts += batch.texts;
  }
}

/** Sweeps every `everyMs` in this process; returns a stop function. */
export function startCastNotices(db: DB, smsVia: SenderFor, everyMs = 15_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepCastNotices(db, smsVia)
      .catch((error: unknown) => console.error(`[表决通知 / ballot notices] ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { logJob } from '../../lib/log.ts';
import type { SmsSender } from '../accounts/sms.ts';
import { formatDateTime, translator } from '../../i18n/index.ts';
import { compareUnitKeys } from './natural-order.ts';

// Telling a household's other owners that a ballot was cast for it (DOMAIN: the last
// ballot cast counts, and the other co-owners are told). Runs beside the server, never in
// the cast: each sweep takes the casts after the high-water mark that are old enough to
// have committed, keeps the latest per household, and texts whoever may cast that
// household's ballot as an owner, except the person who cast it, at most once in
// QUIET_MINUTES per household.

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
/** A household is texted at most once in this many minutes (a co-owner changing their ballot again and again must not flood the others). */
export const QUIET_MINUTES = 30;
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
async function sweepBatch(db: DB, smsVia: SenderFor, now: Date | undefined): Promise<{ casts: number; texts: number } | null> {
  return db.transaction().execute(async (trx) => {
    const sms = smsVia(trx);
    const mark = await trx.selectFrom('ballot_cast_notices').select('last_cast_id').forUpdate().skipLocked().executeTakeFirst();
    if (!mark) return null; // another instance is sweeping
    const dbNow = now ?? (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
    const due = await sql<Due>`
      select id, voter_id, cast_by, cast_at from ballot_casts where id > ${mark.last_cast_id} order by id limit ${BATCH}`.execute(trx);
    // the mark only moves past settled casts: stop at the first one still too young
    const cutoff = dbNow.getTime() - SETTLE_MS;
    const young = due.rows.findIndex((c) => c.cast_at.getTime() >= cutoff);
    const settled = young === -1 ? due.rows : due.rows.slice(0, young);
    if (settled.length === 0) return { casts: 0, texts: 0 };
    const latest = new Map<number, number>(); // voter → its last cast in this batch
    for (const c of settled) latest.set(c.voter_id, c.id);
    // recipients: whoever may cast this household's ballot as an owner now (owner still
    // holding, or new owner), not the caster, not a held account; a household is texted at
    // most once in QUIET_MINUTES
    const texts = await sql<Text>`
      with latest as (select * from ballot_casts where id = any(${[...latest.values()]}::bigint[])),
      candidates as (
        select l.id as cast_id, ov.user_id from latest l
        join ballot_voter_units bvu on bvu.voter_id = l.voter_id
        join unit_owners uo on uo.unit_id = bvu.unit_id
        join owner_verifications ov on ov.register_owner_id = uo.owner_id and ov.status = 'verified'
        union
        select l.id, ov.user_id from latest l
        join ballot_voter_owners bvo on bvo.voter_id = l.voter_id
        join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
      )
      select distinct l.voter_id, l.channel, l.cast_right, l.cast_at, b.title, bv.receipt, u.phone
      from candidates c join latest l on l.id = c.cast_id join users u on u.id = c.user_id
      join ballots b on b.id = l.ballot_id join ballot_voters bv on bv.id = l.voter_id
      where u.id <> l.cast_by
        and exists (select 1 from gz_cast_voters(l.ballot_id, u.id) r where r.voter_id = l.voter_id and r.cast_right <> 'proxy')
        and not exists (select 1 from ballot_voter_notices n where n.voter_id = l.voter_id and n.last_sent_at > ${new Date(dbNow.getTime() - QUIET_MINUTES * 60_000)})
      order by l.voter_id, u.phone`.execute(trx);
    const voters = [...new Set(texts.rows.map((t) => t.voter_id))];
    const units = voters.length
      ? await trx.selectFrom('ballot_voter_units').select(['voter_id', 'building', 'entrance', 'room']).where('voter_id', 'in', voters).execute()
      : [];
    const flatsOf = (voterId: number) =>
      units
        .filter((u) => u.voter_id === voterId)
        .sort(compareUnitKeys)
        .map((u) => `${u.building}-${u.entrance}-${u.room}`)
        .join('、');
    for (const t of texts.rows) {
      const by = t.channel !== 'online' ? zh('castNotice.byStaff') : t.cast_right === 'proxy' ? zh('castNotice.byProxy') : zh('castNotice.byOwner');
      await sms.send(
        t.phone,
        zh('castNotice.sms', {
          title: t.title,
          flats: flatsOf(t.voter_id),
          time: formatDateTime(t.cast_at, 'zh'),
          by,
          receipt: t.receipt,
          minutes: QUIET_MINUTES,
        }),
      );
    }
    for (const v of voters) {
      await trx
        .insertInto('ballot_voter_notices')
        .values({ voter_id: v, last_sent_at: dbNow })
        .onConflict((oc) => oc.column('voter_id').doUpdateSet({ last_sent_at: dbNow }))
        .execute();
    }
    await trx
      .updateTable('ballot_cast_notices')
      .set({ last_cast_id: settled.at(-1)!.id, swept_at: dbNow })
      .execute();
    return { casts: settled.length, texts: texts.rows.length };
  });
}

/** Sweeps until every settled cast has been passed (or another instance holds the mark). */
/** `now` is for tests that travel in time; otherwise the database's clock decides what has settled. */
export async function sweepCastNotices(db: DB, smsVia: SenderFor, now?: Date): Promise<{ casts: number; texts: number }> {
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
    const started = performance.now();
    sweepCastNotices(db, smsVia)
      .then((r) => {
        if (r.casts) logJob('cast-notices', started, r);
      })
      .catch((error: unknown) => logJob('cast-notices', started, {}, error))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

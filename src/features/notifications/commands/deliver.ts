import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { SmsSender } from '../../accounts/sms.ts';
import { channelsOf, defaultChoice, type Channel, type Choice, type NotificationKind } from '../core/kinds.ts';
import { inQuietHours, smsAllowedAt } from '../core/quiet-hours.ts';

// The job loop's work: claim due queued messages with FOR UPDATE SKIP LOCKED, a batch per
// transaction, and settle each one in that transaction. Another server instance (or another
// loop in this one) skips the locked rows and takes the next ones, so a message goes out once.
// An in-app message is delivered by being marked sent (the inbox shows sent ones); a text
// message goes to the configured provider. On PGlite the one connection serialises the
// transactions, which is all the exclusion one process needs.

type DB = Kysely<Database>;
/** The provider, given the batch's transaction (the demo outbox writes in it); null when texts are off. */
export type SmsVia = (trx: DB) => SmsSender | null;

export const BATCH = 500;
export const MAX_ATTEMPTS = 5;

interface Claimed {
  id: number;
  user_id: number;
  kind: NotificationKind;
  channel: Channel;
  body: string;
  attempts: number;
  phone: string | null;
  closed: boolean;
  choice: Choice | null;
}

export interface Delivered {
  sent: number;
  skipped: number;
  failed: number;
  deferred: number;
}

/** One batch; `now` is the clock (tests inject it; the loop passes the current time). */
export async function deliverBatch(db: DB, smsVia: SmsVia, now: Date, batch = BATCH): Promise<Delivered & { claimed: number; ids: number[] }> {
  return db.transaction().execute(async (trx) => {
    const claimed = await sql<Claimed>`
      with due as (
        select id from notifications where state = 'queued' and due_at <= ${now}
        order by due_at, id limit ${batch} for update skip locked
      )
      select n.id, n.user_id, n.kind, n.channel, n.body, n.attempts, u.phone,
        (u.closed_at is not null or u.disabled_at is not null) as closed, p.choice
      from due join notifications n on n.id = due.id join users u on u.id = n.user_id
      left join notification_prefs p on p.user_id = n.user_id and p.kind = n.kind
      order by n.due_at, n.id`.execute(trx);
    const out = { sent: [] as number[], skipped: [] as number[], failed: [] as number[], deferred: [] as number[], retry: [] as [number, string][] };
    const sms = claimed.rows.some((r) => r.channel === 'sms') ? smsVia(trx) : null;
    for (const r of claimed.rows) {
      // the person's choice now decides: one who turned a kind off since is not told
      const wanted = channelsOf(r.choice ?? defaultChoice(r.kind)).includes(r.channel);
      if (r.closed || !wanted || (r.channel === 'sms' && (!sms || !r.phone))) {
        out.skipped.push(r.id);
        continue;
      }
      if (r.channel === 'inapp') {
        out.sent.push(r.id);
        continue;
      }
      if (inQuietHours(now)) {
        out.deferred.push(r.id);
        continue;
      }
      try {
        await sms!.send(r.phone!, r.body);
        out.sent.push(r.id);
      } catch (error) {
        const message = error instanceof Error ? error.message.slice(0, 200) : 'error';
        if (r.attempts + 1 >= MAX_ATTEMPTS) out.failed.push(r.id);
        else out.retry.push([r.id, message]);
      }
    }
    const ids = (xs: number[]) => sql`${xs}::bigint[]`;
    if (out.sent.length)
      await sql`update notifications set state = 'sent', sent_at = ${now}, attempts = attempts + 1 where id = any(${ids(out.sent)})`.execute(trx);
    if (out.skipped.length) await sql`update notifications set state = 'skipped' where id = any(${ids(out.skipped)})`.execute(trx);
    if (out.failed.length) await sql`update notifications set state = 'failed', attempts = attempts + 1 where id = any(${ids(out.failed)})`.execute(trx);
    if (out.deferred.length) await sql`update notifications set due_at = ${smsAllowedAt(now)} where id = any(${ids(out.deferred)})`.execute(trx);
    for (const [id, message] of out.retry)
      await sql`update notifications set attempts = attempts + 1, last_error = ${message},
        due_at = ${new Date(now.getTime() + 60_000)}::timestamptz + attempts * interval '5 minutes' where id = ${id}`.execute(trx);
    return {
      claimed: claimed.rows.length,
      ids: out.sent,
      sent: out.sent.length,
      skipped: out.skipped.length,
      failed: out.failed.length,
      deferred: out.deferred.length + out.retry.length,
    };
  });
}

/** Delivers batches until none is due (or another instance holds the rest); returns the totals. */
export async function deliverDue(db: DB, smsVia: SmsVia, clock: () => Date = () => new Date(), batch = BATCH): Promise<Delivered> {
  const total: Delivered = { sent: 0, skipped: 0, failed: 0, deferred: 0 };
  for (;;) {
    const b = await deliverBatch(db, smsVia, clock(), batch);
    total.sent += b.sent;
    total.skipped += b.skipped;
    total.failed += b.failed;
    total.deferred += b.deferred;
    if (b.claimed < batch) return total;
  }
}

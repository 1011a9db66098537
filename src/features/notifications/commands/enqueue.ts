import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { assertSafeText, defaultChoice, type NotificationKind } from '../core/kinds.ts';
import { smsAllowedAt } from '../core/quiet-hours.ts';

type DB = Kysely<Database>;
/** Message.source when each recipient row carries its own cause (a `source` column). */
export const PER_RECIPIENT = 'per-recipient';

export interface Message {
  kind: NotificationKind;
  /** the Chinese text (the text message): names the thing and the time, never a vote choice or an ID number */
  body: string;
  /** the same in English, shown in the English inbox; every producer gives it (`texts` in producers.ts) */
  bodyEn?: string | null;
  /** a path in the portal the inbox links to */
  link: string | null;
  /** what caused it (ballot:12): a person is told once per kind, channel and cause; `per-recipient`
   * takes each recipient's own from the query's `source` column (a household's reminder) */
  source: string;
  /** when it is due; a text due in quiet hours is due at the next 08:00 Beijing time */
  dueAt: Date;
}

/**
 * Queues a message for every user the `recipients` query selects (one column, user_id), in
 * the portal and, where the person's choice for this kind (or its default) says so, by text
 * message. Rows only: called inside the transaction of the act that causes it, it sends
 * nothing and waits on nothing. Closed and disabled accounts are not told. Returns the
 * number of rows queued.
 */
export async function enqueue(
  db: DB,
  recipients: RawBuilder<{ user_id: number }> | RawBuilder<{ user_id: number; source: string }>,
  m: Message,
): Promise<number> {
  const body = assertSafeText(m.body);
  const bodyEn = m.bodyEn == null ? null : assertSafeText(m.bodyEn);
  const smsDue = smsAllowedAt(m.dueAt);
  const source = m.source === PER_RECIPIENT ? sql`r.source` : sql`${m.source}::text`;
  const res = await sql`
    insert into notifications (user_id, kind, channel, body, body_en, link, source, due_at)
    select u.id, ${m.kind}, ch.channel, ${body}, ${bodyEn}, ${m.link}, who.source,
      case when ch.channel = 'sms' then ${smsDue}::timestamptz else ${m.dueAt}::timestamptz end
    from (select distinct r.user_id, ${source} as source from (${recipients}) r) who
    join users u on u.id = who.user_id and u.closed_at is null and u.disabled_at is null
    left join notification_prefs p on p.user_id = u.id and p.kind = ${m.kind}
    cross join (values ('inapp'), ('sms')) ch(channel)
    where coalesce(p.choice, ${defaultChoice(m.kind)}) <> 'off'
      and (ch.channel = 'inapp' or coalesce(p.choice, ${defaultChoice(m.kind)}) = 'sms')
    on conflict (user_id, kind, channel, source) where source is not null do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Recipients: the users verified as owners of a flat on any of these estates. */
export function ownersOfEstates(estateIds: RawBuilder<{ estate_id: number }>): RawBuilder<{ user_id: number }> {
  return sql<{ user_id: number }>`
    select ov.user_id from owner_verifications ov
    join units un on un.id = ov.unit_id join entrances en on en.id = un.entrance_id join buildings bu on bu.id = en.building_id
    where ov.status = 'verified' and bu.estate_id in (select e.estate_id from (${estateIds}) e)`;
}

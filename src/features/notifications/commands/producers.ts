import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { formatDate, formatDateTime, translator, type Lang, type MessageKey } from '../../../i18n/index.ts';
import { enqueue, ownersOfEstates, PER_RECIPIENT } from './enqueue.ts';
import { assertSafeText } from '../core/kinds.ts';

// What causes a message, each called inside the transaction of the act (rows only). Every
// text is written in both languages (`texts`): Chinese for the text message and the Chinese
// inbox, English for the English inbox. Titles are quoted as the office wrote them.

type DB = Kysely<Database>;
const zh = translator('zh');
const en = translator('en');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);

/** A calendar day to show (the last day of a period), formatted per language. */
interface Day {
  day: Date;
}
const dayOf = (at: Date): Day => ({ day: at });
type Var = string | number | Date | Day;

/** The Chinese and the English text of one message; dates are formatted in each language, Beijing time. */
export function texts(key: MessageKey, vars: Record<string, Var>): { body: string; bodyEn: string } {
  const fmt = (lang: Lang) =>
    Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, v instanceof Date ? formatDateTime(v, lang) : typeof v === 'object' ? formatDate(v.day, lang) : v]),
    );
  return { body: zh(key, fmt('zh')), bodyEn: en(key, fmt('en')) };
}

/** A portal path the outbox accepts as a link (migration 0035's check), or none. */
const linkTo = (path: string) => (/^\/[A-Za-z0-9/_?=&.-]*$/.test(path) ? path : null);

/** The estates of a project. */
const estatesOf = (projectId: number) => sql<{ estate_id: number }>`select estate_id from project_estates where project_id = ${projectId}`;

/** The verified owners on a vote's frozen roll. */
const ownersOnRoll = (ballotId: number) => sql<{ user_id: number }>`
  select ov.user_id from ballot_voters bv
  join ballot_voter_owners bvo on bvo.voter_id = bv.id
  join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
  where bv.ballot_id = ${ballotId}`;

/**
 * The texts a vote's messages will carry, checked when it opens as `enqueue` checks them (no ID
 * number): the opening refuses, as it did when it queued them itself, rather than the job loop
 * failing on them later.
 */
export function checkVoteTexts(ballot: { title: string; closesAt: Date }) {
  for (const key of ['notify.text.voteOpened', 'notify.text.voteClosing'] as const) {
    const t = texts(key, { title: clip(ballot.title), closes: ballot.closesAt });
    assertSafeText(t.body);
    assertSafeText(t.bodyEn);
  }
}

/** The verified owners on a vote's frozen roll whose vote has not been cast (by anyone, online, on paper or by proxy). */
const ownersYetToVote = (ballotId: number) => sql<{ user_id: number }>`
  select ov.user_id from ballot_voters bv
  join ballot_voter_owners bvo on bvo.voter_id = bv.id
  join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
  where bv.ballot_id = ${ballotId}
    and not exists (select 1 from ballot_casts c where c.ballot_id = ${ballotId} and c.voter_id = bv.id)`;

type VoteKind = 'vote_opened' | 'vote_closing_24h';

/**
 * A vote's messages to the owners on its roll, made by the job loop (each run, before it
 * delivers), not in the opening's transaction, which only freezes the roll (a 50,000-household
 * roll has 36,610 verified owners: 73,220 rows a message):
 * - `vote_opened`, at the loop's first run after the opening, for every verified owner on the
 *   frozen roll (not how anyone voted), due at the opening (its text at 08:00 when that fell
 *   in quiet hours);
 * - `vote_closing_24h`, from 24 hours before the end, for the verified owners on the roll
 *   whose vote has not been cast: a reminder to someone who voted is noise. None when the vote
 *   opened less than 24 hours before its end.
 * Only while the vote is open: a vote closed earlier is told nothing more, and nothing has to
 * be withdrawn. Once a vote and message: in the transaction that queues them, the vote's row
 * in `vote_messages_made` (migration 0072) is inserted first, so a second loop on the same
 * PostgreSQL (another server instance) waits on its key, then finds it and makes nothing; the
 * outbox's once per kind, channel and cause holds besides. Returns the rows queued.
 */
export async function makeDueVoteMessages(db: DB, now: Date): Promise<number> {
  const due = await sql<{ id: number; title: string; opened_at: Date; closes_at: Date; kind: VoteKind }>`
    select b.id, b.title, b.opened_at, b.closes_at, k.kind from ballots b
    cross join (values ('vote_opened'), ('vote_closing_24h')) k(kind)
    where b.status = 'open' and b.opened_at <= ${now} and b.closes_at > ${now}
      and (k.kind = 'vote_opened' or (b.closes_at - interval '1 day' <= ${now} and b.opened_at < b.closes_at - interval '1 day'))
      and not exists (select 1 from vote_messages_made m where m.ballot_id = b.id and m.kind = k.kind)
    order by b.opened_at, b.id, k.kind desc`.execute(db);
  let queued = 0;
  let failure: unknown = null;
  for (const b of due.rows) {
    const closes = new Date(b.closes_at);
    const title = clip(b.title);
    // one vote's failure (a text refused by enqueue's checks) holds up neither the others nor delivery; it is tried again next run
    queued += await db
      .transaction()
      .execute(async (trx) => {
        const mine = await sql`insert into vote_messages_made (ballot_id, kind, made_at) values (${b.id}, ${b.kind}, ${now})
        on conflict (ballot_id, kind) do nothing returning ballot_id`.execute(trx);
        if (mine.rows.length === 0) return 0; // another loop made them
        // still open: a close in flight commits first (it holds the ballot's row), then nothing is made
        const open = await sql`select 1 from ballots where id = ${b.id} and status = 'open' and closes_at > ${now} for share`.execute(trx);
        if (open.rows.length === 0) return 0;
        const n =
          b.kind === 'vote_opened'
            ? await enqueue(trx, ownersOnRoll(b.id), {
                kind: 'vote_opened',
                ...texts('notify.text.voteOpened', { title, closes }),
                link: `/ballots/${b.id}`,
                source: `ballot:${b.id}`,
                dueAt: new Date(b.opened_at),
              })
            : await enqueue(trx, ownersYetToVote(b.id), {
                kind: 'vote_closing_24h',
                ...texts('notify.text.voteClosing', { title, closes }),
                link: `/ballots/${b.id}`,
                source: `ballot:${b.id}`,
                dueAt: new Date(closes.getTime() - DAY_MS),
              });
        await sql`update vote_messages_made set queued = ${n} where ballot_id = ${b.id} and kind = ${b.kind}`.execute(trx);
        return n;
      })
      .catch((error: unknown) => {
        failure ??= error;
        return 0;
      });
  }
  if (failure) throw failure;
  return queued;
}

/**
 * A vote closed before its announced end: a reminder queued and not yet out is withdrawn
 * (skipped). Reminders are made only when due and only for open votes, so this finds rows
 * only from openings before migration 0072, or a close between the reminder and its text at 08:00.
 */
export async function voteClosed(trx: DB, ballotId: number) {
  await trx
    .updateTable('notifications')
    .set({ state: 'skipped' })
    .where('kind', '=', 'vote_closing_24h')
    .where('source', '=', `ballot:${ballotId}`)
    .where('state', '=', 'queued')
    .execute();
}

/** A result bulletin published: the owners on the roll are told once for the preliminary result and once for the final. */
export async function voteResult(trx: DB, ballot: { id: number; title: string; stage: 'preliminary' | 'final' }, now: Date) {
  return enqueue(trx, ownersOnRoll(ballot.id), {
    kind: 'vote_result',
    ...texts(ballot.stage === 'final' ? 'notify.text.resultFinal' : 'notify.text.resultPreliminary', { title: clip(ballot.title) }),
    link: `/ballots/${ballot.id}`,
    source: `ballot:${ballot.id}:${ballot.stage}`,
    dueAt: now,
  });
}

/** A notice published for a project: the verified owners of the project's estates are told. */
export async function noticePublished(trx: DB, notice: { id: number; title: string; projectId: number | null }, now: Date) {
  if (notice.projectId === null) return 0; // a notice of the whole subdistrict is on no one estate
  return enqueue(trx, ownersOfEstates(estatesOf(notice.projectId)), {
    kind: 'notice_on_my_estate',
    ...texts('notify.text.notice', { title: clip(notice.title) }),
    link: `/notices/${notice.id}`,
    source: `notice:${notice.id}`,
    dueAt: now,
  });
}

/**
 * A confirmed place on a volunteering task: a reminder due 24 hours before it starts (none when
 * it starts sooner); withdrawn when the person cancels (`signupCancelled`).
 */
export async function volunteerPlaceConfirmed(trx: DB, signup: { id: number; userId: number; title: string; startsAt: Date }, now: Date) {
  const dueAt = new Date(signup.startsAt.getTime() - DAY_MS);
  if (dueAt <= now) return 0;
  return enqueue(trx, sql<{ user_id: number }>`select ${signup.userId}::int as user_id`, {
    kind: 'volunteer_task_tomorrow',
    ...texts('notify.text.volunteerTomorrow', { title: clip(signup.title), when: signup.startsAt }),
    link: '/account',
    source: `signup:${signup.id}`,
    dueAt,
  });
}

/** A cancelled sign-up: its reminder that has not gone out is withdrawn (skipped). */
export async function signupCancelled(trx: DB, signupId: number) {
  await trx
    .updateTable('notifications')
    .set({ state: 'skipped' })
    .where('kind', '=', 'volunteer_task_tomorrow')
    .where('source', '=', `signup:${signupId}`)
    .where('state', '=', 'queued')
    .execute();
}

/** A place confirmed from the waiting list: the person is told at once (by SMS too, by default). */
export async function volunteerPromoted(trx: DB, signup: { id: number; userId: number; title: string; startsAt: Date }, now: Date) {
  return enqueue(trx, sql<{ user_id: number }>`select ${signup.userId}::int as user_id`, {
    kind: 'volunteer_promoted',
    ...texts('notify.text.volunteerPromoted', { title: clip(signup.title), when: signup.startsAt }),
    link: '/account',
    source: `signup:${signup.id}`,
    dueAt: now,
  });
}

/** A consultation opened on a project: the verified owners of the project's estates are told (in the portal, by default), with its last day. */
export async function consultationOpened(
  trx: DB,
  c: { id: number; title: string; closesAt: Date; project: { id: number; code: string; title: string } },
  now: Date,
) {
  return enqueue(trx, ownersOfEstates(estatesOf(c.project.id)), {
    kind: 'consultation_on_my_estate',
    ...texts('notify.text.consultation', { project: clip(c.project.title), title: clip(c.title), day: dayOf(new Date(c.closesAt.getTime() - 1)) }),
    link: linkTo(`/projects/${c.project.code}/consultations/${c.id}`),
    source: `consultation:${c.id}`,
    dueAt: now,
  });
}

/**
 * A reply to a comment: its author is told (by SMS too, by default), whoever replied, a resident
 * or staff, but not someone replying to themselves, and nobody for a paper opinion (no account).
 * The text names the consultation, never what was written. Once per reply.
 */
export async function replyPosted(
  trx: DB,
  reply: { id: number; authorUserId: number; byStaff: boolean; parentAuthorUserId: number | null },
  c: { id: number; title: string; projectCode: string },
  now: Date,
) {
  if (reply.parentAuthorUserId === null || reply.parentAuthorUserId === reply.authorUserId) return 0;
  return enqueue(trx, sql<{ user_id: number }>`select ${reply.parentAuthorUserId}::int as user_id`, {
    kind: 'reply_to_my_comment',
    ...texts(reply.byStaff ? 'notify.text.replyStaff' : 'notify.text.reply', { title: clip(c.title) }),
    link: linkTo(`/projects/${c.projectCode}/consultations/${c.id}`),
    source: `comment:${reply.id}`,
    dueAt: now,
  });
}

/** A project's rating opened: the verified owners of its estates are told (in the portal, by default). */
export async function ratingOpened(trx: DB, project: { id: number; code: string; title: string }, now: Date) {
  return enqueue(trx, ownersOfEstates(estatesOf(project.id)), {
    kind: 'rating_opened',
    ...texts('notify.text.ratingOpened', { project: clip(project.title) }),
    link: linkTo(`/projects/${project.code}/rating`),
    source: `rating:${project.id}`,
    dueAt: now,
  });
}

const householdSource = (schemeId: number, householdId: number) => `scheme:${schemeId}:household:${householdId}`;

/**
 * Pledging opened on a cost-share scheme: for each household of its current version, a reminder
 * to the household's verified owners, due at 10:00 Beijing time three days before the last day
 * (none when that moment has passed). A household whose share is nothing (a ground floor under a
 * tiered split) is not reminded. Only a household that has not pledged is reminded: a
 * pledge withdraws its household's reminder (`householdPledged`), withdrawing the pledge
 * before the reminder is due puts it back (`householdUnpledged`).
 */
export async function pledgingOpened(trx: DB, scheme: { id: number; versionId: number; title: string; projectCode: string; endsAt: Date }, now: Date) {
  const lastDay = new Date(scheme.endsAt.getTime() - 1);
  const dueAt = new Date(scheme.endsAt.getTime() - 4 * DAY_MS + 10 * HOUR_MS);
  if (dueAt <= now) return 0;
  const owners = sql<{ user_id: number; source: string }>`
    select ov.user_id, 'scheme:' || ${scheme.id}::int || ':household:' || h.id as source
    from cost_scheme_households h
    join cost_scheme_shares s on s.household_id = h.id
    join owner_verifications ov on ov.unit_id = s.unit_id and ov.status = 'verified'
    where h.version_id = ${scheme.versionId} and h.share_fen > 0
      and not exists (select 1 from cost_pledges p where p.household_id = h.id and p.status in ('pledged', 'paid'))`;
  return enqueue(trx, owners, {
    kind: 'pledge_deadline_3d',
    ...texts('notify.text.pledgeDeadline', { title: clip(scheme.title), day: dayOf(lastDay) }),
    link: linkTo(`/projects/${scheme.projectCode}/schemes/${scheme.id}`),
    source: PER_RECIPIENT,
    dueAt,
  });
}

/** A household pledged: its reminders not yet out are withdrawn (skipped). */
export async function householdPledged(trx: DB, schemeId: number, householdId: number) {
  await trx
    .updateTable('notifications')
    .set({ state: 'skipped' })
    .where('kind', '=', 'pledge_deadline_3d')
    .where('source', '=', householdSource(schemeId, householdId))
    .where('state', '=', 'queued')
    .execute();
}

/** A household's pledge withdrawn: its withdrawn reminders still in the future are queued again. */
export async function householdUnpledged(trx: DB, schemeId: number, householdId: number, now: Date) {
  await trx
    .updateTable('notifications')
    .set({ state: 'queued' })
    .where('kind', '=', 'pledge_deadline_3d')
    .where('source', '=', householdSource(schemeId, householdId))
    .where('state', '=', 'skipped')
    .where('due_at', '>', now)
    .execute();
}

/** A scheme corrected or withdrawn: the reminders of its pledging not yet out are withdrawn. */
export async function pledgingStopped(trx: DB, schemeId: number) {
  await trx
    .updateTable('notifications')
    .set({ state: 'skipped' })
    .where('kind', '=', 'pledge_deadline_3d')
    .where('source', 'like', `scheme:${schemeId}:household:%`)
    .where('state', '=', 'queued')
    .execute();
}

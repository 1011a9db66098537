import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { formatDateTime, translator } from '../../../i18n/index.ts';
import { enqueue, ownersOfEstates } from './enqueue.ts';

// What causes a message, each called inside the transaction of the act (rows only).

type DB = Kysely<Database>;
const zh = translator('zh');
const DAY_MS = 86_400_000;
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);

/** The verified owners on a vote's frozen roll. */
const ownersOnRoll = (ballotId: number) => sql<{ user_id: number }>`
  select ov.user_id from ballot_voters bv
  join ballot_voter_owners bvo on bvo.voter_id = bv.id
  join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
  where bv.ballot_id = ${ballotId}`;

/**
 * A vote opened: every verified owner on its frozen roll is told (not how anyone voted), and a
 * reminder is queued for 24 hours before its end (withdrawn if staff close it earlier).
 */
export async function voteOpened(trx: DB, ballot: { id: number; title: string; closesAt: Date }, now: Date) {
  const onRoll = ownersOnRoll(ballot.id);
  const closes = formatDateTime(ballot.closesAt, 'zh');
  const opened = await enqueue(trx, onRoll, {
    kind: 'vote_opened',
    body: zh('notify.text.voteOpened', { title: clip(ballot.title), closes }),
    link: `/ballots/${ballot.id}`,
    source: `ballot:${ballot.id}`,
    dueAt: now,
  });
  const remindAt = new Date(ballot.closesAt.getTime() - DAY_MS);
  if (remindAt > now)
    await enqueue(trx, onRoll, {
      kind: 'vote_closing_24h',
      body: zh('notify.text.voteClosing', { title: clip(ballot.title), closes }),
      link: `/ballots/${ballot.id}`,
      source: `ballot:${ballot.id}`,
      dueAt: remindAt,
    });
  return opened;
}

/** A vote closed before its announced end: its reminder that has not gone out is withdrawn (skipped). */
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
    body: zh(ballot.stage === 'final' ? 'notify.text.resultFinal' : 'notify.text.resultPreliminary', { title: clip(ballot.title) }),
    link: `/ballots/${ballot.id}`,
    source: `ballot:${ballot.id}:${ballot.stage}`,
    dueAt: now,
  });
}

/** A notice published for a project: the verified owners of the project's estates are told. */
export async function noticePublished(trx: DB, notice: { id: number; title: string; projectId: number | null }, now: Date) {
  if (notice.projectId === null) return 0; // a notice of the whole subdistrict is on no one estate
  const estates = sql<{ estate_id: number }>`select estate_id from project_estates where project_id = ${notice.projectId}`;
  return enqueue(trx, ownersOfEstates(estates), {
    kind: 'notice_on_my_estate',
    body: zh('notify.text.notice', { title: clip(notice.title) }),
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
    body: zh('notify.text.volunteerTomorrow', { title: clip(signup.title), when: formatDateTime(signup.startsAt, 'zh') }),
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

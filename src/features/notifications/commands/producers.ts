import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { formatDateTime, translator } from '../../../i18n/index.ts';
import { enqueue, ownersOfEstates } from './enqueue.ts';

// What causes a message, each called inside the transaction of the act (rows only).

type DB = Kysely<Database>;
const zh = translator('zh');
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);

/** A vote opened: every verified owner on its frozen roll is told (not how anyone voted). */
export async function voteOpened(trx: DB, ballot: { id: number; title: string; closesAt: Date }, now: Date) {
  const onRoll = sql<{ user_id: number }>`
    select ov.user_id from ballot_voters bv
    join ballot_voter_owners bvo on bvo.voter_id = bv.id
    join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
    where bv.ballot_id = ${ballot.id}`;
  return enqueue(trx, onRoll, {
    kind: 'vote_opened',
    body: zh('notify.text.voteOpened', { title: clip(ballot.title), closes: formatDateTime(ballot.closesAt, 'zh') }),
    link: `/ballots/${ballot.id}`,
    source: `ballot:${ballot.id}`,
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

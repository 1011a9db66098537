import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { databaseNow } from '../../src/features/ballots/service.ts';
import { ballotDetail } from '../../src/features/ballots/web-queries.ts';
import { postMeetingNotice } from '../../src/features/ballots/meeting-notice.ts';

// Posts a ballot's meeting notice through the command the staff action uses (actions/ballots.ts,
// `publishNotice`): the ballot detail loaded as the action loads it, then `postMeetingNotice`,
// with a posting date of that very day (so no photo is needed). `now` stands for the database
// clock the action reads, so that tests can move in time; left out, the clock is read.
// The action's form checks (posting date not in the future, announced opening not before the
// calendar-day notice period) are left to the action's own tests: fixtures here announce an
// opening exactly 15 days after the notice, the service's floor.

export const NOTICE_BASE_URL = 'https://gz.test';

export async function postNoticeAsStaff(db: Kysely<Database>, staffId: number, ballotId: number, now?: Date) {
  now ??= await databaseNow(db);
  const b = await ballotDetail(db, ballotId);
  if (!b || b.status !== 'draft') return { ok: false as const, error: 'err.ballotState' };
  // posted today: the posting moment is the moment it is published here
  return postMeetingNotice(db, staffId, b, now, NOTICE_BASE_URL, now);
}

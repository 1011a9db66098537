import type { z } from 'zod';
import { config } from '../../../lib/config.ts';
import { addDays, cstDate, cstMidnight } from '../../../lib/calendar.ts';
import { cancelBallot, closeBallot, databaseNow, openBallot } from '../service.ts';
import { ballotResults, publishBulletin } from '../results-service.ts';
import { ballotDetail } from '../web-queries.ts';
import { postMeetingNotice, postResultNotice } from '../meeting-notice.ts';
import { objectionCount } from '../objections-service.ts';
import { legalEarliestOpening } from '../notice-period.ts';
import type { bulletinInput, cancelInput, closeInput, noticeInput, openInput } from '../web-schemas.ts';
import { refuse, storeScan, type CommandActor, type DB } from './result.ts';

// A ballot's life as staff run it for the convener: the meeting notice, opening (the roll
// freezes), closing, cancelling before it opens, and the result bulletins with their notices.

/** How far back staff may date a notice already posted on the estate's board. */
export const MAX_BACKDATE_DAYS = 90;

/**
 * Posts the meeting notice: the date it went up on the estate's board (today or earlier,
 * never later, at most MAX_BACKDATE_DAYS back). A posting dated earlier than today needs a
 * photo or scan of the posted notice: the 15 days cannot be backdated on a word. The
 * announced voting period must start no sooner than the notice period allows.
 */
export async function publishNoticeCommand(db: DB, actor: CommandActor, input: z.infer<typeof noticeInput>, now?: Date) {
  now ??= await databaseNow(db);
  const today = cstDate(now);
  if (input.postedOn > today || input.postedOn < addDays(today, -MAX_BACKDATE_DAYS)) return refuse('err.noticeDate', 'postedOn');
  const b = await ballotDetail(db, input.ballotId);
  if (!b || b.status !== 'draft') return refuse('err.ballotState');
  const postedAt = input.postedOn === today ? now : cstMidnight(input.postedOn);
  if (legalEarliestOpening(postedAt, b.notice_days) > b.opens_at) return refuse('err.noticeTooLate', 'postedOn');
  const photo = input.photo && input.photo.size > 0 ? input.photo : null;
  if (input.postedOn < today && !photo) return refuse('err.noticePhotoRequired', 'photo');
  let photoKey: string | null = null;
  if (photo) {
    const stored = await storeScan(photo, 'photo');
    if (!stored.ok) return stored;
    photoKey = stored.key;
  }
  return postMeetingNotice(db, actor.id, b, postedAt, config().publicBaseUrl, now, photoKey);
}

/**
 * Opens the vote and freezes the roll: not before the notice period is over, nor before the
 * announced start; while flats of the electorate have no owner on the register, only with
 * the box ticked (they are listed in the audit entry). `now` is the database's clock unless given.
 */
export async function openBallotCommand(db: DB, actor: CommandActor, input: z.infer<typeof openInput>, now?: Date) {
  const b = await db
    .selectFrom('ballots')
    .select(['status', 'notice_published_at', 'notice_days', 'opens_at'])
    .where('id', '=', input.ballotId)
    .executeTakeFirst();
  if (!b || b.status !== 'noticed' || !b.notice_published_at) return refuse('err.ballotState');
  now ??= await databaseNow(db);
  const earliest = legalEarliestOpening(b.notice_published_at, b.notice_days);
  if (now < earliest) return { ...refuse('err.noticeTooRecent'), earliest: earliest.toISOString() };
  if (now < b.opens_at) return { ...refuse('err.beforeOpening'), earliest: b.opens_at.toISOString() };
  return openBallot(db, actor.id, input.ballotId, now, { confirmUnowned: input.confirmUnowned === 'yes' });
}

/** Closes the vote now; before its announced end only with the box ticked. The closing moment is the database's unless `now` is given. */
export async function closeBallotCommand(db: DB, actor: CommandActor, input: z.infer<typeof closeInput>, now?: Date) {
  const b = await db.selectFrom('ballots').select(['closes_at']).where('id', '=', input.ballotId).executeTakeFirst();
  if (!b) return refuse('err.ballotState');
  if ((now ?? (await databaseNow(db))) < b.closes_at && input.confirm !== 'early') return refuse('err.confirmClose', 'confirm');
  // the closing moment is taken once the casts in flight are done
  return closeBallot(db, actor.id, input.ballotId, now);
}

/** Cancels a vote created or noticed by mistake, before it opens; the reason is public. */
export async function cancelBallotCommand(db: DB, actor: CommandActor, input: z.infer<typeof cancelInput>) {
  return cancelBallot(db, actor.id, input.ballotId, input.reason);
}

/** Publishes a bulletin version (preliminary first, a correction is a new version) and, for a closed vote, its result notice. */
export async function publishBulletinCommand(db: DB, actor: CommandActor, input: z.infer<typeof bulletinInput>, now?: Date) {
  const res = await publishBulletin(db, actor.id, input.ballotId, input.stage, now);
  if (!res.ok) return res;
  const [b, results, objections] = await Promise.all([
    ballotDetail(db, input.ballotId),
    ballotResults(db, input.ballotId, now),
    input.stage === 'final' ? objectionCount(db, input.ballotId) : undefined,
  ]);
  if (b && results?.status === 'closed') {
    await postResultNotice(
      db,
      actor.id,
      b,
      results.results,
      { version: res.version, stage: input.stage, sha256: res.publicSha256, objections },
      config().publicBaseUrl,
      now,
    );
  }
  return res;
}

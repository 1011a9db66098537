// What a resident may be told, and how by default (issue 11 "Be told"): votes and replies to
// my comments reach me by text message too, the rest in the portal only. The list is the
// database's check constraint (migration 0035).

export const NOTIFICATION_KINDS = [
  'notice_on_my_estate',
  'consultation_on_my_estate',
  'vote_opened',
  'vote_closing_24h',
  'vote_result',
  'pledge_deadline_3d',
  'volunteer_task_tomorrow',
  'volunteer_promoted',
  'reply_to_my_comment',
  'rating_opened',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** off: not told; portal: in the inbox only; sms: in the inbox and by text message. */
export const CHOICES = ['off', 'portal', 'sms'] as const;
export type Choice = (typeof CHOICES)[number];
export type Channel = 'inapp' | 'sms';
export type NotificationState = 'queued' | 'sent' | 'skipped' | 'failed';

const BY_SMS_TOO: ReadonlySet<NotificationKind> = new Set([
  'vote_opened',
  'vote_closing_24h',
  'vote_result',
  'reply_to_my_comment',
  // a place confirmed from the waiting list was texted before the outbox existed
  'volunteer_promoted',
]);

export const defaultChoice = (kind: NotificationKind): Choice => (BY_SMS_TOO.has(kind) ? 'sms' : 'portal');

/** The channels a choice asks for. */
export function channelsOf(choice: Choice): Channel[] {
  return choice === 'off' ? [] : choice === 'portal' ? ['inapp'] : ['inapp', 'sms'];
}

/** A mainland resident ID number (18 characters, the last may be X): never in a message. */
const ID_NUMBER = /\d{17}[\dXx]|\d{15}/;

/**
 * A message text may name a vote, a notice, a task and a time, never a vote choice (no
 * producer passes one) nor an ID number: a text that looks like one is refused here.
 */
export function assertSafeText(body: string): string {
  if (ID_NUMBER.test(body)) throw new Error('notification text must not contain an ID number');
  if (body.length === 0 || body.length > 500) throw new Error('notification text must be 1 to 500 characters');
  return body;
}

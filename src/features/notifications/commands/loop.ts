import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { deliverDue, type Delivered, type SmsVia } from './deliver.ts';
import { makeDueVoteMessages } from './producers.ts';
import { logJob } from '../../../lib/log.ts';

export interface NotificationLoop {
  /** Stops the timer and waits for the batch in flight to commit (graceful shutdown). */
  stop(): Promise<void>;
}

/**
 * Runs the outbox inside the server: every `everyMs`, makes the votes' messages come due and
 * delivers what is due (`notificationTick`). Requests only
 * insert rows; nothing here runs in a request. Logs counts only, never a number or a text.
 * `clock` is the time the loop goes by (a test or the bench injects one; quiet hours follow it).
 */
export function startNotificationLoop(
  db: Kysely<Database>,
  smsVia: SmsVia,
  everyMs = 5_000,
  clock: () => Date = () => new Date(),
  /** Where a run's line goes instead of the JSON log (the bench passes a no-op). */
  log?: (line: string) => void,
): NotificationLoop {
  let inFlight: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (inFlight || stopped) return;
    const started = performance.now();
    inFlight = notificationTick(db, smsVia, clock)
      .then((r) => {
        // one JSON line per run that did something (an idle run every few seconds is not logged)
        if (!(r.sent || r.failed || r.skipped || r.reminders)) return;
        const counts = { sent: r.sent, skipped: r.skipped, failed: r.failed, deferred: r.deferred, ...(r.reminders ? { reminders: r.reminders } : {}) };
        if (log) log(JSON.stringify({ job: 'notifications', ...counts }));
        else logJob('notifications', started, counts);
      })
      .catch((error: unknown) => logJob('notifications', started, {}, error))
      .finally(() => (inFlight = null));
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}

/**
 * One run of the loop: first the votes' messages that have come due are made (a vote opened,
 * a vote closing within 24 hours: `makeDueVoteMessages`, rows only, once a vote however many
 * instances run), then what is due is delivered. A failure to make them is logged and does
 * not hold up delivery.
 */
export async function notificationTick(db: Kysely<Database>, smsVia: SmsVia, clock: () => Date = () => new Date()): Promise<Delivered & { reminders: number }> {
  let reminders = 0;
  const started = performance.now();
  try {
    reminders = await makeDueVoteMessages(db, clock());
  } catch (error) {
    logJob('vote-messages', started, {}, error);
  }
  return { ...(await deliverDue(db, smsVia, clock)), reminders };
}

import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { deliverDue, type SmsVia } from './deliver.ts';

export interface NotificationLoop {
  /** Stops the timer and waits for the batch in flight to commit (graceful shutdown). */
  stop(): Promise<void>;
}

/**
 * Runs the outbox inside the server: every `everyMs`, delivers what is due. Requests only
 * insert rows; nothing here runs in a request. Logs counts only, never a number or a text.
 * `clock` is the time the loop goes by (a test or the bench injects one; quiet hours follow it).
 */
export function startNotificationLoop(
  db: Kysely<Database>,
  smsVia: SmsVia,
  everyMs = 5_000,
  clock: () => Date = () => new Date(),
  log: (line: string) => void = console.log,
): NotificationLoop {
  let inFlight: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (inFlight || stopped) return;
    inFlight = deliverDue(db, smsVia, clock)
      .then((r) => {
        if (r.sent || r.failed) log(`[通知 / notifications] sent ${r.sent}, skipped ${r.skipped}, failed ${r.failed}, deferred ${r.deferred}`);
      })
      .catch((error: unknown) => console.error(`[通知 / notifications] ${error instanceof Error ? error.message : String(error)}`))
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

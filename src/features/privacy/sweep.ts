import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { storeFor } from '../../lib/files/private-store.ts';
import { privacySweep } from './service.ts';
import { logJob } from '../../lib/log.ts';

/**
 * Runs the privacy sweep (proofs 180 days after the decision, closed accounts' ballot
 * evidence after the challenge period, register previews unconfirmed for a day) at start-up
 * and then daily, beside the server.
 * Logs counts only, never personal data.
 */
export function startPrivacySweep(db: Kysely<Database>, everyMs = 86_400_000): () => void {
  const store = storeFor('private', db);
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    const started = performance.now();
    privacySweep(db, store)
      .then((r) => logJob('privacy-sweep', started, { proofs: r.proofs, files: r.files, evidence: r.evidence, previews: r.previews }))
      .catch((error: unknown) => logJob('privacy-sweep', started, {}, error))
      .finally(() => (running = false));
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

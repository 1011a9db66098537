import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { refuse, type Refusal } from '../../../i18n/index.ts';
import type { Actor } from '../../policy/can.ts';
import { checkUpload, PROOF_TYPES } from '../../../lib/files/upload-check.ts';
import { privateStore } from '../../../lib/files/private-store.ts';

// What every ballot command shares: `(db, actor, input, now) → result`. The action has
// already parsed the input, found the ballot and authorised the actor with can(); the
// command holds the rules, the SQL and the audit entry. A refusal names a dictionary key
// and, when one field is at fault, that field. `now` left out means the clock the rule has
// always used: the database's for opening, closing and casting, this server's otherwise.

export type DB = Kysely<Database>;
/** Who acts: only the id is written (audit entries, casts); the right was checked by can(). */
export type CommandActor = Pick<Actor, 'id'>;
export { refuse, type Refusal };

/** A scan or photo larger than this is refused. */
export const SCAN_MAX = 5 * 1024 * 1024;

/** Checks an uploaded scan and keeps it in the private store; the key, or the refusal for `field`. */
export async function storeScan(file: File, field: string): Promise<{ ok: true; key: string } | (Refusal & { field: string })> {
  const checked = await checkUpload(file, PROOF_TYPES, SCAN_MAX);
  if (!checked.ok) return { ok: false, error: checked.error, field };
  return { ok: true, key: (await privateStore().put(checked.bytes)).key };
}

import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { IdKey } from '../../../lib/id-key.ts';
import { checkUpload, PROOF_TYPES } from '../../../lib/files/upload-check.ts';
import { recordConsents } from '../../privacy/service.ts';
import type { ConsentPurpose } from '../../privacy/tables.ts';
import { claimFlat, confirmHeldOwner, type ClaimInput, type ClaimResult } from '../verification-service.ts';
import { PROOF_MAX_BYTES, type ProofSink } from './owners.ts';

type DB = Kysely<Database>;

export interface ClaimCommandInput extends ClaimInput {
  proof?: File;
  /** 'yes' when the person ticked the separate consent for the ID number (PIPL Arts. 14, 29) */
  consentIdNumber?: string;
  /** 'yes' when they ticked the consent for the proof; needed only with a proof */
  consentProof?: string;
}

/**
 * A signed-in person claims a flat. The separate consents are given on the form and recorded
 * before anything is processed; a proof (optional) is checked and kept in the private store;
 * then the claim matches the register at once or waits for staff (claimFlat).
 */
export async function claim(db: DB, userId: number, input: ClaimCommandInput, deps: { key: IdKey; store: ProofSink }): Promise<ClaimResult> {
  const withProof = Boolean(input.proof && input.proof.size > 0);
  if (input.consentIdNumber !== 'yes') return { ok: false, error: 'err.consentIdNumber', field: 'consentIdNumber' };
  if (withProof && input.consentProof !== 'yes') return { ok: false, error: 'err.consentProof', field: 'consentProof' };
  const consents: ConsentPurpose[] = withProof ? ['id_number', 'proof'] : ['id_number'];
  await recordConsents(db, userId, consents);
  let proof: { storageKey: string; mime: string } | null = null;
  if (input.proof && withProof) {
    const checked = await checkUpload(input.proof, PROOF_TYPES, PROOF_MAX_BYTES);
    if (!checked.ok) return { ok: false, error: checked.error, field: 'proof' };
    const stored = await deps.store.put(checked.bytes);
    proof = { storageKey: stored.key, mime: checked.mime };
  }
  const { estateId, building, entrance, room, name, idType, idNumber } = input;
  return claimFlat(db, deps.key, userId, { estateId, building, entrance, room, name, idType, idNumber }, proof);
}

/** After a password reset, staff confirm that the account of a verified owner still belongs to them. */
export async function confirmHeld(
  db: DB,
  actorUserId: number,
  input: { verification: { status: string; user_id: number } },
): Promise<{ ok: true } | { ok: false; error: string }> {
  if (input.verification.status !== 'verified') return { ok: false, error: 'err.notVerified' };
  await confirmHeldOwner(db, actorUserId, input.verification.user_id);
  return { ok: true };
}

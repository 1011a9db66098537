import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { IdKey } from '../../../lib/id-key.ts';
import { checkUpload, PROOF_TYPES } from '../../../lib/files/upload-check.ts';
import { normaliseMobile } from '../../accounts/mobile.ts';
import { addOwnerOnBasis } from '../owner-service.ts';
import type { LegalBasis } from '../verification-service.ts';
import type { IdType } from '../model.ts';

type DB = Kysely<Database>;

/** Where proofs go (the private store): only its put is needed here. */
export interface ProofSink {
  put(bytes: Uint8Array): Promise<{ key: string }>;
}

export const PROOF_MAX_BYTES = 5 * 1024 * 1024;

export interface AddOwnerInput {
  estateId: number;
  building: string;
  entrance: string;
  room: string;
  name: string;
  idType: IdType;
  idNumber: string;
  basis: LegalBasis;
  proof: File;
  /** the owner's mobile, if they give it, as typed */
  phone?: string;
}

/**
 * Staff add an owner on a legal basis (inheritance, court, occupation) with the proof, which
 * is kept in the private store; a mobile given is checked and normalised first (see
 * addOwnerOnBasis for what happens to the register).
 */
export async function addOwner(db: DB, actorUserId: number, input: AddOwnerInput, deps: { key: IdKey; store: ProofSink }) {
  const phone = input.phone ? normaliseMobile(input.phone) : null;
  if (input.phone && !phone) return { ok: false as const, error: 'err.phone', field: 'phone' };
  const checked = await checkUpload(input.proof, PROOF_TYPES, PROOF_MAX_BYTES);
  if (!checked.ok) return { ok: false as const, error: checked.error, field: 'proof' };
  const stored = await deps.store.put(checked.bytes);
  const { proof: _proof, ...owner } = input;
  return addOwnerOnBasis(db, deps.key, actorUserId, { ...owner, phone }, stored.key);
}

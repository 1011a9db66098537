import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { hit } from '../accounts/rate-limit.ts';
import { hashIdNumber } from './id-hash.ts';
import { type IdKey } from '../../lib/id-key.ts';
import { last4, validateIdNumber } from './id-numbers.ts';
import type { IdType } from './model.ts';
import { verificationsWithFlat } from './verification-queries.ts';
import type { MessageKey } from '../../i18n/index.ts';

type DB = Kysely<Database>;

// ID numbers can be guessed: claims are limited per account and per flat, and every
// automatic match is listed for the office to see.
export const CLAIM_LIMITS = {
  perAccount: { bucket: 'claim_account', max: 5, windowSeconds: 24 * 3600 },
  perFlat: { bucket: 'claim_flat', max: 10, windowSeconds: 24 * 3600 },
};

export interface ClaimInput {
  estateId: number;
  building: string;
  entrance: string;
  room: string;
  name: string;
  idType: IdType;
  idNumber: string;
}

export type ClaimResult = { ok: true; status: 'verified' | 'pending'; verificationId: number } | { ok: false; error: MessageKey; field?: string };

export async function findUnit(db: DB, estateId: number, building: string, entrance: string, room: string) {
  return db
    .selectFrom('units')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('buildings.estate_id', '=', estateId)
    .where('buildings.label', '=', building.trim())
    .where('entrances.label', '=', entrance.trim())
    .where('units.room', '=', room.trim())
    .select(['units.id', 'units.developer_held'])
    .executeTakeFirst();
}

/**
 * A resident claims a flat. A name and an ID number prove nothing (ID numbers are not secret
 * in China): the claim is verified at once only when they match an owner of that flat on the
 * register, the register holds a phone for that owner, and it is this account's mobile,
 * confirmed by a code (so a resident account, never a staff one), and no other account holds
 * that owner. Otherwise it waits for staff,
 * with the proof the resident attached; the answer does not tell which part did not match.
 */
export async function claimFlat(
  db: DB,
  key: IdKey,
  userId: number,
  input: ClaimInput,
  proof: { storageKey: string; mime: string } | null,
): Promise<ClaimResult> {
  const id = validateIdNumber(input.idType, input.idNumber);
  if (!id.ok) return { ok: false, error: 'err.idNumber', field: 'idNumber' };
  const unit = await findUnit(db, input.estateId, input.building, input.entrance, input.room);
  if (!unit) return { ok: false, error: 'err.noSuchFlat', field: 'room' };
  if (!(await hit(db, CLAIM_LIMITS.perAccount, String(userId))) || !(await hit(db, CLAIM_LIMITS.perFlat, String(unit.id))))
    return { ok: false, error: 'err.rateLimited' };
  const already = await db
    .selectFrom('owner_verifications')
    .select('id')
    .where('user_id', '=', userId)
    .where('unit_id', '=', unit.id)
    .where('status', 'in', ['verified', 'review', 'pending'])
    .executeTakeFirst();
  if (already) return { ok: false, error: 'err.alreadyClaimed' };
  const idHash = hashIdNumber(key, input.idType, id.normalised);
  const match = await db
    .selectFrom('unit_owners')
    .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
    .where('unit_owners.unit_id', '=', unit.id)
    .where('register_owners.removed_at', 'is', null)
    .where('register_owners.id_type', '=', input.idType)
    .where('register_owners.id_hash', '=', idHash)
    .where('register_owners.name', '=', input.name.trim())
    .select(['register_owners.id', 'register_owners.phone'])
    .executeTakeFirst();
  const taken = match
    ? await db.selectFrom('owner_verifications').select('id').where('register_owner_id', '=', match.id).where('status', '=', 'verified').executeTakeFirst()
    : undefined;
  const account = await db.selectFrom('users').select(['phone', 'phone_verified_at', 'role']).where('id', '=', userId).executeTakeFirstOrThrow();
  // only a resident's mobile was confirmed by a code: a staff account's is marked confirmed by whoever created it
  const phoneMatches = account.role === 'resident' && match?.phone != null && account.phone_verified_at !== null && match.phone === account.phone;
  if (match && !taken && phoneMatches) {
    const row = await db
      .insertInto('owner_verifications')
      .values({
        user_id: userId,
        unit_id: unit.id,
        register_owner_id: match.id,
        status: 'verified',
        method: 'auto',
        claimed_name: input.name.trim(),
        decided_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ok: true, status: 'verified', verificationId: row.id };
  }
  if (!proof) return { ok: false, error: 'err.needProof', field: 'proof' };
  // what staff see: why the register did not settle it
  const why = taken ? 'owner.alreadyVerifiedElsewhere' : match ? (match.phone ? 'owner.phoneNotRegisters' : 'owner.noPhoneOnRegister') : null;
  const row = await db
    .insertInto('owner_verifications')
    .values({
      user_id: userId,
      unit_id: unit.id,
      register_owner_id: match?.id ?? null,
      status: 'pending',
      method: 'proof',
      claimed_name: input.name.trim(),
      claimed_id_type: input.idType,
      claimed_id_hash: idHash,
      claimed_id_key_version: key.version,
      claimed_id_last4: last4(id.normalised),
      proof_storage_key: proof.storageKey,
      proof_mime: proof.mime,
      reason: why,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, status: 'pending', verificationId: row.id };
}

/** Where a verification's flat sits, for the policy. */
export async function verificationResource(db: DB, verificationId: number) {
  return verificationsWithFlat(db)
    .where('owner_verifications.id', '=', verificationId)
    .select([
      'owner_verifications.id',
      'owner_verifications.status',
      'owner_verifications.user_id',
      'owner_verifications.unit_id',
      'owner_verifications.register_owner_id',
      'owner_verifications.proof_storage_key',
      'owner_verifications.proof_mime',
      'communities.subdistrict_id',
      'communities.id as community_id',
    ])
    .executeTakeFirst();
}

export type LegalBasis = 'inheritance' | 'court' | 'occupation';

/**
 * Why staff approve a claim: the property certificate seen at the office, the uploaded proof
 * checked, the register corrected (the office's register was out of date), or a legal basis
 * for an owner not on the property register (SPC interpretation Art. 1).
 */
export const GROUNDS = ['certificate', 'proof', 'register_corrected', 'inheritance', 'court', 'occupation'] as const;
export type Ground = (typeof GROUNDS)[number];
const isLegalBasis = (g: Ground): g is LegalBasis => g === 'inheritance' || g === 'court' || g === 'occupation';

/**
 * Staff decide a pending claim, or an automatic verification held for review (made before
 * migration 0014 on a name and an ID number alone), in one transaction with its audit entry.
 * Approving needs a ground; a rejection needs a reason the resident sees. Approving someone
 * who is not on the register adds them to it: on the property register when the certificate
 * was seen or the register corrected, otherwise on the legal basis chosen, with their proof.
 */
export async function decideVerification(
  db: DB,
  actorUserId: number,
  verificationId: number,
  decision: 'approve' | 'reject',
  reason: string | null,
  ground: Ground | null = null,
) {
  return db.transaction().execute(async (trx) => {
    const v = await trx.selectFrom('owner_verifications').selectAll().where('id', '=', verificationId).forUpdate().executeTakeFirst();
    if (!v || (v.status !== 'pending' && v.status !== 'review')) return { ok: false as const, error: 'err.notPending' };
    if (decision === 'reject' && !reason?.trim()) return { ok: false as const, error: 'err.reasonRequired', field: 'reason' };
    if (decision === 'approve' && !ground) return { ok: false as const, error: 'err.groundRequired', field: 'ground' };
    if (decision === 'approve' && ground === 'proof' && !v.proof_storage_key) return { ok: false as const, error: 'err.noProof', field: 'ground' };
    let registerOwnerId = v.register_owner_id;
    if (decision === 'approve' && registerOwnerId !== null) {
      const taken = await trx
        .selectFrom('owner_verifications')
        .select('id')
        .where('register_owner_id', '=', registerOwnerId)
        .where('status', '=', 'verified')
        .executeTakeFirst();
      if (taken) return { ok: false as const, error: 'err.ownerTaken' };
    }
    if (decision === 'approve' && registerOwnerId === null) {
      if (ground === 'proof') return { ok: false as const, error: 'err.basisRequired', field: 'ground' };
      if (!v.claimed_id_hash || !v.claimed_id_type) return { ok: false as const, error: 'err.notPending' };
      const estate = await trx
        .selectFrom('units')
        .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
        .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
        .where('units.id', '=', v.unit_id)
        .select('buildings.estate_id')
        .executeTakeFirstOrThrow();
      const existing = await trx
        .selectFrom('register_owners')
        .select('id')
        .where('estate_id', '=', estate.estate_id)
        .where('id_type', '=', v.claimed_id_type as IdType)
        .where('id_hash', '=', v.claimed_id_hash)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      registerOwnerId =
        existing?.id ??
        (
          await trx
            .insertInto('register_owners')
            .values({
              estate_id: estate.estate_id,
              name: v.claimed_name,
              id_type: v.claimed_id_type as IdType,
              id_hash: v.claimed_id_hash,
              id_key_version: v.claimed_id_key_version ?? 1,
              id_last4: v.claimed_id_last4 ?? '',
              legal_basis: isLegalBasis(ground!) ? ground : 'register',
              proof_storage_key: v.proof_storage_key,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      await trx
        .insertInto('unit_owners')
        .values({ unit_id: v.unit_id, owner_id: registerOwnerId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await trx
      .updateTable('owner_verifications')
      .set({
        register_owner_id: registerOwnerId,
        status: decision === 'approve' ? 'verified' : v.status === 'review' ? 'revoked' : 'rejected',
        reason: decision === 'reject' ? reason : v.reason,
        ground: decision === 'approve' ? ground : null,
        decided_by: actorUserId,
        decided_at: new Date(),
      })
      .where('id', '=', v.id)
      .execute();
    if (decision === 'approve') await trx.updateTable('users').set({ owner_status_held_since: null }).where('id', '=', v.user_id).execute();
    await appendAudit(trx, {
      actorUserId,
      action: `verification.${decision}`,
      target: `verification:${v.id}`,
      detail: {
        userId: v.user_id,
        unitId: v.unit_id,
        ...(v.status === 'review' ? { review: true } : {}),
        ...(reason ? { reason } : {}),
        ...(decision === 'approve' ? { ground } : {}),
        ...(decision === 'approve' && v.register_owner_id === null ? { legalBasis: isLegalBasis(ground!) ? ground : 'register' } : {}),
      },
    });
    return { ok: true as const };
  });
}

/** After a password reset, staff confirm that the account still belongs to the owner. */
export async function confirmHeldOwner(db: DB, actorUserId: number, userId: number) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ owner_status_held_since: null }).where('id', '=', userId).execute();
    await appendAudit(trx, { actorUserId, action: 'verification.confirmHeld', target: `user:${userId}` });
  });
}

import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { maskMobile } from '../accounts/mobile.ts';
import { hashIdNumber } from './id-hash.ts';
import { type IdKey } from '../../lib/id-key.ts';
import { last4, validateIdNumber } from './id-numbers.ts';
import { findUnit, type LegalBasis } from './verification-service.ts';
import type { IdType } from './model.ts';
import { refuse } from '../../i18n/index.ts';

/**
 * Staff add an owner who is not (yet) on the property register — an heir, a party to a
 * court judgment, a buyer in lawful occupation (SPC interpretation Art. 1) — with the
 * legal basis and a proof document, and their mobile number if they give it: the owner's later
 * claim from an account with that mobile, confirmed, then matches automatically. An owner
 * already on the register gets the mobile typed if it holds none (audited); one holding
 * another mobile is refused (err.ownerHasOtherPhone): the register is corrected by an import.
 */
export async function addOwnerOnBasis(
  db: Kysely<Database>,
  key: IdKey,
  actorUserId: number,
  input: {
    estateId: number;
    building: string;
    entrance: string;
    room: string;
    name: string;
    idType: IdType;
    idNumber: string;
    basis: LegalBasis;
    phone?: string | null;
  },
  proofStorageKey: string,
) {
  const id = validateIdNumber(input.idType, input.idNumber);
  if (!id.ok) return refuse('err.idNumber', 'idNumber');
  const unit = await findUnit(db, input.estateId, input.building, input.entrance, input.room);
  if (!unit) return refuse('err.noSuchFlat', 'room');
  const idHash = hashIdNumber(key, input.idType, id.normalised);
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('register_owners')
      .select(['id', 'phone'])
      .where('estate_id', '=', input.estateId)
      .where('id_type', '=', input.idType)
      .where('id_hash', '=', idHash)
      .where('removed_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    // an owner already on the register keeps the mobile it holds: a different one typed here is refused, not
    // dropped and not overwritten (whoever holds that mobile would be verified at once); a missing one is filled in
    if (existing && input.phone && existing.phone && existing.phone !== input.phone) return refuse('err.ownerHasOtherPhone', 'phone');
    const phoneAdded = Boolean(existing && input.phone && !existing.phone);
    if (phoneAdded) await trx.updateTable('register_owners').set({ phone: input.phone! }).where('id', '=', existing!.id).execute();
    const ownerId =
      existing?.id ??
      (
        await trx
          .insertInto('register_owners')
          .values({
            estate_id: input.estateId,
            name: input.name.trim(),
            id_type: input.idType,
            id_hash: idHash,
            id_key_version: key.version,
            id_last4: last4(id.normalised),
            legal_basis: input.basis,
            proof_storage_key: proofStorageKey,
            phone: input.phone ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    await trx
      .insertInto('unit_owners')
      .values({ unit_id: unit.id, owner_id: ownerId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'register.addOwner',
      target: `unit:${unit.id}`,
      detail: { ownerId, basis: input.basis, ...(phoneAdded ? { phoneAdded: maskMobile(input.phone!) } : {}) },
    });
    return { ok: true as const };
  });
}

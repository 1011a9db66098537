import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { flatPersonFields } from '../features/register/schemas.ts';
import { db } from '../lib/db/index.ts';
import { idKeyOrNull } from '../lib/id-key.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { can } from '../features/policy/can.ts';
import { claimFlat, decideVerification, verificationResource, confirmHeldOwner, GROUNDS } from '../features/register/verification-service.ts';
import { recordConsents, setProofDispute } from '../features/privacy/service.ts';
import type { ConsentPurpose } from '../features/privacy/tables.ts';
import { zId } from '../lib/input.ts';
import { privateStore } from '../lib/files/private-store.ts';

const PROOF_MAX = 5 * 1024 * 1024;

export const verificationActions = {
  claim: defineAction({
    accept: 'form',
    input: z.object({
      ...flatPersonFields,
      proof: z.instanceof(File).optional(),
      // separate consents, given on this form before anything is processed (PIPL Arts. 14, 29)
      consentIdNumber: z.string().max(10).optional(),
      consentProof: z.string().max(10).optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'verification.claim', {})) return { ok: false as const, error: 'err.signInFirst' };
      const withProof = Boolean(input.proof && input.proof.size > 0);
      const key = idKeyOrNull();
      if (!key) return { ok: false as const, error: 'err.idKeyMissing' };
      if (input.consentIdNumber !== 'yes') return { ok: false as const, error: 'err.consentIdNumber', field: 'consentIdNumber' };
      if (withProof && input.consentProof !== 'yes') return { ok: false as const, error: 'err.consentProof', field: 'consentProof' };
      const consents: ConsentPurpose[] = withProof ? ['id_number', 'proof'] : ['id_number'];
      await recordConsents(await db(), user.id, consents);
      let proof: { storageKey: string; mime: string } | null = null;
      if (input.proof && withProof) {
        const checked = await checkUpload(input.proof, PROOF_TYPES, PROOF_MAX);
        if (!checked.ok) return { ok: false as const, error: checked.error, field: 'proof' };
        const stored = await privateStore().put(checked.bytes);
        proof = { storageKey: stored.key, mime: checked.mime };
      }
      const database = await db();
      const res = await claimFlat(database, key, user.id, input, proof);
      return res;
    },
  }),
  decide: defineAction({
    accept: 'form',
    input: z.object({
      verificationId: zId(),
      decision: z.enum(['approve', 'reject']),
      reason: z.string().trim().max(500, 'err.tooLong').optional(),
      ground: z.enum(GROUNDS).optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const v = await verificationResource(database, input.verificationId);
      if (!user || !v || !can(user, 'verification.decide', { subdistrictId: v.subdistrict_id, communityId: v.community_id }))
        return { ok: false as const, error: 'err.forbidden' };
      return decideVerification(database, user.id, v.id, input.decision, input.reason || null, input.ground ?? null);
    },
  }),
  /** Staff keep a proof past the 180 days while its decision is disputed, or let it go again. */
  holdProof: defineAction({
    accept: 'form',
    input: z.object({ verificationId: zId(), disputed: z.enum(['yes', 'no']) }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) return { ok: false as const, error: 'err.forbidden' };
      const database = await db();
      const v = await verificationResource(database, input.verificationId);
      if (!v || !can(user, 'verification.decide', { subdistrictId: v.subdistrict_id, communityId: v.community_id }))
        return { ok: false as const, error: 'err.forbidden' };
      return setProofDispute(database, user.id, v.id, input.disputed === 'yes');
    },
  }),
  confirmHeld: defineAction({
    accept: 'form',
    input: z.object({ verificationId: zId() }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const v = await verificationResource(database, input.verificationId);
      if (!user || !v || !can(user, 'verification.decide', { subdistrictId: v.subdistrict_id, communityId: v.community_id })) {
        return { ok: false as const, error: 'err.forbidden' };
      }
      if (v.status !== 'verified') return { ok: false as const, error: 'err.notVerified' };
      await confirmHeldOwner(database, user.id, v.user_id);
      return { ok: true as const };
    },
  }),
};

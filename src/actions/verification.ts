import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { flatPersonFields } from '../features/register/schemas.ts';
import path from 'node:path';
import { db } from '../lib/db/index.ts';
import { config } from '../lib/config.ts';
import { idKey } from '../lib/id-key.ts';
import { fileStore } from '../lib/files/storage.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { can } from '../features/policy/can.ts';
import { claimFlat, decideVerification, verificationResource, confirmHeldOwner, GROUNDS } from '../features/register/verification-service.ts';

const PROOF_MAX = 5 * 1024 * 1024;
/** Proofs live apart from public documents; only staff of the subdistrict can read them. */
export const privateStore = () => fileStore(path.join(config().dataDir, 'private'));

export const verificationActions = {
  claim: defineAction({
    accept: 'form',
    input: z.object({
      ...flatPersonFields,
      proof: z.instanceof(File).optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'verification.claim', {})) return { ok: false as const, error: 'err.signInFirst' };
      let proof: { storageKey: string; mime: string } | null = null;
      if (input.proof && input.proof.size > 0) {
        const checked = await checkUpload(input.proof, PROOF_TYPES, PROOF_MAX);
        if (!checked.ok) return { ok: false as const, error: checked.error, field: 'proof' };
        const stored = await privateStore().put(checked.bytes);
        proof = { storageKey: stored.key, mime: checked.mime };
      }
      const database = await db();
      const res = await claimFlat(database, idKey(), user.id, input, proof);
      return res;
    },
  }),
  decide: defineAction({
    accept: 'form',
    input: z.object({
      verificationId: z.coerce.number().int().positive(),
      decision: z.enum(['approve', 'reject']),
      reason: z.string().trim().max(500, 'err.tooLong').optional(),
      ground: z.enum(GROUNDS).optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const v = await verificationResource(database, input.verificationId);
      if (!user || !v || !can(user, 'verification.decide', { subdistrictId: v.subdistrict_id, communityId: v.community_id })) return { ok: false as const, error: 'err.forbidden' };
      return decideVerification(database, user.id, v.id, input.decision, input.reason || null, input.ground ?? null);
    },
  }),
  confirmHeld: defineAction({
    accept: 'form',
    input: z.object({ verificationId: z.coerce.number().int().positive() }),
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

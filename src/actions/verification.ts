import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { flatPersonFields } from '../features/register/schemas.ts';
import { db } from '../lib/db/index.ts';
import { idKeyOrNull } from '../lib/id-key.ts';
import { can } from '../features/policy/can.ts';
import { decideVerification, verificationResource, GROUNDS } from '../features/register/verification-service.ts';
import { claim, confirmHeld } from '../features/register/commands/verification.ts';
import { setProofDispute } from '../features/privacy/service.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { zId } from '../lib/input.ts';
import { privateStore } from '../lib/files/private-store.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

/** The claim and where its flat sits, for an office allowed to decide there; refusals thrown. */
async function authorisedClaim(user: SessionUser | null, verificationId: number) {
  if (!user) throw signedOut();
  const database = await db();
  const v = await verificationResource(database, verificationId);
  if (!v) throw notFound();
  if (!can(user, 'verification.decide', { subdistrictId: v.subdistrict_id, communityId: v.community_id })) throw forbidden();
  return { database, user, v };
}

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
      if (!user) throw signedOut();
      if (!can(user, 'verification.claim', {})) throw forbidden();
      const key = idKeyOrNull();
      if (!key) return { ok: false as const, error: 'err.idKeyMissing' };
      return claim(await db(), user.id, input, { key, store: privateStore() });
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
      const { database, user, v } = await authorisedClaim(ctx.locals.user, input.verificationId);
      return decideVerification(database, user.id, v.id, input.decision, input.reason || null, input.ground ?? null);
    },
  }),
  /** Staff keep a proof past the 180 days while its decision is disputed, or let it go again. */
  holdProof: defineAction({
    accept: 'form',
    input: z.object({ verificationId: zId(), disputed: z.enum(['yes', 'no']) }),
    handler: async (input, ctx) => {
      const { database, user, v } = await authorisedClaim(ctx.locals.user, input.verificationId);
      return setProofDispute(database, user.id, v.id, input.disputed === 'yes');
    },
  }),
  confirmHeld: defineAction({
    accept: 'form',
    input: z.object({ verificationId: zId() }),
    handler: async (input, ctx) => {
      const { database, user, v } = await authorisedClaim(ctx.locals.user, input.verificationId);
      return confirmHeld(database, user.id, { verification: v });
    },
  }),
};

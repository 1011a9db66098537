import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { flatPersonFields } from '../features/register/schemas.ts';
import { db } from '../lib/db/index.ts';
import { idKeyOrNull } from '../lib/id-key.ts';
import { can } from '../features/policy/can.ts';
import { estateResource } from '../features/geography/scope.ts';
import { importResource } from '../features/register/queries/imports.ts';
import { confirmImport, discardImport, previewImport } from '../features/register/commands/imports.ts';
import { addOwner } from '../features/register/commands/owners.ts';
import { privateStore } from '../lib/files/private-store.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { zId } from '../lib/input.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

// The household register: staff read a file into a preview, confirm or discard it, and add
// an owner on a legal basis. Each action: parse → who → can → one command.

/** The import and its estate, for an office allowed to import there; refusals thrown. */
async function authorisedImport(user: SessionUser | null, importId: number) {
  if (!user) throw signedOut();
  const database = await db();
  const imp = await importResource(database, importId);
  const estate = imp ? await estateResource(database, imp.estateId) : null;
  if (!imp || !estate) throw notFound();
  if (!can(user, 'register.import', estate)) throw forbidden();
  return { database, user, imp, estate };
}

export const registerActions = {
  /** Reads a register file and keeps a preview (ID numbers already hashed); writes nothing to the register. */
  preview: defineAction({
    accept: 'form',
    input: z.object({ estateId: zId('err.required'), file: z.instanceof(File, { message: 'err.fileRequired' }) }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const estate = await estateResource(database, input.estateId);
      if (!estate) throw notFound();
      if (!can(user, 'register.import', estate)) throw forbidden();
      const key = idKeyOrNull();
      if (!key) return { ok: false as const, error: 'err.idKeyMissing' };
      return previewImport(database, user.id, { estate, file: input.file, key });
    },
  }),
  confirm: defineAction({
    accept: 'form',
    input: z.object({ importId: zId() }),
    handler: async (input, ctx) => {
      const { database, user, imp, estate } = await authorisedImport(ctx.locals.user, input.importId);
      return confirmImport(database, user.id, { importId: imp.importId, estateId: estate.estateId });
    },
  }),
  addOwner: defineAction({
    accept: 'form',
    input: z.object({
      ...flatPersonFields,
      basis: z.enum(['inheritance', 'court', 'occupation'], { message: 'err.basisRequired' }),
      proof: z.instanceof(File, { message: 'err.needProof' }),
      // the owner's mobile, if they give it: their claim from an account with it then verifies at once
      phone: z.string().trim().max(20, 'err.phone').optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const estate = await estateResource(database, input.estateId);
      if (!estate) throw notFound();
      if (!can(user, 'register.addOwner', estate)) throw forbidden();
      const key = idKeyOrNull();
      if (!key) return { ok: false as const, error: 'err.idKeyMissing' };
      return addOwner(database, user.id, input, { key, store: privateStore() });
    },
  }),
  discard: defineAction({
    accept: 'form',
    input: z.object({ importId: zId() }),
    handler: async (input, ctx) => {
      const { database, user, imp } = await authorisedImport(ctx.locals.user, input.importId);
      return discardImport(database, user.id, { importId: imp.importId });
    },
  }),
};

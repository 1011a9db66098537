import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { flatPersonFields } from '../features/register/schemas.ts';
import { createHash } from 'node:crypto';
import { db } from '../lib/db/index.ts';
import { dbJson } from '../lib/db/json.ts';
import { idKeyOrNull } from '../lib/id-key.ts';
import { can } from '../features/policy/can.ts';
import { estateResource } from '../features/geography/scope.ts';
import { readCsv, readXlsx } from '../features/register/read-table.ts';
import { parseRegister } from '../features/register/parse-rows.ts';
import { keepChosenEstate, prepareRows, storableFaults, type PreparedFlat } from '../features/register/prepare.ts';
import { planImport, applyImport, discardStalePreviews } from '../features/register/import-service.ts';
import { addOwnerOnBasis } from '../features/register/owner-service.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { privateStore } from '../lib/files/private-store.ts';
import { zId } from '../lib/input.ts';
import { normaliseMobile } from '../features/accounts/mobile.ts';

const MAX_BYTES = 10 * 1024 * 1024;
const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export const registerActions = {
  /** Reads a register file and keeps a preview (ID numbers already hashed); writes nothing to the register. */
  preview: defineAction({
    accept: 'form',
    input: z.object({ estateId: zId('err.required'), file: z.instanceof(File, { message: 'err.fileRequired' }) }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const estate = await estateResource(database, input.estateId);
      if (!user || !estate || !can(user, 'register.import', estate)) return { ok: false as const, error: 'err.forbidden' };
      const key = idKeyOrNull();
      if (!key) return { ok: false as const, error: 'err.idKeyMissing' };
      if (input.file.size === 0) return { ok: false as const, error: 'err.fileEmpty', field: 'file' };
      if (input.file.size > MAX_BYTES) return { ok: false as const, error: 'err.fileTooLarge', field: 'file' };
      const bytes = new Uint8Array(await input.file.arrayBuffer());
      const name = input.file.name.toLowerCase();
      let table: string[][];
      try {
        if (name.endsWith('.xlsx')) {
          if (!isZip(bytes)) return { ok: false as const, error: 'err.fileType', field: 'file' };
          table = await readXlsx(bytes);
        } else if (name.endsWith('.csv') || name.endsWith('.txt')) {
          if (isZip(bytes) || bytes.includes(0)) return { ok: false as const, error: 'err.fileType', field: 'file' };
          table = readCsv(bytes);
        } else {
          return { ok: false as const, error: 'err.fileType', field: 'file' };
        }
      } catch {
        return { ok: false as const, error: 'err.fileUnreadable', field: 'file' };
      }
      await discardStalePreviews(database);
      const parsed = parseRegister(table);
      const chosen = keepChosenEstate(parsed.rows, estate.name);
      const flats = prepareRows(chosen.rows, key);
      const plan = await planImport(database, estate.estateId, flats);
      const row = await database
        .insertInto('register_imports')
        .values({
          estate_id: estate.estateId,
          user_id: user.id,
          file_name: input.file.name.slice(0, 200),
          sha256: createHash('sha256').update(bytes).digest('hex'),
          summary: dbJson({
            flats,
            faults: storableFaults([...parsed.faults, ...chosen.faults].sort((a, b) => a.line - b.line)),
            plan,
            dataLines: parsed.dataLines,
          }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ok: true as const, importId: row.id };
    },
  }),
  confirm: defineAction({
    accept: 'form',
    input: z.object({ importId: zId() }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      await discardStalePreviews(database); // a preview older than a day is gone, not confirmable
      const imp = await database.selectFrom('register_imports').selectAll().where('id', '=', input.importId).executeTakeFirst();
      const estate = imp ? await estateResource(database, imp.estate_id) : null;
      if (!user || !imp || !estate || !can(user, 'register.import', estate)) return { ok: false as const, error: 'err.forbidden' };
      if (imp.status !== 'preview') return { ok: false as const, error: 'err.importDone' };
      const flats = (imp.summary as { flats: PreparedFlat[] }).flats;
      const plan = await applyImport(database, { estateId: estate.estateId, importId: imp.id, actorUserId: user.id, flats });
      return { ok: true as const, plan };
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
      const database = await db();
      const estate = await estateResource(database, input.estateId);
      if (!user || !estate || !can(user, 'register.addOwner', estate)) return { ok: false as const, error: 'err.forbidden' };
      const key = idKeyOrNull();
      if (!key) return { ok: false as const, error: 'err.idKeyMissing' };
      const phone = input.phone ? normaliseMobile(input.phone) : null;
      if (input.phone && !phone) return { ok: false as const, error: 'err.phone', field: 'phone' };
      const checked = await checkUpload(input.proof, PROOF_TYPES, 5 * 1024 * 1024);
      if (!checked.ok) return { ok: false as const, error: checked.error, field: 'proof' };
      const stored = await privateStore().put(checked.bytes);
      return addOwnerOnBasis(database, key, user.id, { ...input, phone }, stored.key);
    },
  }),
  discard: defineAction({
    accept: 'form',
    input: z.object({ importId: zId() }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const imp = await database.selectFrom('register_imports').select(['id', 'estate_id']).where('id', '=', input.importId).executeTakeFirst();
      const estate = imp ? await estateResource(database, imp.estate_id) : null;
      if (!user || !imp || !estate || !can(user, 'register.import', estate)) return { ok: false as const, error: 'err.forbidden' };
      await database
        .updateTable('register_imports')
        .set({ status: 'discarded', summary: JSON.stringify({ discarded: true }) })
        .where('id', '=', imp.id)
        .where('status', '=', 'preview')
        .execute();
      return { ok: true as const };
    },
  }),
};

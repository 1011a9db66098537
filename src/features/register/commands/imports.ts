import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { dbJson } from '../../../lib/db/json.ts';
import type { IdKey } from '../../../lib/id-key.ts';
import { readCsv, readXlsx } from '../read-table.ts';
import { parseRegister } from '../parse-rows.ts';
import { keepChosenEstate, prepareRows, storableFaults, type PreparedFlat } from '../prepare.ts';
import { applyImport, discardStalePreviews, planImport, type ImportPlan } from '../import-service.ts';

type DB = Kysely<Database>;
type Refusal = { ok: false; error: string; field?: string };

/** The largest register file read (a whole estate's .xlsx is well under it). */
export const REGISTER_MAX_BYTES = 10 * 1024 * 1024;
const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** The file's cells: .xlsx (a zip) or .csv/.txt (text, no NUL), told by name and checked by content. */
export async function readRegisterFile(name: string, bytes: Uint8Array): Promise<{ ok: true; table: string[][] } | Refusal> {
  const lower = name.toLowerCase();
  try {
    if (lower.endsWith('.xlsx')) {
      if (!isZip(bytes)) return { ok: false, error: 'err.fileType', field: 'file' };
      return { ok: true, table: await readXlsx(bytes) };
    }
    if (lower.endsWith('.csv') || lower.endsWith('.txt')) {
      if (isZip(bytes) || bytes.includes(0)) return { ok: false, error: 'err.fileType', field: 'file' };
      return { ok: true, table: readCsv(bytes) };
    }
    return { ok: false, error: 'err.fileType', field: 'file' };
  } catch {
    return { ok: false, error: 'err.fileUnreadable', field: 'file' };
  }
}

/**
 * Staff read a register file of one estate and keep a preview (ID numbers already hashed,
 * rows of other estates left out, faults by line, what confirming would change); nothing is
 * written to the register. Previews older than a day are discarded first.
 */
export async function previewImport(
  db: DB,
  actorUserId: number,
  input: { estate: { estateId: number; name: string }; file: File; key: IdKey },
): Promise<{ ok: true; importId: number } | Refusal> {
  const { estate, file, key } = input;
  if (file.size === 0) return { ok: false, error: 'err.fileEmpty', field: 'file' };
  if (file.size > REGISTER_MAX_BYTES) return { ok: false, error: 'err.fileTooLarge', field: 'file' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const read = await readRegisterFile(file.name, bytes);
  if (!read.ok) return read;
  await discardStalePreviews(db);
  const parsed = parseRegister(read.table);
  const chosen = keepChosenEstate(parsed.rows, estate.name);
  const flats = prepareRows(chosen.rows, key);
  const plan = await planImport(db, estate.estateId, flats);
  const row = await db
    .insertInto('register_imports')
    .values({
      estate_id: estate.estateId,
      user_id: actorUserId,
      file_name: file.name.slice(0, 200),
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
  return { ok: true, importId: row.id };
}

/** Staff confirm a preview: the register of its estate becomes the file's (a preview older than a day is gone, not confirmable). */
export async function confirmImport(
  db: DB,
  actorUserId: number,
  input: { importId: number; estateId: number },
): Promise<{ ok: true; plan: ImportPlan } | Refusal> {
  await discardStalePreviews(db);
  const imp = await db.selectFrom('register_imports').select(['id', 'status', 'summary']).where('id', '=', input.importId).executeTakeFirst();
  if (!imp) return { ok: false, error: 'err.notFound' };
  if (imp.status !== 'preview') return { ok: false, error: 'err.importDone' };
  const flats = (imp.summary as { flats: PreparedFlat[] }).flats;
  const plan = await applyImport(db, { estateId: input.estateId, importId: imp.id, actorUserId, flats });
  return { ok: true, plan };
}

/** Staff discard a preview: its contents (names, phones, ID hashes) are gone, the row stays as a trace. */
export async function discardImport(db: DB, _actorUserId: number, input: { importId: number }): Promise<{ ok: true }> {
  await db
    .updateTable('register_imports')
    .set({ status: 'discarded', summary: JSON.stringify({ discarded: true }) })
    .where('id', '=', input.importId)
    .where('status', '=', 'preview')
    .execute();
  return { ok: true };
}

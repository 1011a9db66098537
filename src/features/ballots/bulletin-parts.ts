import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { publicBulletinText } from './bulletin.ts';

type DB = Kysely<Database>;
type Tx = Transaction<Database>;

// A published bulletin kept in parts (ballot_bulletin_parts, migration 0065): each form cut
// at line ends into parts of about PART_CHARS characters, whose concatenation is the exact
// published text. bulletin.json and bulletin-full.json stream them a few parts at a time
// (keyset on seq), so the first byte leaves before the whole bulletin is read (a
// 50,000-household vote's bulletin is over 20 MB) and the server never holds it whole.

export const PART_CHARS = 256 * 1024;
const PARTS_A_READ = 4;
const PARTS_A_WRITE = 16;

/** Cuts a text after a line end near every `size` characters (never inside a character); joined, the parts are the text. */
export function cutAtLines(text: string, size = PART_CHARS): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end - 1);
      end = nl >= start ? nl + 1 : text.indexOf('\n', end) + 1 || text.length;
    }
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

/** Keeps both forms of a bulletin version in parts (inside the publishing transaction). */
export async function storeBulletinParts(trx: Tx, ballotId: number, version: number, forms: { full: string; public: string }) {
  for (const form of ['full', 'public'] as const) {
    const parts = cutAtLines(forms[form]);
    for (let i = 0; i < parts.length; i += PARTS_A_WRITE) {
      await trx
        .insertInto('ballot_bulletin_parts')
        .values(parts.slice(i, i + PARTS_A_WRITE).map((body, k) => ({ ballot_id: ballotId, version, form, seq: i + k, body })))
        .execute();
    }
  }
}

export type BulletinStream = { version: number; stage: 'preliminary' | 'final'; sha256: string; fullSha256: string; body: ReadableStream<Uint8Array> };

/**
 * One bulletin version (the latest when `version` is null) in the given form, as a stream of
 * its exact published bytes, with its sha256 known before the first byte. Versions kept in
 * parts stream part by part; older ones (published before 0065) are read whole and, for the
 * public form, derived as before (publicBulletinText). Undefined when there is no such version.
 */
export async function bulletinStream(db: DB, ballotId: number, version: number | null, form: 'full' | 'public'): Promise<BulletinStream | undefined> {
  let q = db.selectFrom('ballot_bulletins').select(['version', 'stage', 'sha256', 'public_sha256']).where('ballot_id', '=', ballotId);
  q = version === null ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const head = { version: row.version, stage: row.stage, fullSha256: row.sha256 };
  if (row.public_sha256 === null) {
    const whole = await db
      .selectFrom('ballot_bulletins')
      .select('body')
      .where('ballot_id', '=', ballotId)
      .where('version', '=', row.version)
      .executeTakeFirstOrThrow();
    const text = form === 'full' ? { body: whole.body, sha256: row.sha256 } : publicBulletinText(whole.body);
    return { ...head, sha256: text.sha256, body: new Blob([text.body]).stream() };
  }
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const parts = await db
        .selectFrom('ballot_bulletin_parts')
        .select(['seq', 'body'])
        .where('ballot_id', '=', ballotId)
        .where('version', '=', row.version)
        .where('form', '=', form)
        .where('seq', '>=', next)
        .orderBy('seq')
        .limit(PARTS_A_READ)
        .execute();
      if (parts.length === 0) return controller.close();
      for (const p of parts) controller.enqueue(encoder.encode(p.body));
      next = parts[parts.length - 1]!.seq + 1;
    },
  });
  return { ...head, sha256: form === 'full' ? row.sha256 : row.public_sha256, body };
}

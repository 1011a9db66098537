import { createHash } from 'node:crypto';
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
const PARTS_A_WRITE = 4;

/**
 * Cuts a text into parts as it is written: after the last line end within `size`
 * characters, else after the first one beyond (never inside a line, so never inside a
 * character); the rest, whatever its length, when the text ends. Joined, the parts are the text.
 */
export class LineCutter {
  private rest = '';
  private readonly size: number;
  constructor(size = PART_CHARS) {
    this.size = size;
  }

  /** The parts that are complete once `text` is added. */
  push(text: string): string[] {
    this.rest += text;
    return this.cut(false);
  }

  /** The last parts, once the text is over. */
  end(): string[] {
    const parts = this.cut(true);
    if (this.rest.length > 0) parts.push(this.rest);
    this.rest = '';
    return parts;
  }

  private cut(final: boolean): string[] {
    const parts: string[] = [];
    while (this.rest.length > this.size) {
      const nl = this.rest.lastIndexOf('\n', this.size - 1);
      let end = nl >= 0 ? nl + 1 : this.rest.indexOf('\n', this.size) + 1;
      if (end === 0) {
        if (!final) break; // no line end yet: wait for one
        end = this.rest.length;
      }
      parts.push(this.rest.slice(0, end));
      this.rest = this.rest.slice(end);
    }
    return parts;
  }
}

/** Cuts a whole text as LineCutter does: joined, the parts are the text. */
export function cutAtLines(text: string, size = PART_CHARS): string[] {
  const cutter = new LineCutter(size);
  return [...cutter.push(text), ...cutter.end()];
}

/**
 * One form of a bulletin version being published, written into ballot_bulletin_parts a few
 * parts at a time as its text is produced, and hashed on the way: the server holds a part or
 * so of it, never the whole (inside the publishing transaction).
 */
export class PartWriter {
  private readonly hash = createHash('sha256');
  private readonly cutter = new LineCutter();
  private pending: string[] = [];
  private seq = 0;
  private readonly trx: Tx;
  private readonly key: { ballot_id: number; version: number; form: 'full' | 'public' };

  constructor(trx: Tx, ballotId: number, version: number, form: 'full' | 'public') {
    this.trx = trx;
    this.key = { ballot_id: ballotId, version, form };
  }

  async write(text: string): Promise<void> {
    this.hash.update(text);
    for (const part of this.cutter.push(text)) this.pending.push(part);
    if (this.pending.length >= PARTS_A_WRITE) await this.flush();
  }

  /** Writes what is left; the sha256 of the whole text written. */
  async end(): Promise<string> {
    for (const part of this.cutter.end()) this.pending.push(part);
    await this.flush();
    return this.hash.digest('hex');
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending.map((body, k) => ({ ...this.key, seq: this.seq + k, body }));
    this.seq += rows.length;
    this.pending = [];
    await this.trx.insertInto('ballot_bulletin_parts').values(rows).execute();
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

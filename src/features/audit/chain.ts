import { createHash } from 'node:crypto';

// The audit chain: each entry stores sha256(previous hash + its own canonical content),
// so that changing, removing or reordering any entry breaks every hash after it.

export const GENESIS = '0'.repeat(64);

export interface AuditContent {
  at: Date;
  actorUserId: number | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

/** JSON with object keys sorted at every depth: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError('audit details hold integers only');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(prevHash: string, c: AuditContent): string {
  const body = canonicalJson({ at: c.at.toISOString(), actor: c.actorUserId, action: c.action, target: c.target, detail: c.detail });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

export interface StoredEntry extends AuditContent {
  id: number;
  prevHash: string;
  hash: string;
}

export type ChainCheck = { ok: true; checked: number; head: string } | { ok: false; checked: number; brokenId: number; reason: 'prev_hash' | 'hash' };

/** Checks entries given in id order, continuing from `prev` (GENESIS for the first). */
export function checkChain(entries: Iterable<StoredEntry>, prev = GENESIS, checkedBefore = 0): ChainCheck {
  let checked = checkedBefore;
  for (const e of entries) {
    if (e.prevHash !== prev) return { ok: false, checked, brokenId: e.id, reason: 'prev_hash' };
    if (entryHash(prev, e) !== e.hash) return { ok: false, checked, brokenId: e.id, reason: 'hash' };
    prev = e.hash;
    checked++;
  }
  return { ok: true, checked, head: prev };
}

/** A chain head as recorded for a day and published: the entry id and its hash. */
export interface RecordedHead {
  day: string;
  entryId: number;
  hash: string;
}

export type HeadCheck = { ok: true; checked: number } | { ok: false; checked: number; day: string; entryId: number; reason: 'missing' | 'hash' | 'order' };

/** Each head must name an entry still stored with exactly its hash; heads move forward with the days. */
export function checkHeads(heads: readonly RecordedHead[], storedHash: ReadonlyMap<number, string>): HeadCheck {
  const sorted = [...heads].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  let checked = 0;
  let last: RecordedHead | null = null;
  for (const h of sorted) {
    const stored = storedHash.get(h.entryId);
    if (stored === undefined) return { ok: false, checked, day: h.day, entryId: h.entryId, reason: 'missing' };
    if (stored !== h.hash) return { ok: false, checked, day: h.day, entryId: h.entryId, reason: 'hash' };
    if (last && h.entryId < last.entryId) return { ok: false, checked, day: h.day, entryId: h.entryId, reason: 'order' };
    last = h;
    checked++;
  }
  return { ok: true, checked };
}

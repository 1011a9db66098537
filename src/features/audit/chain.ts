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

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, checkChain, checkHeads, entryHash, GENESIS, type StoredEntry } from '../../src/features/audit/chain.ts';
import { headsDocument, publishedHeads } from '../../src/features/audit/heads-json.ts';

function chain(n: number): StoredEntry[] {
  const out: StoredEntry[] = [];
  let prev = GENESIS;
  for (let i = 1; i <= n; i++) {
    const c = {
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      actorUserId: i % 3 ? i : null,
      action: 'project.edit',
      target: `project:${i}`,
      detail: { field: 'stage', to: i % 6 },
    };
    const hash = entryHash(prev, c);
    out.push({ ...c, id: i, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit chain', () => {
  it('canonical JSON sorts keys at every depth and refuses floats', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(() => canonicalJson({ x: 0.1 })).toThrow(RangeError);
  });
  it('accepts an intact chain', () => {
    expect(checkChain(chain(50))).toMatchObject({ ok: true, checked: 50 });
    expect(checkChain([])).toEqual({ ok: true, checked: 0, head: GENESIS });
  });
  it('names the first entry whose content, link or order was changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 19 }), fc.constantFrom('detail', 'action', 'prev', 'drop', 'swap'), (i, how) => {
        const c = chain(20);
        if (how === 'detail') c[i] = { ...c[i]!, detail: { field: 'stage', to: 99 } };
        if (how === 'action') c[i] = { ...c[i]!, action: 'project.delete' };
        if (how === 'prev') c[i] = { ...c[i]!, prevHash: 'f'.repeat(64) };
        if (how === 'drop') c.splice(i, 1);
        if (how === 'swap') {
          if (i === 19) return true;
          [c[i], c[i + 1]] = [c[i + 1]!, c[i]!];
        }
        const res = checkChain(c);
        if (how === 'drop' && i === 19) return res.ok; // dropping the head is caught by the published head, not the chain
        return !res.ok && res.brokenId === c[i]!.id && res.checked === i;
      }),
    );
  });
  it('checks published heads against the stored hashes', () => {
    const c = chain(10);
    const stored = new Map(c.map((e) => [e.id, e.hash]));
    const heads = [
      { day: '2026-01-01', entryId: 3, hash: c[2]!.hash },
      { day: '2026-01-02', entryId: 7, hash: c[6]!.hash },
    ];
    expect(checkHeads(heads, stored)).toEqual({ ok: true, checked: 2 });
    // a rewritten and re-hashed history carries other hashes
    const rewritten = new Map(stored).set(7, 'e'.repeat(64));
    expect(checkHeads(heads, rewritten)).toEqual({ ok: false, checked: 1, day: '2026-01-02', entryId: 7, reason: 'hash' });
    const dropped = new Map(stored);
    dropped.delete(3);
    expect(checkHeads(heads, dropped)).toMatchObject({ ok: false, entryId: 3, reason: 'missing' });
    expect(checkHeads([heads[1]!, { ...heads[0]!, day: '2026-01-03' }], stored)).toMatchObject({ ok: false, reason: 'order' });
  });
  it('reads back a kept copy of the published heads', () => {
    const heads = [{ day: '2026-01-01', entryId: 3, hash: 'a'.repeat(64) }];
    expect(publishedHeads(JSON.parse(JSON.stringify(headsDocument(heads))))).toEqual({ ok: true, heads });
    expect(publishedHeads(heads)).toEqual({ ok: true, heads });
    expect(publishedHeads({ heads: [{ day: '2026-01-01', entryId: 3, hash: 'xyz' }] }).ok).toBe(false);
    expect(publishedHeads(null).ok).toBe(false);
  });
});

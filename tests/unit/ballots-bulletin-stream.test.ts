import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bulletinSchema, bulletinText, BulletinTextWriter, newReceipt, recount, toPublicBulletin } from '../../src/features/ballots/bulletin.ts';
import { recountStream } from '../../src/features/ballots/bulletin-stream.ts';
import { formatAreaM2 } from '../../src/features/ballots/area.ts';
import type { Choice } from '../../src/features/ballots/tally.ts';
import type { Bulletin, PublicBulletin } from '../../src/features/ballots/bulletin.ts';
import { cutAtLines, LineCutter } from '../../src/features/ballots/bulletin-parts.ts';

// Bulletins of any content (not only valid ones: the text is what is checked here), with
// matter ids that look like numbers too (JavaScript lists such keys first in an object).
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '9', '"', '\\', '\n', '数', '😀', ' ', '\u2028', '-') });
const matterId = fc.oneof(fc.constantFrom('m1', 'm2', '1', '2', '10', '007'), text);
const choice = fc.constantFrom('agree', 'oppose', 'abstain');
const fullVoter = fc.record({
  id: text,
  receipt: fc.option(text, { nil: null }),
  units: fc.array(
    fc.record(
      { estate: fc.option(text, { nil: undefined }), building: text, entrance: text, room: text, areaM2: text },
      { requiredKeys: ['building', 'entrance', 'room', 'areaM2'] },
    ),
    { maxLength: 3 },
  ),
  votes: fc.dictionary(matterId, choice, { maxKeys: 4 }),
});
const publicVoter = fc.record({ receipt: fc.option(text, { nil: null }), areaM2: text, votes: fc.dictionary(matterId, choice, { maxKeys: 4 }) });
const head = fc.record({
  ballot: fc.record({ id: text, title: text, closedAt: text, version: fc.integer() }),
  matters: fc.array(fc.record({ id: matterId, title: text, kind: fc.constantFrom('major', 'ordinary') }), { maxLength: 4 }),
});
const anyBulletin = fc.oneof(
  fc.record({ head, voters: fc.array(fullVoter, { maxLength: 6 }) }).map(({ head, voters }) => ({ ...head, voters }) as unknown as Bulletin),
  fc.record({ head, voters: fc.array(publicVoter, { maxLength: 6 }) }).map(({ head, voters }) => ({ ...head, voters }) as unknown as PublicBulletin),
);

describe('the published text of a bulletin, written a piece at a time', () => {
  it('is pretty-printed JSON with a final newline, byte for byte, whatever the bulletin holds', () => {
    fc.assert(
      fc.property(anyBulletin, (b) => {
        expect(bulletinText(b).body).toBe(`${JSON.stringify(b, null, 2)}\n`);
        const w = new BulletinTextWriter(b);
        expect([w.start(), ...b.voters.map((v) => w.voter(v)), w.end()].join('')).toBe(`${JSON.stringify(b, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });
  it('writes an empty voters list as []', () => {
    const b = {
      ballot: { id: 'b1', title: 't', closedAt: '2026-01-01T00:00:00Z', version: 1 },
      matters: [{ id: 'm1', title: 'x', kind: 'major' }],
      voters: [],
    };
    expect(bulletinText(b as Bulletin).body.endsWith('  "voters": []\n}\n')).toBe(true);
  });
});

describe('a text cut at line ends as it is written', () => {
  it('gives the parts cutAtLines gives the whole text, however the text arrives', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '数') }), { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (pieces, size) => {
        const whole = pieces.join('');
        // the whole text cut at once, written out by hand here as the rule says: after the
        // last line end within `size` characters, else after the first one beyond, else the rest
        const expected: string[] = [];
        let rest = whole;
        while (rest.length > 0) {
          let end = rest.length;
          if (rest.length > size) {
            const nl = rest.lastIndexOf('\n', size - 1);
            end = nl >= 0 ? nl + 1 : rest.indexOf('\n', size) + 1 || rest.length;
          }
          expected.push(rest.slice(0, end));
          rest = rest.slice(end);
        }
        const cutter = new LineCutter(size);
        const parts = [...pieces.flatMap((p) => cutter.push(p)), ...cutter.end()];
        expect(parts).toEqual(expected);
        expect(cutAtLines(whole, size)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- the streamed recount ----

const closedAt = '2026-05-20T10:00:00Z';
const validFull = fc
  .record({
    matterCount: fc.integer({ min: 1, max: 4 }),
    numericIds: fc.boolean(),
    rows: fc.array(
      fc.record({
        areas: fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 3 }),
        voted: fc.boolean(),
        choices: fc.array(fc.option(fc.constantFrom<Choice>('agree', 'oppose', 'abstain'), { nil: undefined }), { minLength: 4, maxLength: 4 }),
        estate: fc.constantFrom(undefined, '建设小区', '“引号”\\小区'),
      }),
      { maxLength: 25 },
    ),
  })
  .map(({ matterCount, numericIds, rows }): Bulletin => {
    const matters = Array.from({ length: matterCount }, (_, i) => ({
      id: numericIds ? String(matterCount - i) : `m${i + 1}`,
      title: `事项 ${i}`,
      kind: i % 2 ? ('ordinary' as const) : ('major' as const),
    }));
    let room = 100;
    return bulletinSchema.parse({
      ballot: { id: 'b1', title: '表决 “一”', closedAt, version: 1 },
      matters,
      voters: rows.map((r, i) => ({
        id: `V${String(i + 1).padStart(4, '0')}`,
        receipt: r.voted ? newReceipt() : null,
        units: r.areas.map((a) => ({ ...(r.estate ? { estate: r.estate } : {}), building: '1', entrance: '1', room: String(room++), areaM2: formatAreaM2(a) })),
        votes: r.voted ? Object.fromEntries(matters.flatMap((m, k) => (r.choices[k] ? [[m.id, r.choices[k]]] : []))) : {},
      })),
    });
  });

/** The bytes of a text in pieces cut at the given byte sizes (a character's bytes may fall in two pieces). */
function* pieces(text: string, sizes: number[]): Generator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
async function* from(chunks: Iterable<Uint8Array | string>) {
  yield* chunks;
}

describe('a bulletin recounted as it is read', () => {
  it('gives recount()’s figures for either form, pretty or compact, however its bytes arrive', async () => {
    await fc.assert(
      fc.asyncProperty(validFull, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }), fc.boolean(), async (full, sizes, compact) => {
        const pub = toPublicBulletin(full);
        for (const b of [full, pub]) {
          const text = compact ? JSON.stringify(b) : bulletinText(b).body;
          const got = await recountStream(from(pieces(text, sizes)));
          // no voters: either form, counted alike (bulletinForm says public)
          expect(got).toEqual({ ok: true, form: b === full && b.voters.length > 0 ? 'full' : 'public', voters: b.voters.length, result: recount(b) });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses what the whole schema refuses, naming the same places', async () => {
    const base = (): any =>
      JSON.parse(
        JSON.stringify({
          ...fc.sample(
            validFull.filter((b) => b.voters.length >= 3 && b.voters[0]!.receipt !== null),
            { numRuns: 1, seed: 7 },
          )[0]!,
        }),
      );
    const cases: [string, (b: any) => void][] = [
      ['an area with one decimal', (b) => (b.voters[1].units[0].areaM2 = '85.2')],
      ['a duplicate voter id', (b) => (b.voters[2].id = b.voters[0].id)],
      ['a flat listed twice', (b) => (b.voters[2].units[0] = b.voters[0].units[0])],
      ['a vote on an unknown matter', (b) => (b.voters[0].votes.nope = 'agree')],
      ['a vote on __proto__', (b) => (b.voters[0].votes = JSON.parse('{"__proto__":"agree"}'))],
      ['votes without a receipt', (b) => ((b.voters[0].receipt = null), (b.voters[0].votes = { [b.matters[0].id]: 'agree' }))],
      ['a duplicate matter id', (b) => b.matters.push({ ...b.matters[0] })],
      ['an unknown member', (b) => (b.signature = 'x')],
      ['no ballot', (b) => delete b.ballot],
      ['voters that are not a list', (b) => (b.voters = {})],
      ['no matters', (b) => (b.matters = [])],
    ];
    for (const [what, mutate] of cases) {
      const b = base();
      mutate(b);
      const text = JSON.stringify(b, null, 2);
      const whole = bulletinSchema.safeParse(JSON.parse(text));
      expect(whole.success, what).toBe(false);
      const got = await recountStream(from([text]));
      expect(got.ok, what).toBe(false);
      if (got.ok || !('problems' in got)) throw new Error(`${what}: ${JSON.stringify(got)}`);
      const paths = whole.error!.issues.map((i) => (i.path.length > 0 ? i.path.join('.') : '(root)'));
      expect(
        got.problems.map((p) => p.slice(0, p.indexOf(': '))),
        what,
      ).toEqual(expect.arrayContaining(paths.slice(0, 1)));
    }
  });

  it('says where the text stops being JSON, and that a cut file is truncated', async () => {
    const full = fc.sample(
      validFull.filter((b) => b.voters.length >= 5),
      { numRuns: 1, seed: 3 },
    )[0]!;
    const text = bulletinText(full).body;
    for (const cut of [1, 200, text.length - 40, text.length - 2]) {
      const got = await recountStream(from([text.slice(0, cut)]));
      expect(got.ok).toBe(false);
      if (got.ok || !('syntax' in got)) throw new Error('not a syntax error');
      expect(got.syntax.truncated).toBe(true);
      expect(got.syntax.en).toMatch(/truncated/);
      expect(got.syntax.en).toContain(`line ${text.slice(0, cut).split('\n').length}`);
    }
    const empty = await recountStream(from(['  \n']));
    expect(empty.ok === false && 'syntax' in empty && empty.syntax.en).toBe('the file is empty');
    for (const [bad, line] of [
      [text.replace('"matters": [', '"matters" ['), 8],
      [text.replace(/\n}\n$/, '\n}\n{}'), text.split('\n').length],
      [text.replace('"receipt": ', '"receipt": +'), 0],
    ] as const) {
      const got = await recountStream(from([bad]));
      expect(got.ok).toBe(false);
      if (got.ok || !('syntax' in got)) throw new Error('not a syntax error');
      expect(got.syntax.truncated).toBe(false);
      if (line > 0) expect(got.syntax.en).toContain(`line ${line}:`);
    }
  });
});

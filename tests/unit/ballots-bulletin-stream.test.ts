import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bulletinText, BulletinTextWriter } from '../../src/features/ballots/bulletin.ts';
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

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatAreaM2, parseAreaM2 } from '../../src/features/ballots/area.ts';
import { createHash } from 'node:crypto';
import {
  ballotsFromBulletin,
  bulletinSchema,
  bulletinText,
  newReceipt,
  parseAnyBulletin,
  publicBulletinSchema,
  publicBulletinText,
  publicResults,
  receiptValid,
  recount,
  rollFromBulletin,
  toPublicBulletin,
} from '../../src/features/ballots/bulletin.ts';
import type { Bulletin } from '../../src/features/ballots/bulletin.ts';
import { toBulletin } from '../../src/features/ballots/bulletin-build.ts';
import { normaliseReceipt, RECEIPT_ALPHABET } from '../../src/features/ballots/receipt.ts';
import { buildRoll } from '../../src/features/ballots/roll.ts';
import type { RollUnit } from '../../src/features/ballots/roll.ts';
import { tally, tallyByBuilding } from '../../src/features/ballots/tally.ts';
import type { Ballot, Choice, TallyMatter } from '../../src/features/ballots/tally.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'src/cli/ballot-recount.ts');

const sample = (): Bulletin => ({
  ballot: { id: 'b42', title: '建设路小区改造方案表决', closedAt: '2026-05-20T10:00:00Z', version: 1 },
  matters: [
    { id: 'm1', title: '改造方案', kind: 'major' },
    { id: 'm2', title: '选聘物业服务企业', kind: 'ordinary' },
  ],
  voters: [
    { id: 'V0001', receipt: 'ABCD-EFGH-JK', units: [{ building: '3', entrance: '1', room: '201', areaM2: '85.23' }], votes: { m1: 'agree', m2: 'agree' } },
    {
      id: 'V0002',
      receipt: 'MNPQ-RSTU-VW',
      units: [
        { building: '3', entrance: '1', room: '202', areaM2: '60.00' },
        { building: '4', entrance: '2', room: '101', areaM2: '40.50' },
      ],
      votes: { m1: 'agree', m2: 'abstain' },
    },
    { id: 'V0003', receipt: '2345-6789-XY', units: [{ building: '3', entrance: '2', room: '201', areaM2: '70.07' }], votes: { m1: 'oppose' } },
    { id: 'V0004', receipt: null, units: [{ building: '4', entrance: '1', room: '101', areaM2: '55.10' }], votes: {} },
  ],
});

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('areas as text', () => {
  it('formats and parses two decimals without floats', () => {
    expect(formatAreaM2(8523)).toBe('85.23');
    expect(formatAreaM2(5)).toBe('0.05');
    expect(formatAreaM2(0)).toBe('0.00');
    expect(() => formatAreaM2(1.5)).toThrow(RangeError);
    expect(() => formatAreaM2(-1)).toThrow(RangeError);
    for (const bad of ['85.2', '85.234', '085.23', '-1.00', '1e2', '85', ' 85.23', '85,23', '.23']) expect(parseAreaM2(bad)).toBeNull();
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (cm2) => parseAreaM2(formatAreaM2(cm2)) === cm2));
  });
});

describe('receipts', () => {
  it('are 10 symbols without 0, O, 1 or I, grouped ABCD-EFGH-JK', () => {
    const codes = Array.from({ length: 2000 }, newReceipt);
    for (const c of codes) {
      expect(c).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
      expect(c).not.toMatch(/[01OI]/);
      expect(receiptValid(c)).toBe(true);
    }
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(codes.join('').replaceAll('-', ''))).toEqual(new Set(RECEIPT_ALPHABET));
  });
  it('are checked in their canonical form only', () => {
    for (const bad of ['abcd-efgh-jk', 'ABCDEFGHJK', 'ABCD-EFGH-J', 'ABCD-EFGH-JKL', 'ABCD-EFGH-J0', 'OBCD-EFGH-JK', 'ABCD EFGH JK', '']) {
      expect(receiptValid(bad)).toBe(false);
    }
  });
  it('are found from what a voter types', () => {
    expect(normaliseReceipt(' abcd efgh jk ')).toBe('ABCD-EFGH-JK');
    expect(normaliseReceipt('ＡＢＣＤ－ＥＦＧＨ－ＪＫ')).toBe('ABCD-EFGH-JK');
    expect(normaliseReceipt('abcdefghj')).toBeNull();
    expect(normaliseReceipt('abcd-efgh-j1')).toBeNull();
  });
});

describe('bulletin schema', () => {
  it('accepts the published shape', () => {
    expect(bulletinSchema.parse(sample())).toEqual(sample());
    const noVoters = { ...sample(), voters: [] };
    expect(bulletinSchema.safeParse(noVoters).success).toBe(true);
    const ms = clone(sample());
    ms.ballot.closedAt = '2026-05-20T10:00:00.123Z';
    expect(bulletinSchema.safeParse(ms).success).toBe(true);
  });

  const rejects: [string, (b: any) => void][] = [
    ['an area as a number', (b) => (b.voters[0].units[0].areaM2 = 85.23)],
    ['an area with one decimal', (b) => (b.voters[0].units[0].areaM2 = '85.2')],
    ['an area with three decimals', (b) => (b.voters[0].units[0].areaM2 = '85.230')],
    ['an area with a leading zero', (b) => (b.voters[0].units[0].areaM2 = '085.23')],
    ['a negative area', (b) => (b.voters[0].units[0].areaM2 = '-85.23')],
    ['a zero area', (b) => (b.voters[0].units[0].areaM2 = '0.00')],
    ['an unknown choice', (b) => (b.voters[0].votes.m1 = 'yes')],
    ['a choice in capitals', (b) => (b.voters[0].votes.m1 = 'AGREE')],
    ['a vote on an unknown matter', (b) => (b.voters[0].votes.m3 = 'agree')],
    ['a vote on __proto__', (b) => (b.voters[0].votes = JSON.parse('{"__proto__":"agree"}'))],
    ['votes without a receipt', (b) => (b.voters[0].receipt = null)],
    ['a receipt that is a number', (b) => (b.voters[0].receipt = 1234)],
    ['a malformed receipt', (b) => (b.voters[0].receipt = 'abcd-efgh-jk')],
    ['a missing receipt', (b) => delete b.voters[0].receipt],
    ['a duplicate receipt', (b) => (b.voters[1].receipt = b.voters[0].receipt)],
    ['a duplicate voter id', (b) => (b.voters[1].id = 'V0001')],
    ['a malformed voter id', (b) => (b.voters[1].id = 'X2')],
    ['a duplicate matter id', (b) => (b.matters[1].id = 'm1')],
    ['an empty matter id', (b) => (b.matters[1].id = '')],
    ['an unknown kind', (b) => (b.matters[0].kind = 'minor')],
    ['no matters', (b) => (b.matters = [])],
    ['a voter without flats', (b) => (b.voters[3].units = [])],
    ['a flat listed twice', (b) => (b.voters[3].units = [{ ...b.voters[0].units[0] }])],
    ['a flat without an entrance', (b) => delete b.voters[0].units[0].entrance],
    ['an extra field at the top', (b) => (b.results = {})],
    ['an extra field on a voter', (b) => (b.voters[0].name = '张三')],
    ['an extra field on a flat', (b) => (b.voters[0].units[0].owner = '张三')],
    ['a version of 0', (b) => (b.ballot.version = 0)],
    ['a version as text', (b) => (b.ballot.version = '1')],
    ['a closing time with an offset', (b) => (b.ballot.closedAt = '2026-05-20T18:00:00+08:00')],
    ['a closing time that is not a time', (b) => (b.ballot.closedAt = 'yesterday')],
    ['voters that are not a list', (b) => (b.voters = {})],
    ['votes that are a list', (b) => (b.voters[0].votes = ['agree'])],
  ];
  for (const [what, mutate] of rejects) {
    it(`rejects ${what}`, () => {
      const b = clone(sample());
      mutate(b);
      expect(bulletinSchema.safeParse(b).success).toBe(false);
    });
  }
  it('rejects what is not a bulletin at all', () => {
    for (const x of [null, 1, 'x', [], {}]) expect(bulletinSchema.safeParse(x).success).toBe(false);
  });
});

// The sample's figures, worked out by hand (Civil Code Art. 278):
// eligible 85.23 + 100.50 + 70.07 + 55.10 = 310.90 m², 4 voters;
// m1 (major): 3 of 4 took part (255.80 m², over 2/3), agree 185.73 of 255.80 m² is under 3/4;
// m2 (ordinary): 2 of 4 took part (185.73 of 310.90 m², under 2/3): no quorum.
const SAMPLE_RECOUNT = {
  matters: [
    {
      id: 'm1',
      quorumMet: true,
      passed: false,
      eligible: { areaM2: '310.90', owners: 4 },
      participating: { areaM2: '255.80', owners: 3 },
      agree: { areaM2: '185.73', owners: 2 },
      oppose: { areaM2: '70.07', owners: 1 },
      abstain: { areaM2: '0.00', owners: 0 },
    },
    {
      id: 'm2',
      quorumMet: false,
      passed: false,
      eligible: { areaM2: '310.90', owners: 4 },
      participating: { areaM2: '185.73', owners: 2 },
      agree: { areaM2: '85.23', owners: 1 },
      oppose: { areaM2: '0.00', owners: 0 },
      abstain: { areaM2: '100.50', owners: 1 },
    },
  ],
};

describe('recount', () => {
  it('gives exactly the published figures', () => {
    const out = recount(bulletinSchema.parse(sample()));
    expect(JSON.stringify(out)).toBe(JSON.stringify(SAMPLE_RECOUNT));
    // eligible 85.23 + 100.50 + 70.07 + 55.10 = 310.90 m², 4 voters
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        matters: [
          {
            id: 'm1',
            quorumMet: true,
            passed: false,
            eligible: { areaM2: '310.90', owners: 4 },
            participating: { areaM2: '255.80', owners: 3 },
            agree: { areaM2: '185.73', owners: 2 },
            oppose: { areaM2: '70.07', owners: 1 },
            abstain: { areaM2: '0.00', owners: 0 },
          },
          {
            id: 'm2',
            quorumMet: false,
            passed: false,
            eligible: { areaM2: '310.90', owners: 4 },
            participating: { areaM2: '185.73', owners: 2 },
            agree: { areaM2: '85.23', owners: 1 },
            oppose: { areaM2: '0.00', owners: 0 },
            abstain: { areaM2: '100.50', owners: 1 },
          },
        ],
      }),
    );
  });
  it('rebuilds the tally inputs', () => {
    const b = bulletinSchema.parse(sample());
    expect(rollFromBulletin(b).voters[1]).toEqual({
      id: 'V0002',
      units: [
        { building: '3', entrance: '1', room: '202', areaCm2: 6000 },
        { building: '4', entrance: '2', room: '101', areaCm2: 4050 },
      ],
    });
    expect(ballotsFromBulletin(b).map((x) => x.voterId)).toEqual(['V0001', 'V0002', 'V0003']);
    expect(ballotsFromBulletin(b)[2]).toEqual({ voterId: 'V0003', choices: { m1: 'oppose' } });
  });

  const caseArb = fc
    .record({
      rows: fc.uniqueArray(
        fc.record({
          building: fc.constantFrom('1', '2', '10'),
          room: fc.constantFrom('101', '102', '201'),
          areaCm2: fc.integer({ min: 1, max: 30_000 }),
          developerHeld: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
        }),
        { selector: (r) => `${r.building}/${r.room}`, maxLength: 9 },
      ),
      links: fc.array(fc.record({ unit: fc.nat(9), owner: fc.nat(6) }), { maxLength: 14 }),
      kinds: fc.array(fc.constantFrom<'major' | 'ordinary'>('major', 'ordinary'), { minLength: 1, maxLength: 3 }),
      ballots: fc.array(
        fc.record({
          voter: fc.nat(10),
          choices: fc.array(fc.option(fc.constantFrom<Choice>('agree', 'oppose', 'abstain'), { nil: undefined }), { minLength: 4, maxLength: 4 }),
        }),
        { maxLength: 14 },
      ),
    })
    .map(({ rows, links, kinds, ballots }) => {
      const units = rows.map((r, i): RollUnit => ({ unitId: `u${i}`, entrance: '1', ...r }));
      const roll = buildRoll(
        units,
        links.map((l) => ({ unitId: `u${l.unit}`, ownerId: `o${l.owner}` })),
      );
      const matters = kinds.map((kind, i): TallyMatter & { title: string } => ({ id: `m${i + 1}`, title: `事项${i + 1}`, kind }));
      const receipts = new Map<string, string>();
      const cast = ballots.map((b): Ballot & { receipt: string } => {
        const voterId = `V${String(b.voter + 1).padStart(4, '0')}`;
        if (!receipts.has(voterId)) receipts.set(voterId, newReceipt());
        const choices = Object.fromEntries(b.choices.flatMap((c, i) => (c ? [[`m${i + 1}`, c]] : [])));
        return { voterId, choices, receipt: receipts.get(voterId)! };
      });
      return { roll, matters, cast };
    });

  it('of a bulletin equals the tally of the same data', () => {
    fc.assert(
      fc.property(caseArb, ({ roll, matters, cast }) => {
        const bulletin = toBulletin({
          ballot: { id: 'b1', title: 't', closedAt: new Date(Date.UTC(2026, 4, 20)), version: 1 },
          matters,
          voters: roll.voters,
          ballots: cast,
        });
        const published = JSON.parse(JSON.stringify(bulletin));
        expect(recount(bulletinSchema.parse(published))).toEqual(publicResults(tally(roll, cast, matters)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the public form of a bulletin', () => {
  // written out by hand from sample(): voters who voted by receipt code in code-point order
  // ('2' < 'A' < 'M'), each with the sum of their flats; then the one who did not vote
  const EXPECTED_PUBLIC_VOTERS = [
    { receipt: '2345-6789-XY', areaM2: '70.07', votes: { m1: 'oppose' } },
    { receipt: 'ABCD-EFGH-JK', areaM2: '85.23', votes: { m1: 'agree', m2: 'agree' } },
    { receipt: 'MNPQ-RSTU-VW', areaM2: '100.50', votes: { m1: 'agree', m2: 'abstain' } },
    { receipt: null, areaM2: '55.10', votes: {} },
  ];

  it('lists voters by receipt with their area and choices, without voter ids or flats', () => {
    const pub = toPublicBulletin(bulletinSchema.parse(sample()));
    expect(pub.voters).toEqual(EXPECTED_PUBLIC_VOTERS);
    expect(pub.ballot).toEqual(sample().ballot);
    expect(pub.matters).toEqual(sample().matters);
    const text = JSON.stringify(pub);
    expect(text).not.toMatch(/V000|"units"|"room"|"building"|"entrance"|"estate"|"id":"V/);
    expect(publicBulletinSchema.parse(JSON.parse(text))).toEqual(pub);
  });

  it('recounts to exactly the same figures as the full form', () => {
    const pub = JSON.parse(bulletinText(toPublicBulletin(bulletinSchema.parse(sample()))).body);
    const parsed = parseAnyBulletin(pub);
    expect(parsed.success).toBe(true);
    expect(JSON.stringify(recount(parsed.data!))).toBe(JSON.stringify(SAMPLE_RECOUNT));
  });

  it('is derived reproducibly: the same bytes and sha256 whatever order the full form lists voters in', () => {
    const full = sample();
    const body = bulletinText(bulletinSchema.parse(full)).body;
    const a = publicBulletinText(body);
    const reordered = { ...full, voters: [...full.voters].reverse() };
    const b = publicBulletinText(`${JSON.stringify(reordered, null, 2)}\n`);
    expect(b.body).toBe(a.body);
    expect(a.sha256).toBe(createHash('sha256').update(a.body).digest('hex'));
    expect(a.body.endsWith('}\n')).toBe(true);
    expect(JSON.parse(a.body).voters).toEqual(EXPECTED_PUBLIC_VOTERS);
  });

  it('orders those who did not vote by area, so their order says nothing either', () => {
    const full = clone(sample());
    full.voters.push({ id: 'V0005', receipt: null, units: [{ building: '1', entrance: '1', room: '101', areaM2: '9.99' }], votes: {} });
    full.voters.push({ id: 'V0006', receipt: null, units: [{ building: '9', entrance: '1', room: '101', areaM2: '120.00' }], votes: {} });
    const pub = toPublicBulletin(bulletinSchema.parse(full));
    expect(pub.voters.slice(3)).toEqual([
      { receipt: null, areaM2: '9.99', votes: {} },
      { receipt: null, areaM2: '55.10', votes: {} },
      { receipt: null, areaM2: '120.00', votes: {} },
    ]);
  });

  const rejects: [string, (b: any) => void][] = [
    ['votes without a receipt', (b) => (b.voters[3].votes = { m1: 'agree' })],
    ['a duplicate receipt', (b) => (b.voters[1].receipt = b.voters[0].receipt)],
    ['a zero area', (b) => (b.voters[0].areaM2 = '0.00')],
    ['an area as a number', (b) => (b.voters[0].areaM2 = 70.07)],
    ['a vote on an unknown matter', (b) => (b.voters[0].votes.m9 = 'agree')],
    ['an extra field on a voter', (b) => (b.voters[0].flat = '3-1-201')],
  ];
  for (const [what, mutate] of rejects) {
    it(`rejects ${what}`, () => {
      const b = clone(toPublicBulletin(bulletinSchema.parse(sample())));
      mutate(b);
      expect(parseAnyBulletin(b).success).toBe(false);
    });
  }

  it('recounts like the full form for any vote (same figures as the tally)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            areaCm2: fc.integer({ min: 1, max: 40_000 }),
            m1: fc.option(fc.constantFrom<Choice>('agree', 'oppose', 'abstain'), { nil: undefined }),
            m2: fc.option(fc.constantFrom<Choice>('agree', 'oppose', 'abstain'), { nil: undefined }),
            voted: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        (rows) => {
          const full = bulletinSchema.parse({
            ballot: sample().ballot,
            matters: sample().matters,
            voters: rows.map((r, i) => ({
              id: `V${String(i + 1).padStart(4, '0')}`,
              receipt: r.voted ? newReceipt() : null,
              units: [{ building: String(1 + (i % 3)), entrance: '1', room: String(101 + i), areaM2: formatAreaM2(r.areaCm2) }],
              votes: r.voted ? Object.fromEntries((['m1', 'm2'] as const).flatMap((m) => (r[m] ? [[m, r[m]]] : []))) : {},
            })),
          });
          const pub = JSON.parse(publicBulletinText(bulletinText(full).body).body);
          expect(recount(publicBulletinSchema.parse(pub))).toEqual(recount(full));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('a bulletin over several estates', () => {
  const twoEstates = (): Bulletin => ({
    ballot: { id: 'b7', title: '合并项目改造方案表决', closedAt: '2026-07-30T09:00:00Z', version: 1 },
    matters: [{ id: 'm1', title: '改造方案', kind: 'major' }],
    voters: [
      {
        id: 'V0001',
        receipt: 'ABCD-EFGH-JK',
        units: [{ estate: '建设小区', building: '1', entrance: '1', room: '101', areaM2: '80.00' }],
        votes: { m1: 'agree' },
      },
      { id: 'V0002', receipt: null, units: [{ estate: '建设小区二期', building: '1', entrance: '1', room: '101', areaM2: '60.00' }], votes: {} },
    ],
  });
  it('accepts 1-1-101 in two estates, and refuses it twice in one', () => {
    expect(bulletinSchema.safeParse(twoEstates()).success).toBe(true);
    const same = clone(twoEstates());
    same.voters[1]!.units[0]!.estate = '建设小区';
    expect(bulletinSchema.safeParse(same).success).toBe(false);
    const older = clone(twoEstates());
    for (const v of older.voters) for (const u of v.units) delete u.estate;
    expect(bulletinSchema.safeParse(older).success).toBe(false); // without estates they are one flat
  });
  it('recounts (eligible 140.00 m², 2 voters; 80.00 m² and 1 voter agree: no quorum by count)', () => {
    expect(recount(bulletinSchema.parse(twoEstates())).matters[0]).toEqual({
      id: 'm1',
      quorumMet: false,
      passed: false,
      eligible: { areaM2: '140.00', owners: 2 },
      participating: { areaM2: '80.00', owners: 1 },
      agree: { areaM2: '80.00', owners: 1 },
      oppose: { areaM2: '0.00', owners: 0 },
      abstain: { areaM2: '0.00', owners: 0 },
    });
  });
  it('keys the per-building figures on estate and building', () => {
    const b = bulletinSchema.parse(twoEstates());
    const byBuilding = tallyByBuilding(rollFromBulletin(b), ballotsFromBulletin(b), b.matters);
    expect(byBuilding.map((x) => [x.estate, x.building, x.matters[0]!.eligible.owners, x.matters[0]!.agree.areaCm2])).toEqual([
      ['建设小区', '1', 1, 8000],
      ['建设小区二期', '1', 1, 0],
    ]);
  });
});

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}
function tmpFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ballot-recount-')), name);
  writeFileSync(path, text);
  return path;
}

describe('ballot-recount CLI', () => {
  it('prints exactly one JSON object, the recount', () => {
    const r = run([tmpFile('bulletin.json', JSON.stringify(sample(), null, 2))]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual(recount(bulletinSchema.parse(sample())));
    expect(r.stdout).toBe(JSON.stringify(recount(bulletinSchema.parse(sample()))) + '\n');
  });
  it('recounts the public form to the same output as the full form', () => {
    const pub = publicBulletinText(bulletinText(bulletinSchema.parse(sample())).body).body;
    const r = run([tmpFile('public.json', pub)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(JSON.stringify(SAMPLE_RECOUNT) + '\n');
  });
  it('accepts a file saved with a byte-order mark', () => {
    const r = run([tmpFile('bom.json', '\uFEFF' + JSON.stringify(sample()))]);
    expect(r.status).toBe(0);
  });
  it('exits 2 with a bilingual error and nothing on stdout for a malformed bulletin', () => {
    const b = clone(sample()) as any;
    b.voters[0].units[0].areaM2 = '85.2';
    const r = run([tmpFile('bad.json', JSON.stringify(b))]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/不是有效的表决公示文件/);
    expect(r.stderr).toMatch(/is not a valid ballot bulletin/);
    expect(r.stderr).toMatch(/voters\.0\.units\.0\.areaM2/);
  });
  it('says a truncated bulletin is truncated and where, with exit 2 and nothing on stdout', () => {
    const body = publicBulletinText(bulletinText(bulletinSchema.parse(sample())).body).body;
    // cut inside the third voter, as an interrupted download leaves it
    const cut = body.slice(0, body.indexOf('MNPQ-RSTU-VW') + 4);
    const r = run([tmpFile('cut.json', cut)]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/不完整/);
    expect(r.stderr).toMatch(/truncated/);
    expect(r.stderr).toContain(`line ${cut.split('\n').length}`);
    expect(r.stderr).toContain('after 2 voters');
  });
  it('says where a bulletin stops being JSON', () => {
    const body = bulletinText(bulletinSchema.parse(sample())).body;
    const lines = body.split('\n');
    const at = lines.findIndex((l) => l.includes('MNPQ-RSTU-VW'));
    lines[at] = lines[at]!.replace('"receipt":', '"receipt"'); // the colon lost
    const r = run([tmpFile('broken.json', lines.join('\n'))]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/不是有效的 JSON/);
    expect(r.stderr).toMatch(/is not valid JSON/);
    expect(r.stderr).toMatch(/line \d+/);
  });
  it('recounts a bulletin however its JSON is laid out: compact, its members in another order', () => {
    const b = sample();
    const r = run([tmpFile('reordered.json', JSON.stringify({ voters: b.voters, matters: b.matters, ballot: b.ballot }))]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(JSON.stringify(SAMPLE_RECOUNT) + '\n');
  });
  it('exits 2 for a file that is not JSON, a missing file and no file', () => {
    for (const args of [[tmpFile('x.json', '{"ballot":')], [join(tmpdir(), 'no-such-bulletin-4242.json')], []]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/错误/);
      expect(r.stderr).toMatch(/error/);
    }
  });
});

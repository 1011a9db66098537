import fc from 'fast-check';
import { test, expect } from '@playwright/test';
import { expectActionOk } from './support/action-result.ts';
import { CASES, call, context, type Part } from './support/action-cases.ts';
import { DEMO_PASSWORD, DISTRICT_ADMIN } from './support/accounts.ts';

// Property-based fuzzing of every mutating action's input, as the district admin (who
// passes every authorization check, so validation and the handlers themselves are hit):
// whatever is sent, the server answers without a 5xx, and afterwards the audit chain is
// intact and every published disclosure still adds up (no half-written change).

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1e309',
    'NaN',
    '9'.repeat(40),
    '12.345',
    '１２３',
    '../../etc/passwd',
    "'; drop table projects; --",
    '<script>alert(1)</script>',
    '\u0000',
    '2026-02-30',
    'null',
    'undefined',
    '[]',
    '{}',
  ),
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String),
  fc.constant('x'.repeat(5000)),
);
// ids of things that do not exist, or are not ids at all: the fuzz must not edit real data
const hostileId = fc.oneof(fc.integer({ min: 100_000_000, max: 2_000_000_000 }).map(String), hostileText);
const hostileFile = fc
  .record({
    name: fc.oneof(fc.constantFrom('a.png', 'a.pdf', 'a.csv', 'a.xlsx', '../../x.png', 'a.svg', ''), fc.string({ maxLength: 30 })),
    mimeType: fc.constantFrom('image/png', 'application/pdf', 'text/csv', 'image/svg+xml', 'application/octet-stream'),
    buffer: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  })
  .map((f) => ({ name: f.name || 'unnamed', mimeType: f.mimeType, buffer: f.buffer })); // a plain object, as Playwright expects

function fuzzedForm(keys: string[]) {
  return fc.record(
    Object.fromEntries(
      keys.map((k) => {
        const value: fc.Arbitrary<Part> = k === 'file' || k === 'proof' ? hostileFile : /id$|Id$|^id$/.test(k) ? hostileId : hostileText;
        return [k, fc.option(value, { nil: undefined })];
      }),
    ),
  );
}

test('every action answers fuzzed input without a server error and leaves the data consistent', async () => {
  test.setTimeout(600_000);
  const admin = await context();
  expectActionOk((await call(admin, 'accounts.signIn', { phone: DISTRICT_ADMIN, password: DEMO_PASSWORD })).body, 'sign in the district admin');
  const fixture = {
    hebinId: 1,
    estateId: 1,
    importEstateId: 1,
    projectId: 1,
    lineId: 1,
    noticeId: 1,
    importId: 1,
    discardImportId: 1,
    claimId: 1,
    subdistrictToRename: 1,
  };
  let requests = 0;
  const failures: string[] = [];
  for (const c of CASES) {
    if (c.action === 'accounts.changePassword') continue; // would lock the admin out of the rest of the run
    const keys = Object.keys(c.form(fixture, 'districtAdmin'));
    await fc.assert(
      fc.asyncProperty(fuzzedForm(keys), async (form) => {
        const parts = { ...Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) } as Record<string, Part>;
        const res = await call(admin, c.action, parts);
        requests++;
        if (res.status >= 500) failures.push(`${c.action} ${JSON.stringify(Object.keys(parts))}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
        if (res.status >= 500) console.log('5xx', c.action, JSON.stringify(parts).slice(0, 500), res.body.slice(0, 300));
        return res.status < 500;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }
  console.log(`fuzzing: ${requests} requests over ${CASES.length - 1} actions, ${RUNS} runs each`);
  expect(failures).toEqual([]);

  const audit = await (await admin.get('/admin/audit')).text();
  expect(audit).toContain('审计链完整');
  const geo = await (await admin.get('/api/projects.geojson')).json();
  for (const f of geo.features.slice(0, 60)) {
    const p = await (await admin.get(`/api/projects/${f.properties.code}.json`)).json();
    expect(p.budgetTotalFen).toBe(p.budget.reduce((a: number, b: { amountFen: number }) => a + b.amountFen, 0));
  }
});

import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type APIRequestContext } from '@playwright/test';
import { expectActionOk } from './support/action-result.ts';
import { CASES, call, context, type Part } from './support/action-cases.ts';
import { DEMO_PASSWORD, DISTRICT_ADMIN } from './support/accounts.ts';

// Bad input never reaches the database as an error: every route with an id or code in its
// path, every query parameter that names a record or a date, and every action field that
// holds an id or a date is sent values PostgreSQL would refuse (ids beyond 2³¹−1, dates that
// do not exist, year 0000), anonymously and as the district admin. The answer is a 4xx (or a
// page/result saying so), never a 5xx, and never the database's own error text.
// Runs with the fuzzing project, after every other spec: a valid form around one bad field
// must not disturb their data.

const BAD_IDS = ['2147483648', '9007199254740993', '99999999999999999999', '0', '-1', '1.5', '1e3', '0x10', '%E2%80%AE1'];
const BAD_DATES = ['2026-02-30', '0000-01-01', '2026-13-01', '2025-02-29', '99999-01-01'];
const DB_TEXT = /out of range|invalid input syntax|date\/time field|violates|duplicate key|syntax error at|relation "|column "|sqlstate|pglite|NUMERIC_VALUE/i;

/** Every route file under src/pages with a [param] in its path, as a URL template. */
function dynamicRoutes(): string[] {
  const root = path.resolve('src/pages');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(astro|ts)$/.test(e.name) && full.includes('[')) {
        out.push(
          '/' +
            path
              .relative(root, full)
              .split(path.sep)
              .join('/')
              .replace(/\.(astro|ts)$/, '')
              .replace(/\/index$/, ''),
        );
      }
    }
  };
  walk(root);
  return out.sort();
}

const fill = (template: string, value: string) => template.replace(/\[name\]/g, 'x.pdf').replace(/\[\w+\]/g, value);

// query parameters that name a record, a number or a date, on the routes that read them
const QUERY_ROUTES = [
  '/admin/audit?before=',
  '/admin/register/export?estate=',
  '/api/ballots/1/bulletin.json?version=',
  '/admin/ballots/new?rows=',
  '/?year=',
  '/?stage=',
  // the list's page cursors (a project code)
  '/?after=',
  '/?stage=3&before=',
  '/subdistricts/hebin?after=',
  '/api/projects.geojson?year=',
  '/open-data/projects.csv?stage=',
  '/notices?subdistrict=',
  '/ballots/1?receipt=',
  // the demo consultation's thread, a page at a time
  '/projects/ZH-2020-00001/consultations/2?page=',
  '/admin/consultations/2?page=',
];

async function expectClean(label: string, status: number, body: string, failures: string[]) {
  if (status >= 500 || DB_TEXT.test(body)) failures.push(`${label}: HTTP ${status} ${(DB_TEXT.exec(body)?.[0] ?? body.slice(0, 120)).replace(/\s+/g, ' ')}`);
}

async function walkReads(ctx: APIRequestContext, who: string, failures: string[]) {
  const routes = dynamicRoutes();
  expect(routes.length).toBeGreaterThan(10);
  for (const template of routes) {
    for (const bad of [...BAD_IDS, ...BAD_DATES]) {
      const url = fill(template, bad);
      const res = await ctx.get(url, { maxRedirects: 0 });
      await expectClean(`${who} GET ${url}`, res.status(), await res.text(), failures);
    }
  }
  for (const base of QUERY_ROUTES) {
    for (const bad of [...BAD_IDS, ...BAD_DATES]) {
      const url = base + encodeURIComponent(decodeURIComponent(bad));
      const res = await ctx.get(url, { maxRedirects: 0 });
      await expectClean(`${who} GET ${url}`, res.status(), await res.text(), failures);
    }
  }
  for (const bad of BAD_IDS) {
    const res = await ctx.post(`/api/ballots/${bad}/cast`, { data: { choices: { m1: 'agree' } } });
    await expectClean(`${who} POST cast ${bad}`, res.status(), await res.text(), failures);
  }
}

const ID_FIELD = /(^id$|Id$|Ids$|^version$)/;
const DATE_VALUE = /^\d{4}-\d{2}-\d{2}/;

test('routes and actions answer ids beyond 2³¹−1 and impossible dates with a 4xx, never a database error', async () => {
  test.setTimeout(600_000);
  const failures: string[] = [];
  const anon = await context();
  await walkReads(anon, 'anonymous', failures);
  const admin = await context();
  expectActionOk((await call(admin, 'accounts.signIn', { phone: DISTRICT_ADMIN, password: DEMO_PASSWORD })).body, 'sign in the district admin');
  await walkReads(admin, 'admin', failures);

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
  let sent = 0;
  for (const c of CASES) {
    if (c.action === 'accounts.changePassword') continue;
    const form = c.form(fixture, 'districtAdmin');
    for (const [key, value] of Object.entries(form)) {
      if (typeof value !== 'string') continue;
      const variants = ID_FIELD.test(key)
        ? BAD_IDS.map(decodeURIComponent)
        : key === 'grantor'
          ? BAD_IDS.map((b) => `V0001:${decodeURIComponent(b)}`)
          : DATE_VALUE.test(value)
            ? BAD_DATES.map((d) => d + value.slice(10))
            : [];
      for (const bad of variants) {
        const parts: Record<string, Part> = { ...form, [key]: bad };
        const res = await call(admin, c.action, parts);
        sent++;
        await expectClean(`${c.action} ${key}=${bad}`, res.status, res.body, failures);
      }
    }
  }
  expect(sent).toBeGreaterThan(100);
  expect(failures).toEqual([]);
});

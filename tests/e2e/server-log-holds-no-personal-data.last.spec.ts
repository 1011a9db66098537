import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { SERVER_LOG, SMS_FILE } from '../../playwright.config.ts';
import { DEMO_ADMIN_PHONE, DEMO_OWNER_PHONES, demoRegister, demoStaffPhone } from '../../db/seed/demo-accounts.ts';
import { SUBDISTRICTS } from '../../db/seed/zhanhe.ts';
import { personalDataIn, requestLines } from './support/log-check.ts';
import type { Text } from './support/sms.ts';

// Runs after every other spec (the `log` project depends on `fuzz`, which depends on `main`):
// the server's whole output during the run (GONGZHI_LOG_FILE) holds one JSON line per request
// and not one phone number, ID number or name of the demo owners and staff, nor of the
// residents the stories signed up, nor any mobile or ID number at all. A vote choice has no
// place in a line either: a request line has no body. The run is the production set-up:
// demo mode off, texts through the test SMS provider (playwright.config.ts).
// tests/unit/log-check.test.ts shows the check finds what it looks for.

test('the server log of the whole run, demo mode off, holds no phone number, ID number or name', () => {
  const log = fs.readFileSync(SERVER_LOG, 'utf8');
  // demo mode was off (its start-up line names it) and the texts went to the test provider
  expect(log).not.toMatch(/演示模式|demo mode/i);
  expect(log).toContain('SMS go to the test file');
  const texts = fs
    .readFileSync(SMS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Text);
  expect(texts.filter((t) => t.body.includes('注册验证码')).length).toBeGreaterThan(0);

  const requests = requestLines(log);
  // the run was logged: a request line for each story's pages, each with its fields
  expect(requests.length).toBeGreaterThan(100);
  for (const r of requests.slice(0, 50)) expect(Object.keys(r)).toEqual(expect.arrayContaining(['time', 'id', 'method', 'route', 'status', 'ms']));
  // a route is a pattern: no query string, nothing a person typed
  expect(requests.filter((r) => String(r.route).includes('?'))).toEqual([]);
  // and the run did what residents do with personal data: signed in, confirmed a code texted to
  // them, claimed a flat with a photo of a proof (an upload), cast a ballot
  const done = (method: string, route: string, status: number) => requests.some((r) => r.method === method && r.route === route && r.status === status);
  expect({
    signIn: done('POST', '/account/login', 303),
    code: done('POST', '/account/verify', 303),
    claim: done('POST', '/account/claim', 303),
    // the confirmation view, then its button posts the cast action to the ballot's page
    cast: done('POST', '/ballots/[id]/confirm', 200) && done('POST', '/ballots/[id]', 200),
  }).toEqual({ signIn: true, code: true, claim: true, cast: true });

  const register = demoRegister().flatMap((row) => row.owners);
  const needles = [
    DEMO_ADMIN_PHONE,
    ...DEMO_OWNER_PHONES,
    ...SUBDISTRICTS.map((_, i) => demoStaffPhone(i)),
    ...register.map((o) => o.idNumber),
    ...register.map((o) => o.name),
    ...texts.map((t) => t.to),
  ];
  expect(personalDataIn(log, needles)).toEqual([]);
});

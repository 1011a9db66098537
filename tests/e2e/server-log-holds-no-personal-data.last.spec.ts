import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { SERVER_LOG } from '../../playwright.config.ts';
import { DEMO_ADMIN_PHONE, DEMO_OWNER_PHONES, demoRegister, demoStaffPhone } from '../../db/seed/demo-accounts.ts';
import { SUBDISTRICTS } from '../../db/seed/zhanhe.ts';

// Runs after every other spec (the `log` project depends on `fuzz`, which depends on `main`):
// the server's whole output during the run (GONGZHI_LOG_FILE) holds one JSON line per request
// and not one phone number, ID number or name of the demo owners and staff, nor any mobile
// number at all. A vote choice has no place in a line either: a request line has no body.

test('the server log of the whole run holds no phone number, ID number or name', () => {
  const log = fs.readFileSync(SERVER_LOG, 'utf8');
  const lines = log.split('\n').filter(Boolean);
  const requests = lines.filter((l) => l.startsWith('{') && l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  // the run was logged: a request line for each story's pages, each with its fields
  expect(requests.length).toBeGreaterThan(100);
  for (const r of requests.slice(0, 50)) expect(Object.keys(r)).toEqual(expect.arrayContaining(['time', 'id', 'method', 'route', 'status', 'ms']));
  // a route is a pattern: no query string, nothing a person typed
  expect(requests.filter((r) => String(r.route).includes('?'))).toEqual([]);

  const register = demoRegister().flatMap((row) => row.owners);
  const needles = [
    DEMO_ADMIN_PHONE,
    ...DEMO_OWNER_PHONES,
    ...SUBDISTRICTS.map((_, i) => demoStaffPhone(i)),
    ...register.map((o) => o.idNumber),
    ...register.map((o) => o.name),
  ];
  const found = needles.filter((n) => log.includes(n));
  expect(found).toEqual([]);
  // any mainland mobile number (request ids are hex with dashes around: not mistaken for one)
  expect(log.match(/(?<![\dA-Za-z-])1[3-9]\d{9}(?![\dA-Za-z])/g) ?? []).toEqual([]);
});

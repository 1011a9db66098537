import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type APIRequestContext } from '@playwright/test';
import { expectActionOk } from './support/action-result.ts';
import { parse as devalueParse } from 'devalue';
import { POLICY, type Verb } from '../../src/features/policy/can.ts';
import { DEMO_PASSWORD, DISTRICT_ADMIN, HEBIN_STAFF, latestCode } from './support/accounts.ts';
import {
  CASES,
  CSV,
  EXPORT_CASES,
  PNG,
  PUBLIC_ACTIONS,
  call,
  context,
  matrixBallot,
  uniq,
  volunteerTaskForm,
  consultationForm,
  type ActorName,
  type Fixture,
} from './support/action-cases.ts';

// The authorization matrix, proved over HTTP: every mutating action × every kind of
// actor, against resources of the 河滨 subdistrict. Expectations come from the policy
// table (POLICY: verb → rule), the observed answer from the running server.

type Rule = (typeof POLICY)[Verb];
const ACTORS: ActorName[] = ['public', 'resident', 'owner', 'hebinStaff', 'communityStaffElsewhere', 'otherSubdistrictStaff', 'districtAdmin'];

/** Who each rule lets through for a resource of 河滨 that belongs to none of the test's own communities. */
const ALLOWED: Record<Rule, ActorName[]> = {
  anyone_signed_in: ['resident', 'owner', 'hebinStaff', 'communityStaffElsewhere', 'otherSubdistrictStaff', 'districtAdmin'],
  self: ['resident', 'owner', 'hebinStaff', 'communityStaffElsewhere', 'otherSubdistrictStaff', 'districtAdmin'],
  office: ['hebinStaff', 'districtAdmin'],
  subdistrict_office: ['hebinStaff', 'districtAdmin'],
  report: ['hebinStaff', 'districtAdmin'],
  district: ['districtAdmin'],
  // the province admin alone (not one of the matrix's actors): every actor here is refused
  province: [],
};

/** Every action defined under src/actions, as group.name, read from the source. */
function definedActions(): string[] {
  const dir = path.resolve('src/actions');
  const index = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8');
  const fileOf = new Map([...index.matchAll(/import \{ (\w+) \} from '\.\/([\w-]+)\.ts'/g)].map((m) => [m[1]!, m[2]!]));
  const names: string[] = [];
  for (const [, group, exported] of index.matchAll(/^\s+(\w+): (\w+),$/gm)) {
    const source = fs.readFileSync(path.join(dir, `${fileOf.get(exported!)}.ts`), 'utf8');
    for (const m of source.matchAll(/^ {2}(\w+): defineAction\(/gm)) names.push(`${group}.${m[1]}`);
  }
  return names.sort();
}

async function signedIn(phone: string, password = DEMO_PASSWORD) {
  const ctx = await context();
  const res = await call(ctx, 'accounts.signIn', { phone, password });
  expectActionOk(res.body, `sign in ${phone}`);
  return ctx;
}

const firstNumber = (html: string, re: RegExp) => Number(re.exec(html)?.[1]);

/** The message key of a refusal thrown as an ActionError (its JSON body), or null. */
function refusal(body: string): string | null {
  try {
    const b = JSON.parse(body) as { type?: string; message?: string };
    return b.type === 'AstroActionError' ? (b.message ?? null) : null;
  } catch {
    return null;
  }
}

test.describe.configure({ mode: 'serial' });

test('the matrix covers every action the server defines', () => {
  const covered = [...CASES.map((c) => c.action), ...PUBLIC_ACTIONS].sort();
  expect(covered).toEqual(definedActions());
  for (const c of [...CASES, ...EXPORT_CASES]) expect(Object.keys(POLICY)).toContain(c.verb);
});

test(`every mutating action × ${ACTORS.length} actors answers as the policy table says`, async () => {
  test.setTimeout(180_000);
  const admin = await signedIn(DISTRICT_ADMIN);
  const hebinStaff = await signedIn(HEBIN_STAFF);

  // Fixture: resources of 河滨 for the actions to aim at.
  const subdistricts = await (await admin.get('/admin/district')).text();
  const hebinId = firstNumber(subdistricts, /<option value="(\d+)"[^>]*>河滨街道/);
  const register = await (await hebinStaff.get('/admin/register')).text();
  const estateId = firstNumber(register, /<option value="(\d+)"/);
  const estateOptions = [...register.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
  const importEstateId = estateOptions.at(-1)!; // imports replace a register: keep them off the demo owners' estate
  const created = await call(admin, 'projectEditing.create', {
    subdistrictId: String(hebinId),
    estateIds: String(estateId),
    batchYear: '2026',
    title: '矩阵测试项目',
    households: '1',
  });
  const code = (devalueParse(created.body) as { code: string }).code;
  const editPage = async () => (await admin.get(`/admin/projects/${code}`)).text();
  const projectId = firstNumber(await editPage(), /name="projectId" value="(\d+)"/);
  await call(admin, 'projectEditing.addBudgetLine', { projectId: String(projectId), channel: 'district', amount: '500' });
  const lineId = firstNumber(await editPage(), /name="lineId" value="(\d+)"/);
  // its own notice, so that publishing and withdrawing it disturbs no other spec
  const draftNotice = await call(hebinStaff, 'notices.create', { subdistrictId: String(hebinId), kind: 'other', title: '矩阵测试通知', body: '矩阵' });
  const noticeId = Number((devalueParse(draftNotice.body) as { noticeId: number }).noticeId);
  const ballotId = await matrixBallot(hebinStaff, estateId);
  const taskMade = await call(hebinStaff, 'volunteering.createTask', volunteerTaskForm(projectId));
  const taskId = Number((devalueParse(taskMade.body) as { taskId: number }).taskId);
  const preview = async () => {
    const res = await call(hebinStaff, 'register.preview', { estateId: String(importEstateId), file: { name: 'r.csv', mimeType: 'text/csv', buffer: CSV } });
    return Number((devalueParse(res.body) as { importId: number }).importId);
  };
  const importIds = [await preview(), await preview()];
  const newSub = await call(admin, 'district.createSubdistrict', { code: `mx-${uniq()}`, name: '矩阵改名街道', nameEn: 'Rename me' });
  expect(newSub.body).not.toContain('err.forbidden');
  const subdistrictToRename = firstNumber(await (await admin.get('/admin/district')).text(), /<option value="(\d+)"[^>]*>矩阵改名街道/);

  // Actors: a new resident, a verified owner, staff of a community elsewhere in 河滨, staff of 北渡.
  const resident = await context();
  const phone = `134${String(Date.now()).slice(-8)}`;
  const { request } = expectActionOk(
    (await call(resident, 'accounts.signUp', { phone, displayName: '矩阵居民', password: 'matrix resident pass' })).body,
    'sign the resident up',
  );
  const code6 = await latestCode(phone);
  expectActionOk((await call(resident, 'accounts.confirmPhone', { request: String(request), code: code6 })).body, 'confirm the resident');
  const claim = await call(resident, 'verification.claim', {
    estateId: String(estateId),
    building: '1',
    entrance: '1',
    room: '101',
    name: '矩阵居民',
    idType: 'resident_id',
    idNumber: '11010519491231002X',
    proof: { name: 'p.png', mimeType: 'image/png', buffer: PNG },
    consentIdNumber: 'yes',
    consentProof: 'yes',
  });
  expect(claim.body).toContain('pending');
  const office = await (await hebinStaff.get('/admin/verifications')).text();
  const claimId = firstNumber(office, /data-claim="(\d+)" data-status="pending"><strong>[^<]*<\/strong> · 矩阵居民/);

  const community = await call(admin, 'district.createCommunity', { communitySubdistrictId: String(hebinId), communityName: `矩阵外社区${uniq()}` });
  expect(community.body).not.toContain('err.forbidden');
  const districtPage = await (await admin.get('/admin/district')).text();
  const communityId = firstNumber(districtPage, /<option value="(\d+)"[^>]*>矩阵外社区/);
  const communityPhone = `133${String(Date.now()).slice(-8)}`;
  const staffMade = await call(admin, 'district.createStaff', {
    phone: communityPhone,
    displayName: '社区矩阵',
    password: 'community staff pass',
    staffSubdistrictId: String(hebinId),
    staffCommunityId: String(communityId),
  });
  expect(staffMade.body).not.toContain('err');
  const hebinStaffId = firstNumber(await (await admin.get('/admin/district')).text(), /data-user="(\d+)" data-status="active"><td[^>]*>社区矩阵/);

  // a donation offered by the resident to a published project of 河滨, for the office's donation actions
  const publishedCode = /href="\/projects\/([A-Za-z0-9-]+)"/.exec(await (await admin.get('/subdistricts/hebin')).text())![1]!;
  const publishedProjectId = firstNumber(await (await admin.get(`/admin/projects/${publishedCode}`)).text(), /name="projectId" value="(\d+)"/);
  const offer = await call(resident, 'donations.offer', { projectId: String(publishedProjectId), kind: 'goods', goodsWhat: '矩阵捐物', goodsQuantity: '1' });
  const donationId = Number((devalueParse(offer.body) as { donationId?: number }).donationId);
  // consultations on that project: one open with the resident's comment, one closed early with its record
  const openConsultation = async () =>
    Number(
      (devalueParse((await call(hebinStaff, 'consultations.open', consultationForm(publishedProjectId))).body) as { consultationId?: number }).consultationId,
    );
  const comment = async (id: number) =>
    Number(
      (devalueParse((await call(resident, 'consultations.comment', { consultationId: String(id), body: '矩阵居民意见' })).body) as { commentId?: number })
        .commentId,
    );
  const consultationId = await openConsultation();
  const commentId = await comment(consultationId);
  const closedConsultationId = await openConsultation();
  await comment(closedConsultationId);
  expectActionOk(
    (await call(hebinStaff, 'consultations.close', { consultationId: String(closedConsultationId), earlyReason: '矩阵' })).body,
    'close a consultation',
  );
  const opinionId = firstNumber(await (await hebinStaff.get(`/admin/consultations/${closedConsultationId}`)).text(), /name="opinionId" value="(\d+)"/);
  // the demo cost-share schemes and what hangs on them, read from the office's pages
  const schemes = await (await hebinStaff.get('/admin/schemes')).text();
  const schemeId = firstNumber(schemes, /data-scheme="(\d+)" data-status="pledging"><a[^>]*><strong>1 栋 1 单元加装电梯</);
  const lapsedSchemeId = firstNumber(schemes, /data-scheme="(\d+)" data-status="[a-z]+"><a[^>]*><strong>2 栋 1 单元自行车棚</);
  const schemePage = await (await hebinStaff.get(`/admin/schemes/${schemeId}`)).text();
  const pledgeId = firstNumber(schemePage, /data-pledge="(\d+)" data-status="paid"/);
  const paymentId = firstNumber(schemePage, /data-payment="(\d+)"/);
  const objectionId = firstNumber(schemePage, /data-objection="(\d+)"/);
  const fx: Fixture = {
    hebinId,
    estateId,
    importEstateId,
    projectId,
    lineId,
    noticeId,
    importId: importIds[0]!,
    discardImportId: importIds[1]!,
    claimId,
    subdistrictToRename,
    hebinStaffId,
    ballotId,
    taskId,
    publishedProjectId,
    donationId,
    consultationId,
    commentId,
    closedConsultationId,
    opinionId,
    schemeId,
    lapsedSchemeId,
    pledgeId,
    paymentId,
    objectionId,
  };
  for (const [k, v] of Object.entries(fx)) expect(Number.isInteger(v) && v > 0, `fixture ${k} = ${v}`).toBe(true);

  const contexts: Record<ActorName, APIRequestContext> = {
    public: await context(),
    resident,
    owner: await signedIn('13900000101'),
    hebinStaff,
    communityStaffElsewhere: await signedIn(communityPhone, 'community staff pass'),
    otherSubdistrictStaff: await signedIn('13900000002'),
    districtAdmin: admin,
  };

  const failures: string[] = [];
  let cells = 0;
  // Denied actors first, so that an allowed call cannot change what a denied one would see.
  const order: ActorName[] = ['public', 'resident', 'owner', 'communityStaffElsewhere', 'otherSubdistrictStaff', 'hebinStaff', 'districtAdmin'];
  for (const c of CASES) {
    for (const actor of order) {
      cells++;
      const allowed = ALLOWED[POLICY[c.verb]].includes(actor);
      const res = await call(contexts[actor], c.action, c.form(fx, actor));
      if (res.status >= 500) failures.push(`${c.action} × ${actor}: HTTP ${res.status}`);
      else {
        // allowed: the handler ran (200), not stopped at input validation; denied: 401 signed out, 403 signed in, with the message key
        const want = allowed ? 200 : actor === 'public' ? 401 : 403;
        const key = allowed ? null : actor === 'public' ? 'err.signInFirst' : 'err.forbidden';
        if (res.status !== want || (key && refusal(res.body) !== key))
          failures.push(`${c.action} × ${actor}: expected ${want}${key ? ` ${key}` : ''}, got ${res.status} ${res.body.slice(0, 120)}`);
      }
    }
  }
  // the staff downloads: a file for the allowed, 401 or 403 (and no file) for everyone else
  for (const e of EXPORT_CASES) {
    for (const actor of order) {
      cells++;
      const allowed = ALLOWED[POLICY[e.verb]].includes(actor);
      const res = await contexts[actor].get(e.url({ ...fx, publishedCode }));
      const file = res.status() === 200 && (res.headers()['content-type'] ?? '').includes('spreadsheetml');
      if (allowed ? !file : ![401, 403].includes(res.status()))
        failures.push(`export ${e.name} × ${actor}: expected ${allowed ? 'a file' : 'denied'}, got ${res.status()}`);
    }
  }
  expect(cells).toBe((CASES.length + EXPORT_CASES.length) * ACTORS.length);
  expect(failures).toEqual([]);

  // A record that does not exist answers 404, to an actor the policy would let through anywhere.
  const missing: string[] = [];
  const aimed = CASES.filter((c) => c.resource);
  expect(aimed.length).toBeGreaterThan(20);
  for (const c of aimed) {
    const res = await call(admin, c.action, { ...c.form(fx, 'districtAdmin'), [c.resource!]: '2147483647' });
    if (res.status !== 404 || refusal(res.body) !== 'err.notFound') missing.push(`${c.action}: got ${res.status} ${res.body.slice(0, 120)}`);
  }
  expect(missing).toEqual([]);
});

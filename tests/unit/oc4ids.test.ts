import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildOc4idsPackage, fenToYuanNumber, type Oc4idsPackage } from '../../src/features/open-data/oc4ids.ts';
import type { Disclosure } from '../../src/features/projects/disclosure.ts';
import { usccCheckChar } from '../../src/features/projects/parties.ts';
import { oc4idsPackageSchema, uniqueIdsKeyword, PARTY_ROLE, DOCUMENT_TYPE, PROJECT_SECTOR } from './oc4ids-schema.ts';

// ---------- fixtures ----------

const uscc = (first17: string) => first17 + usccCheckChar(first17);
const DESIGN_AND_SUPERVISION = uscc('91410411MA44XYZ12');
const BUILDER = uscc('91410400MA40ABC34');

const base = (over: Partial<Disclosure>): Disclosure => ({
  id: 1,
  code: 'ZH-2024-001',
  title: '示例小区改造',
  titleEn: null,
  summary: '示例',
  summaryEn: null,
  batchYear: 2024,
  stage: 1,
  plannedStart: null,
  plannedEnd: null,
  households: 0,
  publishedAt: new Date('2024-03-01T02:00:00Z'),
  updatedAt: new Date('2024-03-02T02:00:00Z'),
  isDemo: true,
  subdistrict: { code: 'hebin', name: '河滨街道', nameEn: 'Hebin Subdistrict' },
  estates: [],
  stageEvents: [],
  scope: [],
  budget: [],
  parties: [],
  documents: [],
  fees: [],
  notices: [],
  history: [],
  donations: { board: [], receivedMoneyFen: 0 },
  residents: { receivedMoneyFen: 0 },
  ...over,
});

const estate = (id: number, name: string, lat: number, lng: number) => ({
  id,
  name,
  nameEn: null,
  community: '河滨社区',
  address: `建设路${id}号`,
  buildYear: 1995,
  buildingCount: 6,
  householdCount: 120,
  floorAreaCm2: 800_000,
  lat,
  lng,
  eligibility: {},
});

const doc = (id: number, kind: Disclosure['documents'][number]['kind'], fileName: string, mime = 'application/pdf') => ({
  id,
  kind,
  title: `文件${id}`,
  fileName,
  mime,
  sizeBytes: 1024,
  sha256: 'ab'.repeat(32),
  version: 1,
  publishedAt: new Date('2024-05-01T08:00:00Z'),
});

/** Stage 5: handed over, so it carries `completion`. */
const completed = base({
  id: 1,
  code: 'ZH-2023-007',
  title: '建设路片区老旧小区改造',
  summary: '改造建设路两处小区的管网、道路和照明。',
  batchYear: 2023,
  stage: 5,
  plannedStart: '2023-04-01',
  plannedEnd: '2023-11-30',
  households: 240,
  updatedAt: new Date('2024-01-15T03:04:05.678Z'),
  estates: [estate(11, '建设路一号院', 33.7275, 113.2985), estate(12, '建设路二号院', 33.7281, 113.299)],
  stageEvents: [
    { stage: 1, enteredOn: '2023-01-10', note: null },
    { stage: 2, enteredOn: '2023-02-20', note: null },
    { stage: 3, enteredOn: '2023-04-01', note: null },
    { stage: 4, enteredOn: '2023-11-01', note: null },
    { stage: 5, enteredOn: '2023-12-20', note: null },
  ],
  scope: [
    { id: 1, code: 'infrastructure.utilities.water', description: '供水管网', quantityX100: 100_000, unit: 'm', estimatedCostFen: 50_000_000 },
    { id: 2, code: 'infrastructure.basic.roads', description: '道路', quantityX100: 200_000, unit: 'm2', estimatedCostFen: 80_000_000 },
  ],
  budget: [
    { id: 101, channel: 'central_provincial', amountFen: 123_456_789_01, note: null },
    { id: 102, channel: 'subdistrict', amountFen: 10, note: null },
    { id: 103, channel: 'residents', amountFen: 20, note: '居民出资' },
  ],
  parties: [
    { role: 'design', name: '平顶山某设计院有限公司', uscc: DESIGN_AND_SUPERVISION, contactName: null },
    { role: 'construction', name: '平顶山某建筑工程有限公司', uscc: BUILDER, contactName: '王工' },
    { role: 'supervision', name: '平顶山某设计院有限公司', uscc: DESIGN_AND_SUPERVISION, contactName: null },
    { role: 'property', name: '湛河物业服务中心', uscc: null, contactName: null },
  ],
  documents: [doc(501, 'plan', '改造方案 2023.pdf'), doc(502, 'acceptance_report', '竣工验收报告.pdf'), doc(503, 'other', 'photo #1.jpg', 'image/jpeg')],
});

/** Stage 3: under construction, no completion yet. */
const underway = base({
  id: 2,
  code: 'ZH-2024-002',
  title: '北渡小区改造',
  summary: '加装电梯与雨污分流。',
  batchYear: 2024,
  stage: 3,
  plannedStart: '2024-03-15',
  plannedEnd: null,
  households: 96,
  subdistrict: { code: 'beidu', name: '北渡街道', nameEn: 'Beidu Subdistrict' },
  estates: [estate(21, '北渡小区', 33.7182, 113.262)],
  stageEvents: [
    { stage: 1, enteredOn: '2024-01-05', note: null },
    { stage: 2, enteredOn: '2024-02-01', note: null },
    { stage: 3, enteredOn: '2024-03-15', note: null },
  ],
  scope: [{ id: 3, code: 'infrastructure.utilities.gas', description: '燃气', quantityX100: 100, unit: '项', estimatedCostFen: 1_000_000 }],
  budget: [
    { id: 201, channel: 'city', amountFen: 50_000_000, note: null },
    { id: 202, channel: 'district', amountFen: 25_000_050, note: null },
  ],
  parties: [{ role: 'construction', name: '某施工队', uscc: null, contactName: null }],
  documents: [doc(601, 'design_drawing', 'drawing.dwg', 'application/acad'), doc(602, 'budget_approval', 'budget.pdf')],
});

/** Stage 1: just announced; no estates, budget or documents yet. */
const announced = base({
  id: 3,
  code: 'ZH-2025-003',
  title: '荆山社区改造（谋划）',
  summary: '',
  batchYear: 2025,
  stage: 1,
  subdistrict: { code: 'jingshan', name: '荆山街道', nameEn: 'Jingshan Subdistrict' },
});

const META = { baseUrl: 'https://gongzhi.example.cn', publishedDate: new Date('2024-06-01T00:00:00Z'), publisherName: '湛河区住房和城乡建设局' };
const build = (projects: Disclosure[] = [completed, underway, announced]) => buildOc4idsPackage(projects, META);

// ---------- validators ----------

function profileValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword(uniqueIdsKeyword);
  return ajv.compile(oc4idsPackageSchema);
}
const validate = profileValidator();

/** JSON round trip: what a client actually receives (drops undefined, Dates are strings already). */
const asJson = (pkg: Oc4idsPackage): any => JSON.parse(JSON.stringify(pkg));

function expectValid(data: unknown) {
  const ok = validate(data);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

function expectInvalid(mutate: (pkg: any) => void) {
  const pkg = asJson(build());
  mutate(pkg);
  expect(validate(pkg)).toBe(false);
}

// ---------- tests ----------

describe('buildOc4idsPackage', () => {
  it('produces a package that validates against the OC4IDS 0.9 transcription', () => {
    const pkg = build();
    expectValid(asJson(pkg));
    expect(asJson(pkg)).toEqual(pkg); // nothing is lost or changed by serialising
  });

  it('fills the package header', () => {
    const pkg = build();
    expect(pkg.uri).toBe('https://gongzhi.example.cn/open-data/oc4ids.json');
    expect(pkg.version).toBe('0.9');
    expect(pkg.publishedDate).toBe('2024-06-01T00:00:00.000Z');
    expect(pkg.publisher).toEqual({ name: '湛河区住房和城乡建设局' });
    expect(buildOc4idsPackage([completed], { ...META, baseUrl: 'https://gongzhi.example.cn/' }).uri).toBe('https://gongzhi.example.cn/open-data/oc4ids.json');
  });

  it('maps identity, status, type, sector and periods', () => {
    const [a, b, c] = build().projects;
    expect([a!.id, b!.id, c!.id]).toEqual(['oc4ids-gzzh-ZH-2023-007', 'oc4ids-gzzh-ZH-2024-002', 'oc4ids-gzzh-ZH-2025-003']);
    expect([a!.status, b!.status, c!.status]).toEqual(['completion', 'implementation', 'identification']);
    expect(new Set([a!.type, b!.type, c!.type])).toEqual(new Set(['rehabilitation']));
    expect(a!.sector).toEqual(['waterAndWaste', 'transport', 'transport.road', 'socialHousing']);
    expect(b!.sector).toEqual(['energy', 'socialHousing']);
    expect(c!.sector).toEqual(['socialHousing']);
    expect(a!.updated).toBe('2024-01-15T03:04:05.678Z');
    expect(a!.description).toBe(completed.summary);
    expect(c!.description).toBeUndefined(); // empty summary: minLength 1
    expect(a!.purpose).toContain('240户');
    expect(a!.period).toEqual({ startDate: '2023-04-01T00:00:00+08:00', endDate: '2023-11-30T23:59:59+08:00' });
    expect(b!.period).toEqual({ startDate: '2024-03-15T00:00:00+08:00' });
    expect(c!.period).toBeUndefined();
    expect(a!.identificationPeriod).toEqual({ startDate: '2023-01-10T00:00:00+08:00', endDate: '2023-02-20T00:00:00+08:00' });
    expect(a!.implementationPeriod).toEqual({ startDate: '2023-04-01T00:00:00+08:00', endDate: '2023-12-20T00:00:00+08:00' });
    expect(a!.completionPeriod).toEqual({ startDate: '2023-12-20T00:00:00+08:00' });
    expect(b!.implementationPeriod).toEqual({ startDate: '2024-03-15T00:00:00+08:00' });
  });

  it('publishes one Point location per estate, longitude first', () => {
    const [a, , c] = build().projects;
    expect(a!.locations).toHaveLength(2);
    expect(a!.locations![0]).toEqual({
      id: '11',
      description: '建设路一号院',
      geometry: { type: 'Point', coordinates: [113.2985, 33.7275] },
      address: { streetAddress: '建设路11号', locality: '湛河区', region: '平顶山市', countryName: '中国' },
    });
    expect(c!.locations).toBeUndefined();
  });

  it('converts fen to exact yuan and breaks the budget down by channel', () => {
    const [a, b, c] = build().projects;
    expect(a!.budget!.amount).toEqual({ amount: 123456789.31, currency: 'CNY' });
    const breakdown = a!.budget!.budgetBreakdowns[0]!.budgetBreakdown;
    expect(breakdown.map((x) => x.id)).toEqual(['101', '102', '103']);
    expect(breakdown.map((x) => x.amount.amount)).toEqual([123456789.01, 0.1, 0.2]);
    expect(breakdown[0]!.description).toBe('中央和省专项资金 (central_provincial)');
    expect(breakdown[1]!.sourceParty).toEqual({ id: 'gzzh-subdistrict-hebin', name: '河滨街道办事处' });
    expect(b!.budget!.amount.amount).toBe(750000.5);
    expect(c!.budget).toBeUndefined();
    // exact decimals, no float noise (0.1 + 0.2 would be 0.30000000000000004)
    expect(fenToYuanNumber(30)).toBe(0.3);
    expect(fenToYuanNumber(-5)).toBe(-0.05);
    for (const p of build().projects) {
      for (const line of p.budget?.budgetBreakdowns[0]!.budgetBreakdown ?? []) expect(String(line.amount.amount)).toMatch(/^-?\d+(\.\d{1,2})?$/);
    }
  });

  it('lists the subdistrict office as public authority and the firms as suppliers, merged by USCC', () => {
    const [a, b, c] = build().projects;
    expect(a!.publicAuthority).toEqual({ id: 'gzzh-subdistrict-hebin', name: '河滨街道办事处' });
    expect(a!.parties).toEqual([
      { id: 'gzzh-subdistrict-hebin', name: '河滨街道办事处', roles: ['publicAuthority', 'funder'] },
      {
        id: `CN-SAIC-${DESIGN_AND_SUPERVISION}`,
        name: '平顶山某设计院有限公司',
        identifier: { scheme: 'CN-SAIC', id: DESIGN_AND_SUPERVISION, legalName: '平顶山某设计院有限公司' },
        roles: ['supplier'],
      },
      {
        id: `CN-SAIC-${BUILDER}`,
        name: '平顶山某建筑工程有限公司',
        identifier: { scheme: 'CN-SAIC', id: BUILDER, legalName: '平顶山某建筑工程有限公司' },
        roles: ['supplier'],
      },
      { id: expect.stringMatching(/^gzzh-org-[0-9a-f]{8}$/), name: '湛河物业服务中心', roles: ['supplier'] },
    ]);
    expect(b!.parties[0]!.roles).toEqual(['publicAuthority']); // no subdistrict money
    expect(c!.parties).toEqual([{ id: 'gzzh-subdistrict-jingshan', name: '荆山街道办事处', roles: ['publicAuthority'] }]);
    // every reference points at a party of the same project
    for (const p of build().projects) {
      const ids = new Set(p.parties.map((x) => x.id));
      expect(ids.has(p.publicAuthority.id)).toBe(true);
      for (const line of p.budget?.budgetBreakdowns.flatMap((g) => g.budgetBreakdown) ?? []) {
        if (line.sourceParty) expect(ids.has(line.sourceParty.id)).toBe(true);
      }
    }
  });

  it('links documents with codelist types', () => {
    const [a, b, c] = build().projects;
    expect(a!.documents).toEqual([
      {
        id: '501',
        documentType: 'projectPlan',
        title: '文件501',
        format: 'application/pdf',
        datePublished: '2024-05-01T08:00:00.000Z',
        url: `https://gongzhi.example.cn/files/501/${encodeURIComponent('改造方案 2023.pdf')}`,
      },
      {
        id: '502',
        documentType: 'completionCertificate',
        title: '文件502',
        format: 'application/pdf',
        datePublished: '2024-05-01T08:00:00.000Z',
        url: `https://gongzhi.example.cn/files/502/${encodeURIComponent('竣工验收报告.pdf')}`,
      },
      {
        // 'other' is not an OC4IDS code: no documentType
        id: '503',
        title: '文件503',
        format: 'image/jpeg',
        datePublished: '2024-05-01T08:00:00.000Z',
        url: 'https://gongzhi.example.cn/files/503/photo%20%231.jpg',
      },
    ]);
    expect(b!.documents!.map((d) => d.documentType)).toEqual(['technicalSpecifications', 'budgetApproval']);
    expect(c!.documents).toBeUndefined();
  });

  it('adds completion only from stage 5 on', () => {
    const [a, b, c] = build().projects;
    expect(a!.completion).toEqual({ endDate: '2023-12-20T00:00:00+08:00', finalValue: { amount: 123456789.31, currency: 'CNY' } });
    expect(b!.completion).toBeUndefined();
    expect(c!.completion).toBeUndefined();
    const evaluated = build([{ ...completed, stage: 6 }]).projects[0]!;
    expect(evaluated.status).toBe('completion');
    expect(evaluated.completion?.endDate).toBe('2023-12-20T00:00:00+08:00');
  });

  it('is deterministic; an empty package is not valid OC4IDS', () => {
    expect(JSON.stringify(build())).toBe(JSON.stringify(build()));
    // OC4IDS requires at least one project per package
    expect(validate(asJson(build([])))).toBe(false);
  });
});

describe('the OC4IDS transcription rejects broken packages', () => {
  it('missing project id', () =>
    expectInvalid((p) => {
      delete p.projects[0].id;
    }));
  it('project id without the oc4ids prefix', () =>
    expectInvalid((p) => {
      p.projects[0].id = 'ZH-2023-007';
    }));
  it('duplicate project ids', () =>
    expectInvalid((p) => {
      p.projects[1].id = p.projects[0].id;
    }));
  it('unknown status', () =>
    expectInvalid((p) => {
      p.projects[0].status = 'acceptance';
    }));
  it('unknown project type', () =>
    expectInvalid((p) => {
      p.projects[0].type = 'renovation';
    }));
  it('unknown sector', () =>
    expectInvalid((p) => {
      p.projects[0].sector = ['housing'];
    }));
  it('non-codelist party role', () =>
    expectInvalid((p) => {
      p.projects[0].parties[1].roles = ['contractor'];
    }));
  it('duplicate party ids', () =>
    expectInvalid((p) => {
      p.projects[0].parties[2].id = p.projects[0].parties[1].id;
    }));
  it('non-codelist document type', () =>
    expectInvalid((p) => {
      p.projects[0].documents[2].documentType = 'other';
    }));
  it('relative document url', () =>
    expectInvalid((p) => {
      p.projects[0].documents[0].url = '/files/501/x.pdf';
    }));
  it('latitude first', () =>
    expectInvalid((p) => {
      p.projects[0].locations[0].geometry.coordinates.reverse();
    }));
  it('coordinates as strings', () =>
    expectInvalid((p) => {
      p.projects[0].locations[0].geometry.coordinates = ['113.2', '33.7'];
    }));
  it('unknown geometry type', () =>
    expectInvalid((p) => {
      p.projects[0].locations[0].geometry.type = 'Circle';
    }));
  it('location without id', () =>
    expectInvalid((p) => {
      delete p.projects[0].locations[0].id;
    }));
  it('amount as a string', () =>
    expectInvalid((p) => {
      p.projects[0].budget.amount.amount = '123456789.31';
    }));
  it('currency other than CNY', () =>
    expectInvalid((p) => {
      p.projects[0].budget.amount.currency = 'RMB';
    }));
  it('the pre-0.9.4 flat budget.budgetBreakdown', () =>
    expectInvalid((p) => {
      p.projects[0].budget.budgetBreakdown = p.projects[0].budget.budgetBreakdowns[0].budgetBreakdown;
      delete p.projects[0].budget.budgetBreakdowns;
    }));
  it('budget breakdown line without id', () =>
    expectInvalid((p) => {
      delete p.projects[0].budget.budgetBreakdowns[0].budgetBreakdown[0].id;
    }));
  it('date without time zone', () =>
    expectInvalid((p) => {
      p.projects[0].period.startDate = '2023-04-01T00:00:00';
    }));
  it('plain calendar date', () =>
    expectInvalid((p) => {
      p.projects[0].completion.endDate = '2023-12-20';
    }));
  it('empty parties', () =>
    expectInvalid((p) => {
      p.projects[0].parties = [];
    }));
  it('version other than major.minor', () =>
    expectInvalid((p) => {
      p.version = '0.9.5';
    }));
  it('publisher without name', () =>
    expectInvalid((p) => {
      p.publisher = {};
    }));
});

/**
 * Optional: validation against the official OC4IDS schema files. Point OC4IDS_SCHEMA_DIR at a
 * directory holding project-package-schema.json and project-schema.json (from
 * open-contracting/infrastructure, schema/project-level/) and, optionally, codelists/*.csv.
 */
const OFFICIAL_DIR = process.env.OC4IDS_SCHEMA_DIR;
const hasOfficial = !!OFFICIAL_DIR && existsSync(join(OFFICIAL_DIR, 'project-package-schema.json')) && existsSync(join(OFFICIAL_DIR, 'project-schema.json'));

describe('official OC4IDS schema', () => {
  it.skipIf(!hasOfficial)('validates against the official project package schema', () => {
    const dir = OFFICIAL_DIR!;
    // The official files are draft-04 (`id`, not `$id`), which Ajv 8 does not load as such. They
    // use only keywords whose meaning is unchanged in draft-07 (type, properties, required, enum,
    // items, minItems, uniqueItems, minLength, minProperties, minimum, format, pattern, $ref),
    // so renaming `id` to `$id` and dropping `$schema` is enough. `codelist`, `openCodelist`
    // and `versionId` are annotations (strict: false).
    const load = (file: string) => {
      const { id, $schema, ...rest } = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      expect($schema).toBe('http://json-schema.org/draft-04/schema#');
      return { $id: id, ...rest };
    };
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(load('project-schema.json'));
    const check = ajv.compile(load('project-package-schema.json'));
    const pkg = asJson(build());
    const ok = check(pkg);
    expect(check.errors ?? [], JSON.stringify(check.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);

    // Sanity: the official schema does reject a broken package.
    const broken = asJson(build());
    delete broken.projects[0].id;
    broken.projects[1].status = 'acceptance';
    expect(check(broken)).toBe(false);

    // Open codelists (partyRole, documentType, projectSector) are not enforced by the schema;
    // check our codes against the official CSVs when they are there, and that our transcription
    // of the codelists matches them.
    const codes = (name: string): string[] | null => {
      const file = join(dir, 'codelists', `${name}.csv`);
      if (!existsSync(file)) return null;
      return readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .slice(1)
        .filter(Boolean)
        .map((line) => line.split(',')[0]!);
    };
    const used = {
      partyRole: pkg.projects.flatMap((p: any) => p.parties.flatMap((x: any) => x.roles)),
      documentType: pkg.projects.flatMap((p: any) => (p.documents ?? []).flatMap((d: any) => (d.documentType ? [d.documentType] : []))),
      projectSector: pkg.projects.flatMap((p: any) => p.sector),
    };
    const transcribed = { partyRole: PARTY_ROLE, documentType: DOCUMENT_TYPE, projectSector: PROJECT_SECTOR };
    for (const name of ['partyRole', 'documentType', 'projectSector'] as const) {
      const official = codes(name);
      if (!official) continue;
      expect([...transcribed[name]]).toEqual(official);
      for (const code of used[name]) expect(official).toContain(code);
    }
  });
});

/**
 * OC4IDS 0.9 project package (Open Contracting for Infrastructure Data Standard,
 * https://standard.open-contracting.org/infrastructure/0.9/) built from project disclosures.
 *
 * Pure: no I/O, no clock; the same input gives byte-identical JSON.
 *
 * Shapes follow the 0.9.5 schema (the newest 0.9.x): notably the budget breakdown is
 * `budget.budgetBreakdowns[].budgetBreakdown[]` (0.9.0–0.9.3 had a flat `budget.budgetBreakdown`).
 * Dates are OC4IDS date-times; our calendar dates are anchored at local midnight (+08:00).
 */
import type { Disclosure } from '../projects/disclosure.ts';
import { oc4idsStatus, type Stage } from '../projects/stages.ts';
import { OC4IDS_PARTY_ROLE } from '../projects/parties.ts';
import { OC4IDS_DOCUMENT_TYPE } from '../projects/documents.ts';
import { isFundingChannel } from '../funding/channels.ts';
import { fenToDecimal } from '../funding/money.ts';
import { zh } from '../../i18n/zh.ts';

export const OC4IDS_VERSION = '0.9';

/**
 * Project identifier prefix. OC4IDS wants a prefix registered with the OC4IDS Helpdesk
 * (they look like `oc4ids-qu8r7p`); `oc4ids-gzzh` is our own until one is assigned.
 */
export const OC4IDS_PROJECT_PREFIX = 'oc4ids-gzzh';

/**
 * org-id.guide scheme of the 统一社会信用代码 register. The registered list code is still
 * `CN-SAIC` (the register moved from SAIC to SAMR in 2018; org-id.guide has no `CN-SAMR`).
 */
export const USCC_SCHEME = 'CN-SAIC';

/** where a project without its district (a fixture) sits: the demo's */
const LOCALITY = '湛河区';
const REGION = '平顶山市';
const COUNTRY = '中国';
const CURRENCY = 'CNY';
const TZ = '+08:00';

// ---------- output types (the subset of OC4IDS 0.9 we publish) ----------

export interface Oc4idsValue {
  amount: number;
  currency: 'CNY';
}
export interface Oc4idsPeriod {
  startDate?: string;
  endDate?: string;
}
export interface Oc4idsOrganizationReference {
  id: string;
  name: string;
}
export interface Oc4idsIdentifier {
  scheme: string;
  id: string;
  legalName?: string;
}
export interface Oc4idsAddress {
  streetAddress?: string;
  locality?: string;
  region?: string;
  countryName?: string;
}

export interface Oc4idsParty {
  id: string;
  name: string;
  identifier?: Oc4idsIdentifier;
  roles: string[];
}

export interface Oc4idsLocation {
  id: string;
  description: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  address: Oc4idsAddress;
}

export interface Oc4idsBudgetBreakdown {
  id: string;
  description: string;
  amount: Oc4idsValue;
  sourceParty?: Oc4idsOrganizationReference;
}

export interface Oc4idsBudget {
  description: string;
  amount: Oc4idsValue;
  budgetBreakdowns: { id: string; description: string; budgetBreakdown: Oc4idsBudgetBreakdown[] }[];
}

export interface Oc4idsDocument {
  id: string;
  documentType?: string;
  title: string;
  url: string;
  format: string;
  datePublished: string;
}

export interface Oc4idsProject {
  id: string;
  updated: string;
  language: string;
  identifiers: { id: string; scheme: string }[];
  publicAuthority: Oc4idsOrganizationReference;
  title: string;
  description?: string;
  status: ReturnType<typeof oc4idsStatus>;
  type: 'rehabilitation';
  sector: string[];
  purpose: string;
  period?: Oc4idsPeriod;
  identificationPeriod?: Oc4idsPeriod;
  preparationPeriod?: Oc4idsPeriod;
  implementationPeriod?: Oc4idsPeriod;
  completionPeriod?: Oc4idsPeriod;
  locations?: Oc4idsLocation[];
  budget?: Oc4idsBudget;
  parties: Oc4idsParty[];
  documents?: Oc4idsDocument[];
  completion?: { endDate?: string; finalValue?: Oc4idsValue };
}

export interface Oc4idsPackage {
  uri: string;
  version: typeof OC4IDS_VERSION;
  publishedDate: string;
  publisher: { name: string };
  projects: Oc4idsProject[];
}

export interface Oc4idsMeta {
  baseUrl: string;
  publishedDate: Date;
  publisherName: string;
}

// ---------- helpers ----------

/** Integer fen → yuan as a JSON number, via the exact decimal text (no float arithmetic). */
export function fenToYuanNumber(fen: number): number {
  return Number(fenToDecimal(fen));
}

const cny = (fen: number): Oc4idsValue => ({ amount: fenToYuanNumber(fen), currency: CURRENCY });

/** A calendar date ('YYYY-MM-DD') as an OC4IDS date-time at the start (or end) of that day in China. */
export function dateTime(date: string, endOfDay = false): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a calendar date: ${date}`);
  return `${date}T${endOfDay ? '23:59:59' : '00:00:00'}${TZ}`;
}

/** Stable short hash (FNV-1a, 32 bit) for ids of organizations that have no USCC. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function subdistrictOfficeName(name: string): string {
  return name.endsWith('街道') ? `${name}办事处` : name;
}

function channelDescription(channel: string): string {
  if (!isFundingChannel(channel)) return channel;
  return `${zh[`channel.${channel}`]} (${channel})`;
}

/** Codelist order of the projectSector codes we can derive from our scope taxonomy. */
const SECTOR_ORDER = ['energy', 'communications', 'waterAndWaste', 'transport', 'transport.road', 'socialHousing'];
const SCOPE_SECTORS: Record<string, string[]> = {
  'infrastructure.utilities.water': ['waterAndWaste'],
  'infrastructure.utilities.drainage': ['waterAndWaste'],
  'infrastructure.basic.refuse': ['waterAndWaste'],
  'infrastructure.utilities.power': ['energy'],
  'infrastructure.utilities.gas': ['energy'],
  'infrastructure.utilities.heating': ['energy'],
  'infrastructure.utilities.telecom': ['communications'],
  'infrastructure.utilities.broadcast': ['communications'],
  'infrastructure.basic.roads': ['transport', 'transport.road'],
};

/** Residential estates are housing ('socialHousing'); utility and road works add their sectors. */
function sectors(p: Disclosure): string[] {
  const set = new Set<string>(['socialHousing']);
  for (const s of p.scope) for (const code of SCOPE_SECTORS[s.code] ?? []) set.add(code);
  return SECTOR_ORDER.filter((c) => set.has(c));
}

/** Which OC4IDS phase each of our stages belongs to (the same mapping as oc4idsStatus). */
const PHASES = ['identification', 'preparation', 'implementation', 'completion'] as const;
type Phase = (typeof PHASES)[number];

/**
 * Phase periods from the stage events: a phase starts when its first stage was entered (the
 * latest entry, as on the project page) and ends when the next phase started.
 */
function phasePeriods(p: Disclosure): Partial<Record<Phase, Oc4idsPeriod>> {
  const entered = new Map<Stage, string>();
  for (const e of [...p.stageEvents].sort((a, b) => a.enteredOn.localeCompare(b.enteredOn))) entered.set(e.stage, e.enteredOn);
  const starts = new Map<Phase, string>();
  for (const [stage, date] of [...entered].sort((a, b) => a[0] - b[0])) {
    if (stage > p.stage) continue; // entries of stages the project has left again
    const phase = oc4idsStatus(stage);
    if (!starts.has(phase)) starts.set(phase, date);
  }
  const out: Partial<Record<Phase, Oc4idsPeriod>> = {};
  PHASES.forEach((phase, i) => {
    const start = starts.get(phase);
    if (!start) return;
    const next = PHASES.slice(i + 1)
      .map((ph) => starts.get(ph))
      .find((d) => d !== undefined);
    out[phase] = next && next >= start ? { startDate: dateTime(start), endDate: dateTime(next) } : { startDate: dateTime(start) };
  });
  return out;
}

function parties(p: Disclosure, authority: Oc4idsParty): Oc4idsParty[] {
  const byKey = new Map<string, Oc4idsParty>();
  for (const x of p.parties) {
    const key = x.uscc ? `uscc:${x.uscc}` : `name:${x.name}`;
    const role = OC4IDS_PARTY_ROLE[x.role];
    const known = byKey.get(key);
    if (known) {
      if (!known.roles.includes(role)) known.roles.push(role);
      continue;
    }
    byKey.set(
      key,
      x.uscc
        ? { id: `${USCC_SCHEME}-${x.uscc}`, name: x.name, identifier: { scheme: USCC_SCHEME, id: x.uscc, legalName: x.name }, roles: [role] }
        : { id: `gzzh-org-${fnv1a(x.name)}`, name: x.name, roles: [role] },
    );
  }
  return [authority, ...byKey.values()];
}

function project(p: Disclosure, baseUrl: string): Oc4idsProject {
  const totalFen = p.budget.reduce((sum, b) => sum + b.amountFen, 0);
  const subdistrictFunds = p.budget.some((b) => b.channel === 'subdistrict' && b.amountFen > 0);
  const authority: Oc4idsParty = {
    id: `gzzh-subdistrict-${p.subdistrict.code}`,
    name: subdistrictOfficeName(p.subdistrict.name),
    roles: subdistrictFunds ? ['publicAuthority', 'funder'] : ['publicAuthority'],
  };
  const authorityRef = { id: authority.id, name: authority.name };
  const phases = phasePeriods(p);

  const period: Oc4idsPeriod | undefined =
    p.plannedStart || p.plannedEnd
      ? {
          ...(p.plannedStart ? { startDate: dateTime(p.plannedStart) } : {}),
          ...(p.plannedEnd ? { endDate: dateTime(p.plannedEnd, true) } : {}),
        }
      : undefined;

  const locations: Oc4idsLocation[] = p.estates.map((e) => ({
    id: String(e.id),
    description: e.name,
    geometry: { type: 'Point', coordinates: [e.lng, e.lat] }, // GeoJSON order: longitude, latitude
    address: { streetAddress: e.address, locality: p.district?.name ?? LOCALITY, region: p.district?.city ?? REGION, countryName: COUNTRY },
  }));

  const budget: Oc4idsBudget | undefined =
    p.budget.length > 0
      ? {
          description: '改造资金预算，按资金来源分列',
          amount: cny(totalFen),
          budgetBreakdowns: [
            {
              id: 'funding-channel',
              description: '按资金来源 (funding channel)',
              budgetBreakdown: p.budget.map((b) => ({
                id: String(b.id),
                description: channelDescription(b.channel),
                amount: cny(b.amountFen),
                ...(b.channel === 'subdistrict' ? { sourceParty: authorityRef } : {}),
              })),
            },
            // money received so far against the planned 社会捐助 and 居民合理分摊 lines: the sums of their records
            ...(p.donations.receivedMoneyFen > 0 || p.residents.receivedMoneyFen > 0
              ? [
                  {
                    id: 'received',
                    description: '已到位资金 (received)',
                    budgetBreakdown: [
                      ...(p.donations.receivedMoneyFen > 0
                        ? [
                            {
                              id: 'donations-received',
                              description: `${channelDescription('donations')} 已到位 (received)`,
                              amount: cny(p.donations.receivedMoneyFen),
                            },
                          ]
                        : []),
                      ...(p.residents.receivedMoneyFen > 0
                        ? [
                            {
                              id: 'residents-received',
                              description: `${channelDescription('residents')} 已到位 (received)`,
                              amount: cny(p.residents.receivedMoneyFen),
                            },
                          ]
                        : []),
                    ],
                  },
                ]
              : []),
          ],
        }
      : undefined;

  const documents: Oc4idsDocument[] = p.documents.map((d) => {
    const documentType = OC4IDS_DOCUMENT_TYPE[d.kind];
    return {
      id: String(d.id),
      ...(documentType ? { documentType } : {}),
      title: d.title,
      url: `${baseUrl}/files/${d.id}/${encodeURIComponent(d.fileName)}`,
      format: d.mime,
      datePublished: d.publishedAt.toISOString(),
    };
  });

  let completion: Oc4idsProject['completion'];
  if (p.stage >= 5) {
    const handover = p.stageEvents
      .filter((e) => e.stage === 5)
      .map((e) => e.enteredOn)
      .sort()
      .at(-1);
    const c = {
      ...(handover ? { endDate: dateTime(handover) } : {}),
      ...(p.budget.length > 0 ? { finalValue: cny(totalFen) } : {}),
    };
    if (Object.keys(c).length > 0) completion = c;
  }

  // Empty arrays and objects are left out: OC4IDS gives them minItems / minProperties 1.
  return {
    id: `${OC4IDS_PROJECT_PREFIX}-${p.code}`,
    updated: p.updatedAt.toISOString(),
    language: 'zh',
    identifiers: [{ id: p.code, scheme: 'gongzhi' }],
    publicAuthority: authorityRef,
    title: p.title,
    ...(p.summary.trim() ? { description: p.summary } : {}),
    status: oc4idsStatus(p.stage),
    type: 'rehabilitation',
    sector: sectors(p),
    purpose:
      p.households > 0 ? `${p.batchYear}年度老旧小区改造，改善${p.households}户居民的居住条件。` : `${p.batchYear}年度老旧小区改造，改善居民的居住条件。`,
    ...(period ? { period } : {}),
    ...(phases.identification ? { identificationPeriod: phases.identification } : {}),
    ...(phases.preparation ? { preparationPeriod: phases.preparation } : {}),
    ...(phases.implementation ? { implementationPeriod: phases.implementation } : {}),
    ...(phases.completion ? { completionPeriod: phases.completion } : {}),
    ...(locations.length > 0 ? { locations } : {}),
    ...(budget ? { budget } : {}),
    parties: parties(p, authority),
    ...(documents.length > 0 ? { documents } : {}),
    ...(completion ? { completion } : {}),
  };
}

/** The OC4IDS 0.9 project package of the given (published) projects. */
export function buildOc4idsPackage(projects: Disclosure[], meta: Oc4idsMeta): Oc4idsPackage {
  const baseUrl = meta.baseUrl.replace(/\/+$/, '');
  return {
    uri: `${baseUrl}/open-data/oc4ids.json`,
    version: OC4IDS_VERSION,
    publishedDate: meta.publishedDate.toISOString(),
    publisher: { name: meta.publisherName },
    projects: projects.map((p) => project(p, baseUrl)),
  };
}

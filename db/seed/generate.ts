import { rng, type Rng } from './random.ts';
import { SUBDISTRICTS, ESTATE_STEMS, ESTATE_SUFFIXES, ESTATE_STEMS_EN, ESTATE_SUFFIXES_EN, ROADS, COMPANIES, SURNAMES, GIVEN_NAMES } from './zhanhe.ts';
import { usccCheckChar, type PartyRole } from '../../src/features/projects/parties.ts';
import type { Stage } from '../../src/features/projects/stages.ts';
import type { FundingChannel } from '../../src/features/funding/channels.ts';

// Builds the demo data set as plain values; write.ts puts it in the database.

export interface SeedEstate {
  key: number;
  subdistrictCode: string;
  community: string;
  name: string;
  nameEn: string;
  address: string;
  buildYear: number;
  buildingCount: number;
  householdCount: number;
  floorAreaCm2: number;
  lat: number;
  lng: number;
  eligibility: Record<string, boolean>;
}

export interface SeedProject {
  code: string;
  subdistrictCode: string;
  estateKeys: number[];
  title: string;
  titleEn: string;
  summary: string;
  summaryEn: string;
  batchYear: number;
  stage: Stage;
  stageEvents: { stage: Stage; enteredOn: string }[];
  plannedStart: string;
  plannedEnd: string;
  households: number;
  scope: { code: string; description: string; quantityX100: number; unit: string; costFen: number }[];
  budget: { channel: FundingChannel; amountFen: number }[];
  parties: { role: PartyRole; name: string; uscc: string; contactName: string; contactPhone: string }[];
  fees: { item: string; unit: string; beforeFen: number; afterFen: number; subsidyFen: number; subsidyMonths: number }[];
  notices: { kind: string; title: string; body: string; publishedOn: string }[];
  history: { entity: string; field: string; oldValue: string; newValue: string; changedOn: string; note: string }[];
  publishedOn: string;
}

export interface SeedData {
  estates: SeedEstate[];
  projects: SeedProject[];
  subdistrictNotices: { subdistrictCode: string; kind: string; title: string; body: string; publishedOn: string }[];
  /** volunteering tasks, dated from the day of seeding (always ahead, so residents can try signing up) */
  volunteerTasks: SeedVolunteerTask[];
}

export interface SeedVolunteerTask {
  projectCode: string;
  title: string;
  place: string;
  details: string;
  /** days after the seeding day, starting at `startTime` Beijing time */
  startsInDays: number;
  startTime: string;
  durationMinutes: number;
  places: number;
}

const SCOPE_UNITS: [RegExp, string, number, number][] = [
  // code pattern, unit, quantity range (×1), cost per unit in fen
  [/roads|bare_soil|green_space|waterproofing/, '㎡', 800, 9000],
  [/lighting/, '盏', 20, 180000],
  [/water|drainage|gas|heating|power/, '米', 300, 26000],
  [/telecom|broadcast/, '米', 400, 6000],
  [/doors_windows/, '樘', 60, 85000],
  [/charging|parking|fitness|activity|property_rooms|elderly|childcare|medical|culture|courier/, '处', 3, 2500000],
  [/signage|notice_boards|fire_safety|security|accessibility|refuse/, '套', 10, 320000],
];

const INFRA = [
  'infrastructure.utilities.water',
  'infrastructure.utilities.drainage',
  'infrastructure.utilities.gas',
  'infrastructure.utilities.telecom',
  'infrastructure.basic.roads',
  'infrastructure.basic.lighting',
  'infrastructure.basic.waterproofing',
  'infrastructure.basic.doors_windows',
  'infrastructure.basic.refuse',
  'infrastructure.function.parking',
  'infrastructure.function.ebike_charging',
  'infrastructure.function.accessibility',
  'infrastructure.function.notice_boards',
  'infrastructure.function.fire_safety',
  'infrastructure.function.security',
  'infrastructure.function.signage',
];
const ENV = [
  'environment.illegal_structures',
  'environment.debris',
  'environment.fire_lanes',
  'environment.ac_units',
  'environment.green_space',
  'environment.bare_soil',
];
const SERVICES = ['services.elderly', 'services.culture', 'services.courier', 'services.childcare'];
const MANAGEMENT = ['management.owners_meeting', 'management.owners_committee', 'management.property_company'];

const BOX = { latMin: 33.7, latMax: 33.76, lngMin: 113.25, lngMax: 113.36 };
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function uscc(r: Rng): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = '91410411';
  for (let i = 0; i < 9; i++) body += alphabet[r.int(0, alphabet.length - 1)];
  return body + usccCheckChar(body);
}

function estate(r: Rng, key: number, subIndex: number): SeedEstate {
  const sub = SUBDISTRICTS[subIndex % SUBDISTRICTS.length]!;
  const buildingCount = r.int(2, 12);
  const householdCount = buildingCount * r.int(18, 48);
  const stem = ESTATE_STEMS[key % ESTATE_STEMS.length]!;
  const generation = Math.floor(key / ESTATE_STEMS.length);
  return {
    key,
    subdistrictCode: sub.code,
    community: sub.communities[key % sub.communities.length]!,
    name: `${stem}${generation ? `${generation + 1}号` : ''}${ESTATE_SUFFIXES[key % ESTATE_SUFFIXES.length]}`,
    nameEn: `${ESTATE_STEMS_EN[key % ESTATE_STEMS_EN.length]}${generation ? ` No. ${generation + 1}` : ''} ${ESTATE_SUFFIXES_EN[key % ESTATE_SUFFIXES_EN.length]}`,
    address: `湛河区${r.pick(ROADS)}${r.int(1, 320)}号`,
    buildYear: r.int(1978, 1999),
    buildingCount,
    householdCount,
    floorAreaCm2: householdCount * r.int(55, 95) * 100, // 0.01 m², like every _cm2 value
    lat: Number(clamp(sub.lat + (r.next() - 0.5) * 0.018, BOX.latMin + 0.002, BOX.latMax - 0.002).toFixed(6)),
    lng: Number(clamp(sub.lng + (r.next() - 0.5) * 0.022, BOX.lngMin + 0.002, BOX.lngMax - 0.002).toFixed(6)),
    eligibility: {
      builtBefore2000: true,
      structurallySafe: true,
      residentsWilling: true,
      notShantytown: true,
      notSelfBuilt: true,
      notSanGongYiYe: true,
    },
  };
}

function scopeItem(r: Rng, code: string) {
  const rule = SCOPE_UNITS.find(([re]) => re.test(code));
  const [unit, qty, perUnit] = rule ? [rule[1], rule[2], rule[3]] : ['项', 1, 4000000];
  const quantity = Math.max(1, Math.round(qty * (0.5 + r.next())));
  return { code, description: '', quantityX100: quantity * 100, unit, costFen: quantity * perUnit };
}

function splitBudget(r: Rng, totalFen: number, stage: Stage): SeedProject['budget'] {
  const plan: [FundingChannel, number][] = [
    ['central_provincial', r.int(35, 50)],
    ['city', r.int(10, 15)],
    ['district', r.int(15, 25)],
    ['utilities', r.int(3, 8)],
    ['residents', r.int(2, 6)],
  ];
  if (stage % 2 === 0) plan.push(['donations', 1]);
  if (stage >= 5) plan.push(['original_owner_units', 3]);
  const weight = plan.reduce((a, [, w]) => a + w, 0);
  const lines = plan.map(([channel, w]) => ({ channel, amountFen: Math.floor((totalFen * w) / weight) }));
  lines[0]!.amountFen += totalFen - lines.reduce((a, l) => a + l.amountFen, 0);
  return lines;
}

const DESCRIPTIONS: Record<string, string> = {
  'infrastructure.utilities.water': '更换老化供水管网，实行一户一表',
  'infrastructure.utilities.drainage': '雨污分流改造，疏通化粪池',
  'infrastructure.utilities.gas': '更换老旧燃气立管',
  'infrastructure.utilities.telecom': '规整通信线缆，入地或套管',
  'infrastructure.basic.roads': '园区道路沥青罩面，平整路面',
  'infrastructure.basic.lighting': '新增和更换路灯、楼道声控灯',
  'infrastructure.basic.waterproofing': '屋面防水层翻新',
  'infrastructure.basic.doors_windows': '更换单元门及楼道窗',
  'infrastructure.basic.refuse': '设置分类垃圾收集点',
  'infrastructure.function.parking': '划设停车位，设置车辆道闸',
  'infrastructure.function.ebike_charging': '建设电动车集中充电棚',
  'infrastructure.function.accessibility': '单元入口加装无障碍坡道和扶手',
  'infrastructure.function.notice_boards': '设置小区公示栏',
  'infrastructure.function.fire_safety': '配置消防器材，规整消防通道标识',
  'infrastructure.function.security': '安装视频监控和门禁系统',
  'infrastructure.function.signage': '楼栋单元标识更新',
  'environment.illegal_structures': '拆除违章建筑',
  'environment.debris': '清理楼道和屋顶杂物',
  'environment.fire_lanes': '打通消防通道',
  'environment.ac_units': '规整空调外机及冷凝水管',
  'environment.green_space': '补植绿化，重新规划绿地',
  'environment.bare_soil': '裸露土地硬化或绿化',
  'services.elderly': '设置社区养老服务站',
  'services.culture': '建设文化活动室',
  'services.courier': '设置智能快递柜',
  'services.childcare': '设置托育服务点',
  'management.owners_meeting': '指导成立业主大会',
  'management.owners_committee': '选举产生业主委员会',
  'management.property_company': '公开选聘物业服务企业',
};

function project(r: Rng, index: number, estates: SeedEstate[], subdistrictCode: string, stage: Stage): SeedProject {
  const batchYear = 2020 + (index % 4);
  const start = `${batchYear}-03-${String(r.int(1, 28)).padStart(2, '0')}`;
  const stageEvents = Array.from({ length: stage }, (_, i) => ({ stage: (i + 1) as Stage, enteredOn: addDays(start, i * 75) }));
  const codes = [...r.sample(INFRA, r.int(4, 6)), ...r.sample(ENV, 2), r.pick(SERVICES), r.pick(MANAGEMENT)];
  const scope = codes.map((c) => ({ ...scopeItem(r, c), description: DESCRIPTIONS[c] ?? '' }));
  const totalFen = scope.reduce((a, s) => a + s.costFen, 0);
  const names = estates.map((e) => e.name).join('、');
  const namesEn = estates.map((e) => e.nameEn).join(' and ');
  const buildings = estates.reduce((a, e) => a + e.buildingCount, 0);
  const built = Math.min(...estates.map((e) => e.buildYear));
  const households = estates.reduce((a, e) => a + e.householdCount, 0);
  const roles: PartyRole[] = ['design', 'construction', 'supervision', 'property'];
  if (index % 7 === 3) roles.push('operator');
  const contact = () => `${r.pick(SURNAMES)}${r.pick(GIVEN_NAMES)}`;
  const phone = () => `13${r.int(0, 9)}${String(r.int(0, 99999999)).padStart(8, '0')}`;
  const parties = roles.map((role) => ({ role, name: r.pick(COMPANIES[role]), uscc: uscc(r), contactName: contact(), contactPhone: phone() }));
  const noticeKinds: [Stage, string, string][] = [
    [1, 'publicity', `关于${names}老旧小区改造征求居民意见的公告`],
    [2, 'plan', `${names}改造方案公示`],
    [3, 'construction', `${names}改造工程施工公告`],
    [4, 'acceptance', `${names}改造工程竣工验收公示`],
  ];
  const notices = noticeKinds
    .filter(([s]) => s <= stage)
    .map(([s, kind, title]) => ({
      kind,
      title,
      body: `各位居民：\n\n${names}已列入湛河区${batchYear}年老旧小区改造计划。${kind === 'plan' ? '改造方案现予公示，公示期 7 天，如有意见请向社区居委会反映。' : kind === 'construction' ? '工程即将开工，施工期间请注意安全，给您带来的不便敬请谅解。' : kind === 'acceptance' ? '工程已完工，现将验收情况予以公示，欢迎监督。' : '现征求居民对改造内容的意见和建议，请于两周内将意见反馈至社区居委会。'}\n\n联系电话：0375-${r.int(2000000, 4999999)}`,
      publishedOn: stageEvents[s - 1]!.enteredOn,
    }));
  const history: SeedProject['history'] = stageEvents.slice(1).map((e) => ({
    entity: 'project',
    field: 'stage',
    oldValue: String(e.stage - 1),
    newValue: String(e.stage),
    changedOn: e.enteredOn,
    note: '',
  }));
  const budget = splitBudget(r, totalFen, stage);
  const residentsLine = budget.find((b) => b.channel === 'residents')!;
  if (stage >= 3) {
    history.push({
      entity: 'budget_line',
      field: 'amount_fen',
      oldValue: String(residentsLine.amountFen + 1_000_000),
      newValue: String(residentsLine.amountFen),
      changedOn: addDays(start, 160),
      note: '根据设计变更调整居民分摊金额',
    });
  }
  return {
    code: `ZH-${batchYear}-${String(index + 1).padStart(5, '0')}`,
    subdistrictCode,
    estateKeys: estates.map((e) => e.key),
    title: `${names}老旧小区改造项目`,
    titleEn: `Renovation of ${namesEn}`,
    summary: `对${names}（建于 ${built} 年）实施基础类、完善类和提升类改造，涉及 ${buildings} 栋楼、${households} 户。`,
    summaryEn: `Basic, improvement and enhancement works at ${namesEn} (built in ${built}): ${buildings} buildings, ${households} households.`,
    batchYear,
    stage,
    stageEvents,
    plannedStart: start,
    plannedEnd: addDays(start, 420),
    households,
    scope,
    budget,
    parties,
    fees: [
      { item: '物业服务费', unit: '元/㎡·月', beforeFen: 35, afterFen: 80, subsidyFen: 30, subsidyMonths: 36 },
      { item: '停车服务费', unit: '元/车·月', beforeFen: 0, afterFen: 3000, subsidyFen: 0, subsidyMonths: 0 },
    ],
    notices,
    history,
    publishedOn: stageEvents[0]!.enteredOn,
  };
}

/**
 * The demo set: 27 estates over the nine subdistricts and `projectCount` projects (24 by
 * default; three of them merge two adjacent estates), every stage represented.
 */
export function generateDemo(projectCount = 24, seed = 20200601): SeedData {
  const r = rng(seed);
  const estateCount = Math.max(27, projectCount + 3);
  const estates = Array.from({ length: estateCount }, (_, k) => estate(r, k, k % SUBDISTRICTS.length));
  const projects: SeedProject[] = [];
  let spare = projectCount;
  for (let i = 0; i < projectCount; i++) {
    const own = estates[i]!;
    const merged = [own];
    if (i % 8 === 3 && spare < estateCount) {
      // an adjacent estate merged into the same project (归并整合): same subdistrict, next door
      const neighbour = estates[spare++]!;
      neighbour.subdistrictCode = own.subdistrictCode;
      neighbour.community = own.community;
      neighbour.lat = Number((own.lat + 0.0015).toFixed(6));
      neighbour.lng = Number((own.lng + 0.0015).toFixed(6));
      merged.push(neighbour);
    }
    projects.push(project(r, i, merged, own.subdistrictCode, ((i % 6) + 1) as Stage));
  }
  const subdistrictNotices = SUBDISTRICTS.map((s, i) => ({
    subdistrictCode: s.code,
    kind: 'other',
    title: `${s.name}老旧小区改造工作联系方式`,
    body: `${s.name}老旧小区改造工作专班已成立。居民对改造工作有意见建议的，可到街道办事处或所在社区居委会反映。\n\n联系电话：0375-${3000000 + i * 1111}`,
    publishedOn: '2020-06-01',
  }));
  // one volunteering task, on the project of the first estate (where the demo owners live)
  const first = projects.find((p) => p.estateKeys.includes(estates[0]!.key))!;
  const volunteerTasks: SeedVolunteerTask[] = [
    {
      projectCode: first.code,
      title: '协助入户征集改造意见',
      place: `${estates[0]!.name}活动室`,
      details: '与社区工作人员一起入户发放、回收改造意见征集表，每组两人。',
      startsInDays: 10,
      startTime: '09:00',
      durationMinutes: 150,
      places: 6,
    },
  ];
  return { estates, projects, subdistrictNotices, volunteerTasks };
}

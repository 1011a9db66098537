// The dictionary's own rules: the same placeholders in both languages, no word nobody shows, and
// Chinese punctuation in Chinese text. Each check is a plain function, run on the real dictionary
// and on a small broken one, so a check that stopped finding anything would fail here too.
import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zh } from '../../src/i18n/zh.ts';
import { en } from '../../src/i18n/en.ts';

type Dict = Record<string, string>;

/** Keys built at run time from a domain code: `t(\`stage.${p.stage}\`)` or `codeLabel(t, 'noticeKind.', kind)`. One line per prefix. */
const DYNAMIC_PREFIXES: Record<string, string> = {
  'stage.': 'project stage 1–6 (projects.stage)',
  'channel.': 'funding channel code of a budget line (funding/channels.ts)',
  'category.': 'scope category of the renovation taxonomy (projects/taxonomy.ts)',
  'scope.': 'scope item code of the taxonomy (projects/taxonomy.ts)',
  'role.': "party role on a project and an account's role",
  'doc.': 'document kind (project documents)',
  'timeline.': 'state of a stage on the stage timeline (done, current, planned)',
  'history.field.': 'field named in a project change-history row',
  'history.entity.': 'what a project change-history row changed',
  'eligibility.': 'eligibility rule keys listed on the project page',
  'idType.': 'identity document type of an owner',
  'ground.': 'ground on which staff verify an owner',
  'claim.status.': 'state of an ownership claim',
  'claim.method.': 'how an ownership claim was verified',
  'noticeKind.': 'notice kind (notices.kind)',
  'adminNotices.status.': 'draft / published / withdrawn notice',
  'donations.kind.': 'money, goods or labour',
  'donations.status.': 'state of a donation offer',
  'consult.badge.': 'how a consultation comment was received or who wrote it (channel / staff / owner)',
  'consult.channel.': 'channel of a consultation opinion (online, paper, in person)',
  'consult.disposition.': 'disposition of an opinion in a consultation report',
  'donations.export.': 'column of the donations XLSX export (DONATION_EXPORT_COLUMNS)',
  'ratings.goal.': 'the ten goals (十项目标) rated 1–5',
  'ratings.channel.': 'how a rating was given (online, paper questionnaire)',
  'volunteer.status.': "state of a volunteer's sign-up",
  'ballots.status.': 'state of a ballot',
  'ballots.choice.': 'for / against / abstain',
  'ballots.channel.': 'how a vote was cast (online, paper, proxy, developer)',
  'ballots.group.': 'ballot list grouped by state',
  'ballots.receipt.': 'answer of the receipt-code lookup',
  'ballots.notVoter.': 'why a signed-in resident may not vote',
  'ballots.convener.': 'who convened the ballot',
  'report.fig.': 'figure of the monthly report (reports/core/figures.ts SECTIONS)',
  'report.section.': 'section of the monthly report (reports/core/figures.ts SECTIONS)',
  'ballots.row.': 'rows of the result table (eligible, participating…)',
  'ballotsAdmin.castRight.': 'who holds the right to cast for a flat already voted online',
  'cosign.role.': "owners' committee role of a co-signer",
  'audit.action.': 'audit log action name (audit_log.action)',
  'audit.reason.': 'why the audit chain check failed',
  'notify.kind.': 'what a resident may be told (notifications.kind)',
  'notify.choice.': 'off / portal / portal and SMS, per kind',
  'costshare.status.': 'state of a cost-share scheme (cost_schemes.status)',
  'costshare.statusHelp.': 'what the state of a cost-share scheme means to an owner (public scheme page)',
  'costshare.pledgeStatus.': 'state of a cost-share pledge (pledged, withdrawn, released, paid)',
  'costshare.release.': 'why a cost-share pledge was released (corrected, lapsed, withdrawn)',
  'adminCostshare.payMethod.': 'how a cost-share payment was made (PAY_METHODS)',
  'costshare.objectionChannel.': 'how an objection entered by staff was received (paper, in person)',
  'adminCostshare.objectionChannel.': 'the choice of how an objection entered by staff was received (paper, in person)',
  'err.password_': 'weakness found by the password check (too_short, too_long, too_simple)',
};

/** Keys built from a literal list in a template: `(['building', 'entrance', 'room']).map(k => t(\`objectionsAdmin.${k}\`))`. */
const BUILT_FROM_LISTS = ['objectionsAdmin.building', 'objectionsAdmin.entrance', 'objectionsAdmin.room', 'volunteerAdmin.startsAt', 'volunteerAdmin.endsAt'];

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

/** Keys whose Chinese and English texts do not name the same `{placeholders}`. */
export function placeholderMismatches(zhDict: Dict, enDict: Dict): string[] {
  return Object.keys(zhDict).filter((k) => placeholders(zhDict[k]!).join() !== placeholders(enDict[k] ?? '').join());
}

/** Keys no source file names as a string literal, nor a dynamic prefix or literal list covers. */
export function unreferencedKeys(keys: string[], sources: string, prefixes: string[], listed: string[]): string[] {
  return keys.filter(
    (k) => !listed.includes(k) && !prefixes.some((p) => k.startsWith(p)) && ![`'${k}'`, `"${k}"`, `\`${k}\``].some((quoted) => sources.includes(quoted)),
  );
}

/** `'err.something'` literals in the sources that are not dictionary keys. */
export function missingErrorKeys(sources: string, keys: string[]): string[] {
  const known = new Set(keys);
  return [...new Set([...sources.matchAll(/['"`](err\.\w+)['"`]/g)].map((m) => m[1]!))].filter((k) => !known.has(k));
}

// Where ASCII punctuation is right in Chinese text. Each span is removed before checking:
const ALLOWED_SPANS: [RegExp, string][] = [
  [/https?:\/\/\S+/g, 'a web address'],
  [/\?\w+=\S*/g, 'a query string a reader types after an address (?version=N)'],
  [/\b\d{1,2}:\d{2}\b/g, 'a time of day (12:00)'],
];
// Chinese characters, CJK and full-width punctuation, and a {placeholder} (filled with Chinese text).
const CHINESE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef{}]/;

/** `key: «context»` for each ASCII : , ( ) ; next to Chinese (one space between still counts). */
export function halfWidthInChinese(zhDict: Dict): string[] {
  const found: string[] = [];
  for (const [key, text] of Object.entries(zhDict)) {
    let rest = text;
    for (const [span] of ALLOWED_SPANS) rest = rest.replace(span, ' ');
    for (const m of rest.matchAll(/[:,();]/g)) {
      const i = m.index;
      const prev = rest[i - 1] === ' ' ? rest[i - 2] : rest[i - 1];
      const next = rest[i + 1] === ' ' ? rest[i + 2] : rest[i + 1];
      if (CHINESE.test(prev ?? '') || CHINESE.test(next ?? '')) found.push(`${key}: «${rest.slice(Math.max(0, i - 8), i + 9)}»`);
    }
  }
  return found;
}

const sourceFiles = globSync('src/**/*.{ts,astro,svelte}').filter(
  (f) => !/^src\/i18n\/(zh|en)\.ts$/.test(f) && !/^src\/features\/[^/]+\/messages\.ts$/.test(f),
);
const sources = sourceFiles.map((f) => readFileSync(f, 'utf8')).join('\n');

describe('placeholders', () => {
  it('every key names the same {placeholders} in Chinese and English', () => {
    expect(placeholderMismatches(zh, en)).toEqual([]);
  });
  it('the check finds a placeholder missing, renamed or extra', () => {
    const zhBroken = { a: '共 {n} 个', b: '{name}的房屋', c: '截止 {time}', d: '{x}' };
    const enBroken = { a: '{n} in all', b: "{owner}'s flat", c: 'Closes at {time} ({zone})', d: '{x} {x}' };
    expect(placeholderMismatches(zhBroken, enBroken)).toEqual(['b', 'c']);
  });
});

describe('unused keys', () => {
  it('the source files were found', () => {
    expect(sourceFiles.length).toBeGreaterThan(100);
  });
  it('every key is named in src, or built from a listed prefix or literal list', () => {
    expect(unreferencedKeys(Object.keys(zh), sources, Object.keys(DYNAMIC_PREFIXES), BUILT_FROM_LISTS)).toEqual([]);
  });
  it('every dynamic prefix is still built in src and still has keys', () => {
    for (const prefix of Object.keys(DYNAMIC_PREFIXES)) {
      expect(sources.includes(`\`${prefix}\${`) || sources.includes(`codeLabel(t, '${prefix}'`), `${prefix} is built in src`).toBe(true);
      expect(
        Object.keys(zh).some((k) => k.startsWith(prefix)),
        `${prefix} has keys`,
      ).toBe(true);
    }
    for (const key of BUILT_FROM_LISTS) expect(key in zh, key).toBe(true);
  });
  it("every 'err.…' literal in src is a key (zod messages and action refusals are plain strings to the type checker)", () => {
    expect(missingErrorKeys(sources, Object.keys(zh))).toEqual([]);
  });
  it('the check finds an error literal the dictionary lacks', () => {
    expect(missingErrorKeys("z.string().min(1, 'err.required'); return { error: 'err.requird' }; t(`err.password_${w}`)", ['err.required'])).toEqual([
      'err.requird',
    ]);
  });
  it('the check finds a key only its definition names', () => {
    const src = 't(\'home.title\'); t(`stage.${s}`); const k = "nav.home";';
    expect(unreferencedKeys(['home.title', 'nav.home', 'stage.3', 'home.old', 'home.titleOld'], src, ['stage.'], [])).toEqual(['home.old', 'home.titleOld']);
  });
});

describe('Chinese punctuation', () => {
  it('Chinese text uses full-width ：，（）； next to Chinese', () => {
    expect(halfWidthInChinese(zh)).toEqual([]);
  });
  it('the check finds half-width punctuation next to Chinese and allows addresses, times and Latin text', () => {
    const broken = {
      colon: '当前阶段: 施工',
      comma: '姓名,证件号码',
      paren: '面积(平方米)',
      semi: '已保存;请刷新',
      spaced: '截止时间 : {time}',
      placeholder: '{label}:{value}',
      fine: '当前阶段：施工，面积（平方米）；截止 12:00',
      url: '见 https://example.org/a,b?x=1 或 /open-data?version=2',
      latin: '用 SHA-256 核对；npm run audit:verify -- --heads 文件；如“1, 2-1”',
    };
    expect(halfWidthInChinese(broken).map((f) => f.split(':')[0])).toEqual(['colon', 'comma', 'paren', 'paren', 'semi', 'spaced', 'placeholder']);
  });
});

import path from 'node:path';
import { parseDateList, type WorkCalendar } from './calendar.ts';

/** Where text messages go (src/features/accounts/sms.ts); `none`: texting features refuse. */
export type SmsSetting =
  | { kind: 'outbox' }
  | { kind: 'webhook'; url: string; token: string | null }
  /** the test provider: one JSON line a text in a file (mode 0600), for the e2e suite and staging sites */
  | { kind: 'file'; path: string }
  | { kind: 'none' };

/** An optional setting that is missing, and what refuses without it, in both languages. */
export interface MissingSetting {
  name: string;
  zh: string;
  en: string;
}

/** Settings from the environment; README lists each with its default. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  demo: boolean;
  /** why demo mode is on or off, for the start-up log */
  demoReason: 'set' | 'loopback' | 'not-loopback' | 'database' | 'unset';
  /** the address the server listens on (HOST) */
  host: string;
  publicBaseUrl: string;
  /** the origin of PUBLIC_BASE_URL when it is set: origin checks and Secure cookies follow it */
  publicOrigin: string | null;
  /** proxies (TRUST_PROXY, exact addresses) whose X-Forwarded-Proto/Host/For are believed */
  trustProxy: string[];
  sms: SmsSetting;
  /** optional settings that are missing outside demo mode */
  missing: MissingSetting[];
  tileUrl: string;
  tileAttribution: string;
  /** public holidays and make-up working days (调休), for deadlines counted in working days */
  workCalendar: WorkCalendar;
}

const TIANDITU = (key: string) =>
  `https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;

/** 127.0.0.0/8, ::1, localhost: only the machine itself can reach a server listening there. */
export const isLoopbackHost = (host: string): boolean => {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(?:::ffff:)?127(?:\.\d{1,3}){3}$/.test(h);
};

/** An address as Node reports a peer: IPv4-mapped IPv6 (::ffff:10.0.0.1) read as IPv4. */
export const normaliseAddress = (address: string): string =>
  address
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

function originOf(url: string | undefined): string | null {
  if (!url?.trim()) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

function smsSetting(env: Record<string, string | undefined>, demo: boolean): SmsSetting {
  const chosen = env.GONGZHI_SMS?.trim().toLowerCase() || (demo ? 'outbox' : 'none');
  if (chosen === 'outbox') return { kind: 'outbox' };
  if (chosen === 'webhook') {
    const url = originOf(env.GONGZHI_SMS_WEBHOOK_URL) ? env.GONGZHI_SMS_WEBHOOK_URL!.trim() : null;
    return url ? { kind: 'webhook', url, token: env.GONGZHI_SMS_WEBHOOK_TOKEN?.trim() || null } : { kind: 'none' };
  }
  if (chosen === 'file') {
    const file = env.GONGZHI_SMS_FILE?.trim();
    return file ? { kind: 'file', path: path.resolve(file) } : { kind: 'none' };
  }
  return { kind: 'none' };
}

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const demoSetting = env.GONGZHI_DEMO?.trim().toLowerCase();
  const host = env.HOST || '127.0.0.1';
  const port = env.PORT || '4321';
  // demo mode (seeded accounts, the SMS outbox page) by default only where nobody else can
  // reach it: an embedded database on a loopback host; anywhere else only with GONGZHI_DEMO=1
  const unset = demoSetting === undefined || demoSetting === '';
  const demo = unset ? !databaseUrl && isLoopbackHost(host) : ['1', 'true', 'yes', 'on'].includes(demoSetting);
  const demoReason: Config['demoReason'] = !unset ? 'set' : databaseUrl ? 'database' : isLoopbackHost(host) ? 'loopback' : 'not-loopback';
  const tiandituKey = env.TIANDITU_KEY?.trim();
  const publicOrigin = originOf(env.PUBLIC_BASE_URL);
  const sms = smsSetting(env, demo);
  const missing: MissingSetting[] = [];
  if (!demo) {
    if (sms.kind === 'none')
      missing.push({
        name: { webhook: 'GONGZHI_SMS_WEBHOOK_URL', file: 'GONGZHI_SMS_FILE' }[env.GONGZHI_SMS?.trim().toLowerCase() ?? ''] ?? 'GONGZHI_SMS',
        zh: '未配置短信服务：注册、找回密码和投票短信通知暂停使用',
        en: 'no SMS provider: sign-up, password reset and ballot text notices are refused',
      });
    if (!env.GONGZHI_ID_KEY?.trim())
      missing.push({
        name: 'GONGZHI_ID_KEY',
        zh: '未设置证件号码密钥：业主认证和名册导入暂停使用',
        en: 'no ID-number key: owner claims and register imports are refused',
      });
    if (!publicOrigin)
      missing.push({
        name: 'PUBLIC_BASE_URL',
        zh: '未设置对外地址：二维码和公告链接使用本机地址，反向代理后的表单将被拒绝',
        en: 'no public address: QR codes and notice links use the local address, and forms behind a reverse proxy are refused',
      });
  }
  return {
    databaseUrl,
    dataDir: path.resolve(env.GONGZHI_DATA_DIR || './data'),
    demo,
    demoReason,
    host,
    publicBaseUrl: (env.PUBLIC_BASE_URL || `http://${host}:${port}`).replace(/\/+$/, ''),
    publicOrigin,
    trustProxy: (env.TRUST_PROXY ?? '').split(',').map(normaliseAddress).filter(Boolean),
    sms,
    missing,
    tileUrl: env.TILE_URL || (tiandituKey ? TIANDITU(tiandituKey) : 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
    tileAttribution: env.TILE_ATTRIBUTION || (tiandituKey ? '© 天地图 Tianditu' : '© OpenStreetMap contributors'),
    workCalendar: { holidays: new Set(parseDateList(env.GONGZHI_HOLIDAYS)), makeUpWorkdays: new Set(parseDateList(env.GONGZHI_WORKDAYS)) },
  };
}

/** What the start-up log says about demo mode and missing settings, each line in both languages. */
export function startupNotes(cfg: Config): string[] {
  const lines: string[] = [];
  if (cfg.demo)
    lines.push(
      cfg.demoReason === 'loopback'
        ? `演示模式：仅本机可访问（${cfg.host}），含演示账号和 /dev/sms-outbox / Demo mode: loopback host only (${cfg.host}), with demo accounts and /dev/sms-outbox`
        : `演示模式（GONGZHI_DEMO=1）：含演示账号和 /dev/sms-outbox，勿用于真实数据 / Demo mode (GONGZHI_DEMO=1): demo accounts and /dev/sms-outbox, not for real data`,
    );
  else if (cfg.demoReason === 'not-loopback')
    lines.push(
      `演示模式已关闭：主机 ${cfg.host} 不是本机回环地址，如需演示请设置 GONGZHI_DEMO=1 / Demo mode off: host ${cfg.host} is not a loopback address; set GONGZHI_DEMO=1 for a demo`,
    );
  for (const m of cfg.missing) lines.push(`缺少设置 ${m.name}：${m.zh} / Missing setting ${m.name}: ${m.en}`);
  if (!cfg.demo && cfg.sms.kind === 'outbox') lines.push('短信写入发件箱表，不会真正发出 / SMS go to the outbox table only, none is delivered');
  if (cfg.sms.kind === 'file') lines.push(`短信写入测试文件 ${cfg.sms.path}，不会真正发出 / SMS go to the test file ${cfg.sms.path} only, none is delivered`);
  return lines;
}

let cached: Config | undefined;
export const config = (): Config => (cached ??= readConfig());

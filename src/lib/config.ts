import path from 'node:path';
import { parseDateList, type WorkCalendar } from '../features/ballots/result-deadline.ts';

/** Settings from the environment; README lists each with its default. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  demo: boolean;
  publicBaseUrl: string;
  tileUrl: string;
  tileAttribution: string;
  /** public holidays and make-up working days (调休), for deadlines counted in working days */
  workCalendar: WorkCalendar;
}

const TIANDITU = (key: string) =>
  `https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const demoSetting = env.GONGZHI_DEMO?.trim().toLowerCase();
  const demo = demoSetting === undefined || demoSetting === '' ? !databaseUrl : ['1', 'true', 'yes', 'on'].includes(demoSetting);
  const host = env.HOST || '127.0.0.1';
  const port = env.PORT || '4321';
  const tiandituKey = env.TIANDITU_KEY?.trim();
  return {
    databaseUrl,
    dataDir: path.resolve(env.GONGZHI_DATA_DIR || './data'),
    demo,
    publicBaseUrl: (env.PUBLIC_BASE_URL || `http://${host}:${port}`).replace(/\/+$/, ''),
    tileUrl: env.TILE_URL || (tiandituKey ? TIANDITU(tiandituKey) : 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
    tileAttribution:
      env.TILE_ATTRIBUTION ||
      (tiandituKey ? '© 天地图 Tianditu' : '© OpenStreetMap contributors'),
    workCalendar: { holidays: new Set(parseDateList(env.GONGZHI_HOLIDAYS)), makeUpWorkdays: new Set(parseDateList(env.GONGZHI_WORKDAYS)) },
  };
}

let cached: Config | undefined;
export const config = (): Config => (cached ??= readConfig());

import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { config } from './config.ts';
import { parseIdKey, type IdKey } from '../features/register/id-hash.ts';

let cached: IdKey | undefined;

/**
 * The key for hashing ID numbers: GONGZHI_ID_KEY, or in demo mode one generated once in
 * the data directory. Production without a key refuses to hash rather than use a weak one.
 */
export function idKey(): IdKey {
  if (cached) return cached;
  const fromEnv = process.env.GONGZHI_ID_KEY;
  if (fromEnv) return (cached = parseIdKey(fromEnv));
  const cfg = config();
  if (!cfg.demo) throw new Error('未设置 GONGZHI_ID_KEY，无法处理证件号码 / GONGZHI_ID_KEY is not set: ID numbers cannot be processed');
  const file = path.join(cfg.dataDir, 'id-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    fs.writeFileSync(file, `v1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return (cached = parseIdKey(fs.readFileSync(file, 'utf8')));
}

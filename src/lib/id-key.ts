import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { config } from './config.ts';

let cached: IdKey | undefined;

/**
 * Thrown when ID numbers must be hashed and no key is set outside demo mode. Its message is
 * the dictionary key the form shows (src/lib/http/form-errors.ts translates an action's
 * error message that is one), so a claim or a register import refuses with a clear message.
 */
export class MissingIdKeyError extends Error {
  constructor() {
    super('err.idKeyMissing');
    this.name = 'MissingIdKeyError';
  }
}

/** False outside demo mode without GONGZHI_ID_KEY: pages that collect ID numbers say so first. */
export const idKeyAvailable = (): boolean => Boolean(cached || process.env.GONGZHI_ID_KEY?.trim() || config().demo);

/**
 * The key for hashing ID numbers: GONGZHI_ID_KEY, or in demo mode one generated once in
 * the data directory. Production without a key refuses to hash rather than use a weak one.
 */
export function idKey(): IdKey {
  if (cached) return cached;
  const fromEnv = process.env.GONGZHI_ID_KEY?.trim();
  if (fromEnv) return (cached = parseIdKey(fromEnv));
  const cfg = config();
  if (!cfg.demo) throw new MissingIdKeyError();
  const file = path.join(cfg.dataDir, 'id-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    fs.writeFileSync(file, `v1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return (cached = parseIdKey(fs.readFileSync(file, 'utf8')));
}

/** The key, or null when it is missing (production without GONGZHI_ID_KEY): actions answer err.idKeyMissing as a form error. */
export function idKeyOrNull(): IdKey | null {
  try {
    return idKey();
  } catch (e) {
    if (e instanceof MissingIdKeyError) return null;
    throw e;
  }
}

export interface IdKey {
  version: number;
  key: Uint8Array;
}

/** "v1:<base64 of at least 32 bytes>" → key; anything else is refused. */
export function parseIdKey(text: string): IdKey {
  const m = /^v(\d{1,4}):([A-Za-z0-9+/=_-]+)$/.exec(text.trim());
  if (!m) throw new Error('GONGZHI_ID_KEY 格式应为 v1:<base64> / GONGZHI_ID_KEY must look like v1:<base64>');
  const key = Buffer.from(m[2]!, 'base64');
  if (key.byteLength < 32) throw new Error('GONGZHI_ID_KEY 至少 32 字节 / GONGZHI_ID_KEY needs at least 32 bytes');
  return { version: Number(m[1]), key };
}

import { createHmac } from 'node:crypto';
import type { IdType } from './model.ts';

// National ID numbers are never stored in clear (PIPL): a keyed hash matches a claim to
// the register; the last four characters are kept for display.

export interface IdKey {
  version: number;
  key: Uint8Array;
}

export function hashIdNumber(key: IdKey, idType: IdType, normalised: string): string {
  return createHmac('sha256', key.key).update(`${idType}:${normalised}`).digest('hex');
}

/** "v1:<base64 of at least 32 bytes>" → key; anything else is refused. */
export function parseIdKey(text: string): IdKey {
  const m = /^v(\d{1,4}):([A-Za-z0-9+/=_-]+)$/.exec(text.trim());
  if (!m) throw new Error('GONGZHI_ID_KEY 格式应为 v1:<base64> / GONGZHI_ID_KEY must look like v1:<base64>');
  const key = Buffer.from(m[2]!, 'base64');
  if (key.byteLength < 32) throw new Error('GONGZHI_ID_KEY 至少 32 字节 / GONGZHI_ID_KEY needs at least 32 bytes');
  return { version: Number(m[1]), key };
}

import { createHmac } from 'node:crypto';
import type { IdType } from './model.ts';
import { type IdKey } from '../../lib/id-key.ts';

// National ID numbers are never stored in clear (PIPL): a keyed hash matches a claim to
// the register; the last four characters are kept for display.

export function hashIdNumber(key: IdKey, idType: IdType, normalised: string): string {
  return createHmac('sha256', key.key).update(`${idType}:${normalised}`).digest('hex');
}

import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { checkUpload, PROOF_TYPES } from '../../../lib/files/upload-check.ts';
import { privateStore } from '../../../lib/files/private-store.ts';
import type { PayMethod } from '../tables.ts';
import { boardPostingRefusal, postScheme, recordPaperPledge, recordPayment, type Refusal } from './index.ts';

// The staff acts that come with a scan (a paper pledge, a payment's receipt) or a photo (a
// scheme posted on the estate's board earlier): the file is checked and kept in the private
// store (as the ballots' storeScan does), then the command records the act with its key.

type DB = Kysely<Database>;

export const SCAN_MAX = 5 * 1024 * 1024;

/** Checks an uploaded scan and keeps it in the private store: its key (null when none was sent and none is needed), or the refusal. */
export async function storeScan(file: File | undefined, required: boolean): Promise<{ ok: true; key: string | null } | (Refusal & { field: string })> {
  if (!file || file.size === 0) return required ? { ok: false, error: 'costshare.err.scanRequired', field: 'scan' } : { ok: true, key: null };
  const checked = await checkUpload(file, PROOF_TYPES, SCAN_MAX);
  if (!checked.ok) return { ok: false, error: checked.error, field: 'scan' };
  return { ok: true, key: (await privateStore().put(checked.bytes)).key };
}

/** Staff enter a pledge made on paper with its scan (required). */
export async function enterPaperPledge(
  db: DB,
  actorUserId: number,
  input: { schemeId: number; householdNo: number; amount?: number | null; reason: string | null; scan: File },
  now = new Date(),
) {
  const s = await storeScan(input.scan, true);
  if (!s.ok) return s;
  return recordPaperPledge(
    db,
    actorUserId,
    { schemeId: input.schemeId, householdNo: input.householdNo, amountFen: input.amount ?? null, reason: input.reason, scanKey: s.key! },
    now,
  );
}

/** Staff record a payment, with the scan of its receipt if there is one. */
export async function enterPayment(
  db: DB,
  actorUserId: number,
  input: { pledgeId: number; amount: number; paidOn: string; method: PayMethod; receiptNo: string; scan?: File },
  now = new Date(),
) {
  const s = await storeScan(input.scan, false);
  if (!s.ok) return s;
  return recordPayment(
    db,
    actorUserId,
    { pledgeId: input.pledgeId, amountFen: input.amount, paidOn: input.paidOn, method: input.method, receiptNo: input.receiptNo, scanKey: s.key },
    now,
  );
}

/** A photo of the notice board is shown on the public page: an image, never a PDF. */
export const BOARD_PHOTO_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp']);

/**
 * Staff post a draft scheme; when it already went up on the estate's board on an earlier day,
 * with that day and a photo of the board (required for a day before today). The date is
 * checked before the photo is kept.
 */
export async function postWithBoard(db: DB, actorUserId: number, input: { schemeId: number; postedOn: string | null; photo?: File }, now = new Date()) {
  const photo = input.photo && input.photo.size > 0 ? input.photo : null;
  const bad = boardPostingRefusal(input.postedOn, photo !== null, now);
  if (bad) return bad;
  if (!photo || input.postedOn === null) return postScheme(db, actorUserId, { schemeId: input.schemeId }, now);
  const checked = await checkUpload(photo, BOARD_PHOTO_TYPES, SCAN_MAX);
  if (!checked.ok) return { ok: false as const, error: checked.error, field: 'photo' };
  const { key } = await privateStore().put(checked.bytes);
  return postScheme(db, actorUserId, { schemeId: input.schemeId, board: { postedOn: input.postedOn, photoKey: key } }, now);
}

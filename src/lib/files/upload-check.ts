import { fileTypeFromBuffer } from 'file-type';
import { servedFileName } from './names.ts';
import type { MessageKey } from '../../i18n/index.ts';

export { safeFileName, servedFileName } from './names.ts';

// What a file is comes from its bytes, never from its name or the browser's claim.

export const PROOF_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'application/pdf']);
export const DOCUMENT_TYPES = PROOF_TYPES;

export type UploadCheck = { ok: true; bytes: Uint8Array; mime: string; safeName: string } | { ok: false; error: MessageKey };

export async function checkUpload(file: File, allowed: ReadonlySet<string>, maxBytes: number): Promise<UploadCheck> {
  if (file.size === 0) return { ok: false, error: 'err.fileEmpty' };
  if (file.size > maxBytes) return { ok: false, error: 'err.fileTooLargeProof' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !allowed.has(type.mime)) return { ok: false, error: 'err.proofType' };
  return { ok: true, bytes, mime: type.mime, safeName: servedFileName(file.name, type.mime) };
}

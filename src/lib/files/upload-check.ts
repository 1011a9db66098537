import { fileTypeFromBuffer } from 'file-type';

// What a file is comes from its bytes, never from its name or the browser's claim.

export const PROOF_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'application/pdf']);
export const DOCUMENT_TYPES = PROOF_TYPES;

export type UploadCheck = { ok: true; bytes: Uint8Array; mime: string; safeName: string } | { ok: false; error: string };

// eslint-disable-next-line no-control-regex -- control characters are among what it strips
const UNSAFE_IN_NAMES = /[\u0000-\u001f\u007f<>:"|?*]/g;

/** A display name without directories, control characters or path tricks. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(UNSAFE_IN_NAMES, '').replace(/^\.+/, '').trim().slice(0, 120);
  return cleaned || 'file';
}

export async function checkUpload(file: File, allowed: ReadonlySet<string>, maxBytes: number): Promise<UploadCheck> {
  if (file.size === 0) return { ok: false, error: 'err.fileEmpty' };
  if (file.size > maxBytes) return { ok: false, error: 'err.fileTooLargeProof' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !allowed.has(type.mime)) return { ok: false, error: 'err.proofType' };
  return { ok: true, bytes, mime: type.mime, safeName: safeFileName(file.name) };
}

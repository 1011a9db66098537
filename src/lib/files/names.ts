// Names of stored files as people see and save them.

/** Bidirectional controls (LRM/RLM/ALM, embeddings, overrides, isolates): "invoice\u202Efdp.exe" shows as "invoiceexe.pdf". */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A display name without directories, control or bidi characters, or path tricks. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(BIDI, '')
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return cleaned || 'file';
}

/** The extension each accepted type is served with, and the others a name may already carry for it. */
const EXTENSIONS: Record<string, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

/**
 * The name a stored file is served under: safeFileName, ending in the extension of the type
 * sniffed from its bytes ("scan.exe" holding a PDF → "scan.exe.pdf"; "photo.JPEG" stays), so
 * that what the browser saves opens as what it is.
 */
export function servedFileName(name: string, mime: string): string {
  const clean = safeFileName(name);
  const exts = EXTENSIONS[mime];
  if (!exts) return clean;
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(clean)?.[1]?.toLowerCase();
  if (ext && exts.includes(ext)) return clean;
  return `${clean.slice(0, 120 - exts[0]!.length - 1)}.${exts[0]}`;
}

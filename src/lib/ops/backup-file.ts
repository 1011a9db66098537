// The files of a backup: written with mode 0600 and, with a passphrase, encrypted with
// AES-256-GCM. The passphrase goes through scrypt once per backup (its salt in the manifest);
// each file has a salt and a nonce of its own, and its key is derived from the scrypt key
// and the file's salt (HKDF-SHA256), so that a thousand files do not cost a thousand scrypts.
// The sha256 of every file's plain bytes goes into the manifest.
import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, scrypt as scryptCb, type CipherGCM, type ScryptOptions } from 'node:crypto';

export const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT = 16;
const NONCE = 12;
const TAG = 16;
const HEADER = SALT + NONCE;

/** The passphrase does not open the backup (or the encrypted bytes were changed). */
export class BackupPassphraseError extends Error {
  constructor(file: string) {
    super(`cannot decrypt ${file}`);
    this.name = 'BackupPassphraseError';
  }
}

const scrypt = (passphrase: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(passphrase, salt, 32, options, (e, key) => (e ? reject(e) : resolve(key))));

/** The key of one backup: scrypt of the passphrase with the backup's salt. */
export interface BackupKey {
  master: Buffer;
}

export async function backupKey(passphrase: string, salt: Buffer): Promise<BackupKey> {
  return { master: await scrypt(passphrase, salt, { ...SCRYPT, maxmem: 128 * SCRYPT.N * SCRYPT.r * 2 }) };
}

/** A new salt for a backup's scrypt. */
export const newSalt = (): Buffer => randomBytes(SALT);

const fileKey = (key: BackupKey, salt: Buffer) => Buffer.from(hkdfSync('sha256', key.master, salt, 'gongzhi backup file', 32));

/** A small secret sealed with the key, kept in the manifest: restore tries it first and refuses a wrong passphrase before reading anything else. */
export function sealCheck(key: BackupKey): string {
  const salt = randomBytes(SALT);
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', fileKey(key, salt), nonce);
  const ct = Buffer.concat([cipher.update('gongzhi-backup', 'utf8'), cipher.final()]);
  return Buffer.concat([salt, nonce, ct, cipher.getAuthTag()]).toString('base64');
}

export function openCheck(sealed: string, key: BackupKey): boolean {
  const b = Buffer.from(sealed, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', fileKey(key, b.subarray(0, SALT)), b.subarray(SALT, HEADER));
    decipher.setAuthTag(b.subarray(b.length - TAG));
    const text = Buffer.concat([decipher.update(b.subarray(HEADER, b.length - TAG)), decipher.final()]).toString('utf8');
    return text === 'gongzhi-backup';
  } catch {
    return false;
  }
}

export interface Sink {
  write(data: Buffer | string): Promise<void>;
  /** closes the file; the sha256 and size of the plain bytes written */
  end(): Promise<{ sha256: string; bytes: number }>;
}

/** A new backup file (never overwrites one), mode 0600, encrypted when a passphrase is given. */
export async function openSink(file: string, key: BackupKey | null): Promise<Sink> {
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  await once(out, 'open');
  const hash = createHash('sha256');
  let bytes = 0;
  const put = async (b: Buffer) => {
    if (b.byteLength > 0 && !out.write(b)) await once(out, 'drain');
  };
  let cipher: CipherGCM | null = null;
  if (key !== null) {
    const salt = randomBytes(SALT);
    const nonce = randomBytes(NONCE);
    cipher = createCipheriv('aes-256-gcm', fileKey(key, salt), nonce);
    await put(Buffer.concat([salt, nonce]));
  }
  return {
    async write(data) {
      const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      hash.update(b);
      bytes += b.byteLength;
      await put(cipher ? cipher.update(b) : b);
    },
    async end() {
      if (cipher) {
        await put(cipher.final());
        await put(cipher.getAuthTag());
      }
      out.end();
      await finished(out);
      return { sha256: hash.digest('hex'), bytes };
    },
  };
}

/** The plain bytes of a backup file, piece by piece; an encrypted file fails (BackupPassphraseError) at its end when its tag does not match. */
export async function* readBackupFile(file: string, key: BackupKey | null): AsyncGenerator<Buffer> {
  if (key === null) {
    for await (const part of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) yield part as Buffer;
    return;
  }
  const size = fs.statSync(file).size;
  if (size < HEADER + TAG) throw new BackupPassphraseError(file);
  const fd = fs.openSync(file, 'r');
  const header = Buffer.alloc(HEADER);
  const tag = Buffer.alloc(TAG);
  try {
    fs.readSync(fd, header, 0, HEADER, 0);
    fs.readSync(fd, tag, 0, TAG, size - TAG);
  } finally {
    fs.closeSync(fd);
  }
  const decipher = createDecipheriv('aes-256-gcm', fileKey(key, header.subarray(0, SALT)), header.subarray(SALT));
  decipher.setAuthTag(tag);
  if (size > HEADER + TAG)
    for await (const part of fs.createReadStream(file, { start: HEADER, end: size - TAG - 1, highWaterMark: 1024 * 1024 })) {
      const plain = decipher.update(part as Buffer);
      if (plain.byteLength > 0) yield plain;
    }
  let last: Buffer;
  try {
    last = decipher.final();
  } catch {
    throw new BackupPassphraseError(file);
  }
  if (last.byteLength > 0) yield last;
}

/** The lines of a text stream (UTF-8, "\n"), hashing the bytes as they pass; `digest()` after the last line. */
export function linesOf(source: AsyncIterable<Buffer>) {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* lines(): AsyncGenerator<string> {
    let rest = '';
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const part of source) {
      hash.update(part);
      bytes += part.byteLength;
      const text = rest + decoder.decode(part, { stream: true });
      const pieces = text.split('\n');
      rest = pieces.pop()!;
      for (const p of pieces) yield p;
    }
    rest += decoder.decode();
    if (rest !== '') yield rest;
  }
  return { lines: lines(), digest: () => ({ sha256: hash.digest('hex'), bytes }) };
}

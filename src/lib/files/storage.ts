import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

/** Content-addressed local file store under the data directory. */
export interface StoredFile {
  key: string;
  sha256: string;
  size: number;
}

/** What every file store does: local directory (embedded engine) or PostgreSQL (src/lib/files/database-store.ts). */
export interface FileStore {
  put(bytes: Uint8Array): Promise<StoredFile>;
  /** the bytes, or null when there is no such file */
  get(key: string): Promise<Buffer | null>;
  /** a missing file is not an error */
  remove(key: string): Promise<void>;
}

export function fileStore(root: string) {
  const dir = path.join(root, 'files');
  const pathOf = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError('invalid storage key');
    return path.join(dir, key.slice(0, 2), key);
  };
  return {
    /** the directory the files are in */
    dir,
    pathOf,
    async put(bytes: Uint8Array): Promise<StoredFile> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const file = pathOf(sha256);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // unique per write: two uploads of the same bytes at once must not share a temporary file
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, file);
      return { key: sha256, sha256, size: bytes.byteLength };
    },
    /** Deletes a file; a missing file is not an error. */
    async remove(key: string): Promise<void> {
      await fs.rm(pathOf(key), { force: true });
    },
    async get(key: string): Promise<Buffer | null> {
      try {
        return await fs.readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    /** The keys of every file in the directory (temporary files of an interrupted write are skipped). */
    async list(): Promise<string[]> {
      const keys: string[] = [];
      let prefixes: string[];
      try {
        prefixes = await fs.readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      for (const p of prefixes.sort()) {
        if (!/^[0-9a-f]{2}$/.test(p)) continue;
        for (const name of (await fs.readdir(path.join(dir, p))).sort()) if (/^[0-9a-f]{64}$/.test(name) && name.startsWith(p)) keys.push(name);
      }
      return keys;
    },
  };
}

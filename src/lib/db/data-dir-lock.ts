import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  readonly dir: string;
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      `数据目录 ${dir} 正被进程 ${pid} 使用（嵌入式数据库同一时间只能由一个进程打开）。请先停止该进程，或设置 DATABASE_URL 使用 PostgreSQL。\n` +
        `The data directory ${dir} is in use by process ${pid} (the embedded database can be opened by one process at a time). Stop that process first, or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = 'DataDirLockedError';
    this.dir = dir;
    this.pid = pid;
  }
}

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockContent | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockContent;
  } catch {
    return null; // unreadable or half-written: treat as stale
  }
}

/**
 * Takes an exclusive lock on the embedded database's directory. A lock whose process is
 * gone (a server killed with SIGKILL) is stale and taken over; a live holder is refused.
 * Returns a release function; the lock is also released when the process exits.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'gongzhi.lock');
  const mine: LockContent = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      const release = () => {
        const current = readLock(file);
        if (current?.pid === process.pid) fs.rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      if (holder && holder.pid !== process.pid && holder.host === os.hostname() && isAlive(holder.pid)) {
        throw new DataDirLockedError(dir, holder.pid);
      }
      if (holder && holder.host !== os.hostname()) throw new DataDirLockedError(dir, holder.pid);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dir}`);
}

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

// CPU time from /proc (Linux), for figures that, unlike rates, hardly move with the load
// other processes put on the machine: a cast's CPU in the server, in PostgreSQL and in the
// load generator.

/** utime + stime of one process, in seconds (clock ticks of 1/100 s); 0 when it is gone. */
export function processCpu(pid: number | string): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * A clock of the CPU seconds spent by a PostgreSQL server's backends: the children of the
 * postmaster listening on `port`. `start()` notes each backend's CPU so far; `elapsed()` sums
 * what the backends alive at both moments spent since (a backend that ended meanwhile, like an
 * idle pool connection closing, is left out rather than making the sum go backwards, so
 * measure on connections that stay open). Null when that postmaster is not a local process.
 */
export function postgresCpu(port: string): { start(): void; elapsed(): number } | null {
  let postmaster: string | undefined;
  try {
    postmaster = execFileSync('pgrep', ['-f', `postgres.*-p ${port}`])
      .toString()
      .trim()
      .split('\n')[0];
  } catch {
    return null;
  }
  if (!postmaster) return null;
  const snapshot = () => {
    const out = new Map<string, number>();
    try {
      for (const pid of execFileSync('pgrep', ['-P', postmaster]).toString().trim().split('\n')) out.set(pid, processCpu(pid));
    } catch {
      // no backend
    }
    return out;
  };
  let before = new Map<string, number>();
  return {
    start: () => {
      before = snapshot();
    },
    elapsed: () => {
      let sum = 0;
      for (const [pid, cpu] of snapshot()) sum += cpu - (before.get(pid) ?? 0);
      return sum;
    },
  };
}

/** This process's own CPU seconds (user + system). */
export function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

import fs from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';

// The server's structured log: one JSON line per request and per job run, on stdout.
// Only what an operator needs to see the service's state goes in: a route pattern (never
// the raw URL with its query), a status, counts and durations. Never a phone number, an ID
// number, a name or a vote choice.

/** What the request log knows of the request being handled (the Astro middleware adds its route). */
export interface RequestRecord {
  id: string;
  route?: string;
}

// One store per process: the launcher (src/cli/serve.ts) and the bundled server each carry
// their own copy of this module, so the store lives on globalThis as the database does.
const KEY = Symbol.for('gongzhi.request-log');
const holder = globalThis as unknown as { [KEY]?: AsyncLocalStorage<RequestRecord> };
export const requestContext: AsyncLocalStorage<RequestRecord> = (holder[KEY] ??= new AsyncLocalStorage<RequestRecord>());

// Lines wait for the end of the event loop's turn and go out in one write: under load many
// requests finish in one turn, and a write each (a system call each) cost the cast's hot path
// more than the rest of its logging. 'exit' writes what is left (process.exit included).
let pending: string[] = [];
let scheduled = false;
function flush(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const out = pending.join('');
  pending = [];
  process.stdout.write(out);
}
process.on('exit', flush);

/** Writes one JSON line: `time` first, then the fields. */
export function logLine(fields: Record<string, string | number | boolean | null | undefined>): void {
  pending.push(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
  if (pending.length >= 256) flush();
  else if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

/** One line for a run of a background job that did something, or failed. */
export function logJob(job: string, startedAt: number, counts: Record<string, number>, error?: unknown): void {
  const ms = Math.round(performance.now() - startedAt);
  if (error !== undefined) logLine({ level: 'error', msg: 'job', job, ms, error: error instanceof Error ? error.message : String(error) });
  else logLine({ level: 'info', msg: 'job', job, ms, ...counts });
}

/** An incoming X-Request-Id worth keeping: short, and only characters a log line can hold as they are. */
export const validRequestId = (value: string | undefined): value is string => typeof value === 'string' && /^[A-Za-z0-9._:@-]{1,128}$/.test(value);

/**
 * GONGZHI_LOG_FILE: everything the process writes to stdout and stderr is also appended to
 * this file (created with mode 0600), for a supervisor without a journal and for the e2e
 * suite's check that no log line holds personal data.
 */
export function teeOutputTo(file: string): void {
  const fd = fs.openSync(file, 'a', 0o600);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk === 'string') fs.writeSync(fd, chunk);
      else fs.writeSync(fd, chunk);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}

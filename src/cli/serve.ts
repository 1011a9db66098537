// `npm start`: opens the database (lock, migrations, demo seed) before the built server
// listens, so that a second process on the same data directory fails here, clearly.
// On PostgreSQL the server is stateless and may run several workers (GONGZHI_WORKERS, default 1:
// measured on 2 cores, a second worker halved page throughput, each keeping its own cache).
import cluster from 'node:cluster';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { db, startDatabase, stopDatabase } from '../lib/db/index.ts';
import { migrationsCurrent } from '../lib/db/migrate.ts';
import { serverOps } from '../lib/http/server-ops.ts';
import { logJob, logLine, requestContext, teeOutputTo } from '../lib/log.ts';
import { config, startupNotes } from '../lib/config.ts';
import { DataDirLockedError } from '../lib/db/data-dir-lock.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { idKey } from '../lib/id-key.ts';
import { castNodeRoute } from '../features/ballots/cast-node-route.ts';
import { viewNodeRoute } from '../features/map/view-node-route.ts';
import { startCastNotices } from '../features/ballots/cast-notices.ts';
import { startPrivacySweep } from '../features/privacy/sweep.ts';
import { recordAuditHead } from '../features/audit/service.ts';
import { discardStalePreviews } from '../features/register/import-service.ts';
import { senderFor } from '../features/accounts/sms.ts';
import { pruneRateLimits } from '../features/accounts/rate-limit.ts';
import { startNotificationLoop, type NotificationLoop } from '../features/notifications/commands/loop.ts';

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
if (process.env.GONGZHI_LOG_FILE) teeOutputTo(process.env.GONGZHI_LOG_FILE);
const cfg = config();
let notifications: NotificationLoop | null = null;
const stops: (() => void)[] = [];
let httpServer: http.Server | null = null;
const ops = serverOps({ trustProxy: cfg.trustProxy, migrationsCurrent: async () => migrationsCurrent(await db()) });
// how long SIGTERM waits for requests in flight before closing their connections
const DRAIN_MS = Number(process.env.GONGZHI_DRAIN_MS) || 10_000;
// PGlite lives inside one process: the embedded database always runs a single worker.
const workers = cfg.databaseUrl ? Math.min(Number(process.env.GONGZHI_WORKERS) || 1, os.availableParallelism()) : 1;

async function prepareDatabase() {
  try {
    const open = await startDatabase(async (o) => {
      if (cfg.demo && cluster.isPrimary) await seedDatabase(o, cfg.dataDir, 24, console.log, idKey());
      // no job runner: today's audit head and the 24-hour limit of register previews at start-up
      if (cluster.isPrimary) {
        await recordAuditHead(o.db);
        await discardStalePreviews(o.db);
      }
    });
    if (cluster.isPrimary) {
      console.log(`数据库 / database: ${open.kind === 'pglite' ? `PGlite ${cfg.dataDir}` : 'PostgreSQL'}${cfg.demo ? ' · 演示模式 / demo mode' : ''}`);
      // demo mode and what is missing, in both languages: every public page is served anyway
      for (const line of startupNotes(cfg)) console.log(line);
    }
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(3);
    }
    throw error;
  }
}

type NodeEntry = { handler: http.RequestListener; options: { host?: string | boolean; port?: number } };

// Astro's standalone server, with the casting endpoint and the map's views answered by Node
// first (see src/features/ballots/cast-node-route.ts and src/features/map/view-node-route.ts).
// HOST, PORT and SERVER_CERT_PATH/SERVER_KEY_PATH mean what they mean to @astrojs/node.
async function listen() {
  const entry = (await import(pathToFileURL(path.resolve('dist/server/entry.mjs')).href)) as NodeEntry;
  const configured = entry.options.host;
  const host = process.env.HOST ?? (typeof configured === 'string' ? configured : configured ? '0.0.0.0' : 'localhost');
  const port = process.env.PORT ? Number(process.env.PORT) : (entry.options.port ?? 8080);
  const listener = ops.listener((req, res) => {
    if (castNodeRoute(req, res)) {
      const record = requestContext.getStore();
      if (record) record.route = '/api/ballots/[id]/cast';
    } else if (!viewNodeRoute(req, res)) entry.handler(req, res);
  });
  const tls =
    process.env.SERVER_CERT_PATH && process.env.SERVER_KEY_PATH
      ? { key: fs.readFileSync(process.env.SERVER_KEY_PATH), cert: fs.readFileSync(process.env.SERVER_CERT_PATH) }
      : null;
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  httpServer = server;
  server.listen(port, host, () => {
    if (cluster.isPrimary) console.log(`服务已启动 / listening on ${tls ? 'https' : 'http'}://${host}:${port}`);
  });
}

// SIGTERM (or SIGINT): stop accepting, let requests in flight finish (up to DRAIN_MS), let the
// job loop's batch commit, close the database (on PGlite: release the data directory's lock),
// exit 0. A signal repeated during the drain (systemd and docker signal the whole process
// group, and npm forwards what it gets) is ignored rather than cutting the drain short.
let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  const started = performance.now();
  logLine({ level: 'info', msg: 'shutdown', signal, pid: process.pid });
  let unfinished = 0;
  try {
    if (cluster.isPrimary && workers > 1) {
      const exits = Object.values(cluster.workers ?? {}).map((w) => new Promise((r) => (w!.isDead() ? r(null) : w!.once('exit', r))));
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
      await Promise.all(exits);
    }
    if (httpServer) unfinished = (await ops.drain(httpServer, DRAIN_MS)).unfinished;
    for (const stop of stops) stop();
    // a batch of messages in flight commits (or rolls back) before the database closes
    await notifications?.stop();
    await stopDatabase();
    logLine({ level: unfinished ? 'warn' : 'info', msg: 'stopped', pid: process.pid, ms: Math.round(performance.now() - started), unfinished });
    process.exit(0);
  } catch (error) {
    logLine({ level: 'error', msg: 'shutdown failed', error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));

await prepareDatabase();
if (workers > 1 && cluster.isPrimary) {
  // The workers share the listening socket and accept from it themselves (SCHED_NONE), rather
  // than the primary accepting and handing connections over (round-robin): on SIGTERM, a
  // connection the primary had handed to the last worker as it closed was queued again on a
  // closed handle and hung, unanswered, until the drain ended (tests/integration/multi-worker-shutdown.test.ts).
  // Now a connection arriving then waits in the socket's queue for a worker still accepting, or
  // is reset as soon as the last one has stopped.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (code !== 0) console.error(`worker ${worker.process.pid} exited with ${code}`);
  });
} else {
  const database = await db();
  stops.push(startPrivacySweep(database));
  // old rate-limit windows and sign-in failures a day old: at start and hourly
  const prune = () => {
    const started = performance.now();
    return pruneRateLimits(database).then(
      () => logJob('rate-limit-pruning', started, {}),
      (error: unknown) => logJob('rate-limit-pruning', started, {}, error),
    );
  };
  await prune();
  const pruning = setInterval(prune, 3600_000);
  pruning.unref();
  stops.push(() => clearInterval(pruning));
  // texts to co-owners about casts go through the configured provider; without one nobody is
  // texted, and the sweep takes up from its mark once a provider is configured
  if (cfg.sms.kind !== 'none') stops.push(startCastNotices(database, (trx) => senderFor(cfg.sms, trx, cfg.demo)!));
  // the outbox of what residents are told (in-app and SMS): every worker and every instance
  // runs it; FOR UPDATE SKIP LOCKED hands each due message to one of them
  notifications = startNotificationLoop(database, (trx) => senderFor(cfg.sms, trx, cfg.demo), Number(process.env.GONGZHI_NOTIFY_EVERY_MS) || 5_000);
  await listen();
}

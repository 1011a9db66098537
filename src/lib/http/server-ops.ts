import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { normaliseAddress } from '../config.ts';
import { logLine, requestContext, validRequestId, type RequestRecord } from '../log.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

// What the server process adds around the portal's request handler (src/cli/serve.ts):
// - GET /healthz: the process is alive (no database involved), and how many requests it is
//   answering; 200 while it drains too;
// - GET /readyz: the database answers and every migration of this code is applied, and the
//   process is not shutting down; 503 otherwise, so a load balancer stops sending it requests;
// - a request id per request (X-Request-Id; an incoming one is kept only from a TRUST_PROXY
//   address) and one JSON log line when the response ends (health probes are not logged);
// - the drain on SIGTERM: stop accepting, let requests in flight finish, then close.

export interface ServerOpsOptions {
  /** addresses of proxies whose X-Request-Id is kept (TRUST_PROXY) */
  trustProxy: string[];
  /** resolves true when every migration is applied; rejects (or times out) when the database does not answer */
  migrationsCurrent: () => Promise<boolean>;
  /** how long /readyz waits for the database */
  readyTimeoutMs?: number;
}

export interface ServerOps {
  listener: (inner: http.RequestListener) => http.RequestListener;
  /** Stops accepting, waits for requests in flight (up to graceMs), then closes every connection left. */
  drain(server: http.Server, graceMs: number): Promise<{ unfinished: number }>;
}

const HEALTH_HEADERS = { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

function answer(res: http.ServerResponse, status: number, body: Record<string, string | number>, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...HEALTH_HEADERS, 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export function serverOps(options: ServerOpsOptions): ServerOps {
  const trusted = new Set(options.trustProxy.map(normaliseAddress));
  const open = new Set<http.ServerResponse>();
  let draining = false;
  let server: http.Server | null = null;

  async function ready(res: http.ServerResponse, head: boolean) {
    if (draining) return answer(res, 503, { status: 'draining' }, head);
    try {
      const current = await within(options.migrationsCurrent(), options.readyTimeoutMs ?? 2_000);
      if (current) answer(res, 200, { status: 'ready', database: 'ok', migrations: 'current' }, head);
      else answer(res, 503, { status: 'unavailable', database: 'ok', migrations: 'behind' }, head);
    } catch {
      answer(res, 503, { status: 'unavailable', database: 'unreachable' }, head);
    }
  }

  const listener =
    (inner: http.RequestListener): http.RequestListener =>
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const head = req.method === 'HEAD';
      if (req.method === 'GET' || head) {
        if (path === '/healthz') return answer(res, 200, { status: draining ? 'draining' : 'ok', inFlight: open.size }, head);
        if (path === '/readyz') return void ready(res, head);
      }
      const started = performance.now();
      const incoming = req.headers['x-request-id'];
      const peer = normaliseAddress(req.socket.remoteAddress ?? '');
      const id = typeof incoming === 'string' && validRequestId(incoming) && trusted.has(peer) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      if (draining) res.setHeader('Connection', 'close');
      const record: RequestRecord = { id };
      open.add(res);
      let logged = false;
      const finish = () => {
        if (logged) return;
        logged = true;
        open.delete(res);
        // the route pattern, never the raw path: a path or query may carry what a person typed
        const route = record.route ?? (res.statusCode < 400 ? '(static)' : '(unmatched)');
        logLine({
          level: res.statusCode >= 500 ? 'error' : 'info',
          msg: 'request',
          id,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          ...(res.writableFinished ? {} : { aborted: true }),
        });
        if (draining) setImmediate(() => server?.closeIdleConnections());
      };
      res.once('finish', finish);
      res.once('close', finish);
      requestContext.run(record, () => inner(req, res));
    };

  return {
    listener,
    async drain(target, graceMs) {
      if (draining) return { unfinished: open.size };
      draining = true;
      server = target;
      // resolves once every connection has ended: a keep-alive connection may still bring a
      // request after the listener closed, and that request is answered (with Connection: close)
      const closed = new Promise<'closed'>((resolve) => target.close(() => resolve('closed')));
      // a response still to start tells its keep-alive connection to close
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      target.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
      const outcome = await Promise.race([closed, timedOut]);
      clearTimeout(timer);
      const unfinished = open.size;
      if (outcome === 'timeout') {
        target.closeAllConnections();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 1_000))]);
      }
      return { unfinished };
    },
  };
}

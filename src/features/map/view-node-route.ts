import type { IncomingMessage, ServerResponse } from 'node:http';
import { cookiesOf, writeAnswer } from '../../lib/http/node-answer.ts';
import { problemBody } from '../../lib/http/responses.ts';
import { requestContext } from '../../lib/log.ts';
import { readPrefs } from '../../i18n/prefs.ts';
import { mapClusters } from './cluster-instance.ts';
import { mapGeojsonAnswer } from './view-answer.ts';

// The home map's views (`GET /api/projects.geojson?bbox=…&zoom=…`) served by Node directly,
// before Astro, as the casting endpoint is (src/cli/serve.ts): a view is a range query of an
// index in memory, and Astro's per-request work around it (routing, the middleware, the page
// cache's lookup) cost more than the view itself. The answer is the Astro route's own
// (mapGeojsonAnswer, ./view-answer.ts), with what the middleware adds to every response (the
// security headers) and what the server adds (the request id, the log line with the route's
// pattern). A view is the same for everyone: the session is neither read nor slid here.
// Without `bbox` the request goes on to Astro: the open-data feed of the whole map, cached.

const PATH = '/api/projects.geojson';
const ROUTE = '/api/projects.geojson';

/** Answers GET or HEAD /api/projects.geojson with a `bbox` and returns true; false for every other request. */
export function viewNodeRoute(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0 || url.slice(0, q) !== PATH) return false;
  const params = new URLSearchParams(url.slice(q + 1));
  if (!params.has('bbox')) return false;
  const record = requestContext.getStore();
  if (record) record.route = ROUTE;
  const jar = cookiesOf(req.headers.cookie);
  const { lang } = readPrefs((name) => jar.get(name));
  void (async () => {
    const answer = await mapGeojsonAnswer(mapClusters, params, lang, req.headers['if-none-match']);
    // with a bbox, always a view's answer or a problem
    if ('whole' in answer) throw new Error('a view without its box');
    writeAnswer(res, answer.status, answer.headers, answer.body);
  })().catch((error: unknown) => {
    console.error(error);
    const body = problemBody('服务器内部错误，请稍后再试', 'Internal server error: please try again later', lang);
    if (!res.headersSent) writeAnswer(res, 500, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify(body));
    else res.destroy();
  });
  return true;
}

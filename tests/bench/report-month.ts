import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { createSession, generateSessionToken } from '../../src/features/accounts/session.ts';
import { currentMonth } from '../../src/features/reports/queries/month.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { percentile } from './http.ts';
import type { Row } from './report.ts';
import { zhanhe } from '../support/districts.ts';

// The district's monthly report (月度工作报告) over every project of the bench: the page a
// district administrator opens, all nine subdistricts and the total, never cached. Before it,
// one budget line in ten of the published projects is edited, so that the report puts the
// budget back as it stood from the history the database wrote (one history row each).

/** A district administrator with a session; edits one budget line in ten. Returns the session cookie. */
export async function prepareReport(db: Kysely<Database>): Promise<{ cookie: string; historyRows: number }> {
  const admin = await db
    .insertInto('users')
    .values({ phone: '13799999990', password_hash: 'x', display_name: '压测区住建局', role: 'district_admin', district_id: await zhanhe(db) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = generateSessionToken();
  await createSession(db, token, admin.id);
  const edited = await db
    .updateTable('budget_lines')
    .set((eb) => ({ amount_fen: eb('amount_fen', '+', 100) }))
    .where((eb) => eb(eb('id', '%', 10), '=', 0))
    .executeTakeFirst();
  return { cookie: `gz_session=${token}`, historyRows: Number(edited.numUpdatedRows) };
}

async function timed(base: string, path: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(base + path, { headers: { cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  return performance.now() - t0;
}

/** p50 of 30 sequential loads of this month's district report (after 5 to warm up), with the 12-month overview of /admin beside it. */
export async function reportFigure(base: string, url: string, projects: number): Promise<Row> {
  const db = openPostgres(url);
  const { cookie, historyRows } = await prepareReport(db.db).finally(() => db.close());
  const path = `/admin/reports?month=${currentMonth()}`;
  for (let i = 0; i < 5; i++) await timed(base, path, cookie);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) times.push(await timed(base, path, cookie));
  const overview: number[] = [];
  for (let i = 0; i < 5; i++) overview.push(await timed(base, '/admin', cookie));
  const p50 = percentile(times, 50);
  console.log(
    `· district monthly report (${projects} projects, ${historyRows} budget lines edited): p50 ${p50.toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms; /admin with 12 months charted p50 ${percentile(overview, 50).toFixed(1)} ms`,
  );
  return {
    figure: `district monthly report, uncached p50 (${projects} projects)`,
    value: Math.round(p50 * 10) / 10,
    unit: 'ms',
    budget: 500,
    atMost: true,
    note: `/admin with 12 months charted p50 ${percentile(overview, 50).toFixed(0)} ms`,
  };
}

import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Lang } from '../../i18n/index.ts';
import { pick, translator } from '../../i18n/index.ts';
import { problem } from '../../lib/http/responses.ts';
import { appendAudit } from '../audit/service.ts';
import type { SessionUser } from '../accounts/session.ts';
import { currentMonth, monthlyFigures, parseMonth } from './queries/month.ts';
import { reportArea, reportScope } from './queries/access.ts';
import { reportTable } from './core/table.ts';
import { reportCsv, reportWorkbook, XLSX_TYPE } from './export.ts';

/**
 * GET ?month=YYYY-MM&subdistrict=CODE: the month's report as .xlsx or .csv, the same table
 * the page shows (in the user's language). Who may read it is the page's rule; every
 * download is an audit entry.
 */
export async function reportDownload(db: Kysely<Database>, user: SessionUser | null, lang: Lang, params: URLSearchParams, format: 'xlsx' | 'csv') {
  if (!user) return problem(401, '请先登录', 'Sign in first', lang);
  const asked = params.get('month');
  const month = asked === null || asked === '' ? currentMonth() : parseMonth(asked);
  const access = await reportScope(db, user, params.get('subdistrict'), params.get('district'));
  if (!access.ok) {
    if (access.status === 403) return problem(403, '您没有权限查看这份报告', 'You may not read this report', lang);
    return problem(access.status, '没有这个街道', 'No such subdistrict', lang);
  }
  if (month === null) return problem(400, '请输入有效的月份，例如 2026-11', 'Enter a valid month, e.g. 2026-11', lang);
  const t = translator(lang);
  const scope = access.scope;
  const columns = await monthlyFigures(db, { from: month, to: month }, reportArea(scope));
  const table = reportTable(columns, month, lang, t, format === 'csv');
  const scopeName = scope.kind === 'province' ? t('report.province') : pick(lang, scope.name, scope.nameEn);
  const slug = scope.kind === 'province' ? 'province' : scope.code;
  await db
    .transaction()
    .execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'report.export', target: `report:${slug}:${month}`, detail: { format } }));
  const headers = { 'Content-Disposition': `attachment; filename="report-${slug}-${month}.${format}"`, 'Cache-Control': 'private, no-store' };
  if (format === 'csv') return new Response(reportCsv(table, t), { headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8' } });
  const bytes = await reportWorkbook(table, t('report.titleOf', { scope: scopeName, month }), t);
  return new Response(new Uint8Array(bytes), { headers: { ...headers, 'Content-Type': XLSX_TYPE } });
}

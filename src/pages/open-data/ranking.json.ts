import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { json, problem } from '../../lib/http/responses.ts';
import { currentMonth, parseMonth, ranking } from '../../features/ratings/queries/ranking.ts';
import { listDistricts } from '../../features/geography/districts.ts';

/**
 * The ranking of the district's subdistricts on progress, satisfaction and participation for a
 * month (?month=YYYY-MM, default the current month in Asia/Shanghai) in a district (?district=
 * its GB/T 2260 code, default the first one made), best overall first, with
 * every input, C and m. Formulas: src/features/ratings/core/ranking.ts and the /ranking page.
 */
export const GET: APIRoute = async ({ url, locals }) => {
  const asked = url.searchParams.get('month');
  const month = asked === null ? currentMonth() : parseMonth(asked);
  if (!month) return problem(400, '月份无效，应为 YYYY-MM', 'Invalid month: use YYYY-MM', locals.lang);
  const database = await db();
  const districts = await listDistricts(database);
  const asked_ = url.searchParams.get('district');
  // the first district made (the portal's own) when none is asked for
  const first = districts.reduce<(typeof districts)[number] | undefined>((a, d) => (a === undefined || d.id < a.id ? d : a), undefined);
  const district = asked_ === null ? first : districts.find((d) => d.code === asked_);
  if (asked_ !== null && !district) return problem(404, '没有这个区', 'No such district', locals.lang);
  const r = await ranking(database, month, district?.id ?? null);
  return json({
    month: r.month,
    district: district ? { code: district.code, name: district.name, nameEn: district.nameEn } : null,
    C: r.C,
    m: r.m,
    subdistricts: r.subdistricts.map((s) => ({ rank: s.rank, code: s.code, name: s.name, scores: s.scores, inputs: s.inputs })),
  });
};

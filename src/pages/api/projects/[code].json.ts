import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { json, problem } from '../../../lib/http/responses.ts';
import { projectTag } from '../../../lib/http/page-cache.ts';
import { projectDisclosure } from '../../../features/projects/disclosure.ts';
import { summariseBudget } from '../../../features/funding/budget.ts';
import { netFeeFen } from '../../../features/fees/net-fee.ts';

/** Everything on the project page, as data. Money in integer fen, area in 0.01 m². */
export const GET: APIRoute = async ({ params, locals }) => {
  const code = params.code ?? '';
  const project = /^[A-Za-z0-9-]{1,40}$/.test(code) ? await projectDisclosure(await db(), code) : null;
  if (!project) return problem(404, '项目不存在', 'No such project', locals.lang);
  locals.cacheable = true;
  locals.cacheTags = [projectTag(project.id)];
  const { id: _internal, ...rest } = project;
  return json({
    ...rest,
    budgetTotalFen: summariseBudget(project.budget).totalFen,
    fees: project.fees.map((f) => ({ ...f, netFen: netFeeFen(f) })),
    documents: project.documents.map((d) => ({ ...d, url: `/files/${d.id}/${encodeURIComponent(d.fileName)}` })),
  });
};

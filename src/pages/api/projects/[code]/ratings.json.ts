import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { json, problem } from '../../../../lib/http/responses.ts';
import { publishedProject, ratingSummary } from '../../../../features/ratings/queries/index.ts';

/**
 * A project's ratings on the ten goals (效果共评): households on the rating roll, households
 * that rated, and per goal (DOMAIN.md order) the count, the exact mean rounded half up to 2
 * decimals (null when nobody rated) and how many gave 1…5. Zero counts before rating opens.
 */
export const GET: APIRoute = async ({ params, locals }) => {
  const database = await db();
  const project = await publishedProject(database, params.code ?? '');
  if (!project) return problem(404, '项目不存在', 'No such project', locals.lang);
  const s = await ratingSummary(database, project.id);
  return json({ households: s.households, responses: s.responses, goals: s.goals });
};

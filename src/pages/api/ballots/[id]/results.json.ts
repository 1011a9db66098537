import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { json, problem } from '../../../../lib/http/responses.ts';
import { ballotResults, MIN_BUILDING_VOTERS } from '../../../../features/ballots/results-service.ts';
import { formatAreaM2 } from '../../../../features/ballots/area.ts';
import type { Figure } from '../../../../features/ballots/thresholds.ts';

const fig = (f: Figure) => ({ areaM2: formatAreaM2(f.areaCm2), owners: f.owners });

/**
 * Results of a vote. While it is open only turnout; after the close, per matter, the
 * figures of `npm run ballot:recount` (same module, same shape) and a per-building breakdown
 * (estate + building) only for buildings where MIN_BUILDING_VOTERS voters or more took part in every matter.
 */
export const GET: APIRoute = async ({ params, locals }) => {
  const id = Number(params.id);
  const database = await db();
  const res = Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? await ballotResults(database, id) : null;
  if (!res) return problem(404, '表决不存在或尚未开始', 'No such vote, or it has not opened yet', locals.lang);
  const ballot = await database
    .selectFrom('ballots')
    .select(['id', 'title', 'opened_at', 'closed_at', 'closes_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const head = {
    id: String(ballot.id),
    title: ballot.title,
    status: res.status,
    openedAt: ballot.opened_at?.toISOString() ?? null,
    closesAt: ballot.closes_at.toISOString(),
    closedAt: ballot.closed_at?.toISOString() ?? null,
  };
  if (res.status === 'open') return json({ ballot: head, turnout: res.turnout }, { headers: { 'Cache-Control': 'no-store' } });
  return json(
    {
      ballot: head,
      matters: res.results.matters,
      byBuildingMinVoters: MIN_BUILDING_VOTERS,
      byBuildingHidden: res.hiddenBuildings,
      byBuilding: res.byBuilding.map((b) => ({
        estate: b.estate ?? null,
        building: b.building,
        matters: b.matters.map((m) => ({
          id: m.id,
          eligible: fig(m.eligible),
          participating: fig(m.participating),
          agree: fig(m.agree),
          oppose: fig(m.oppose),
          abstain: fig(m.abstain),
        })),
      })),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
};

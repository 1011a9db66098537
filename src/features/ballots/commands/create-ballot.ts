import type { z } from 'zod';
import { projectResource } from '../../projects/admin-queries.ts';
import { createBallot, databaseNow } from '../service.ts';
import { electorateTokens, resolveElectorate, type createBallotInput } from '../web-schemas.ts';
import { refuse, type CommandActor, type DB } from './result.ts';

export type CreateBallotInput = z.infer<typeof createBallotInput>;

/**
 * A new owners' vote of one or more estates of one subdistrict (the action has checked the
 * actor may manage each of them). The electorate is each ticked estate whole, or the
 * buildings/entrances typed for it; the project, when named, must be of the same subdistrict.
 */
export async function createBallotCommand(
  db: DB,
  actor: CommandActor,
  input: CreateBallotInput & { estates: { estateId: number; subdistrictId: number }[] },
  now?: Date,
) {
  const subdistricts = new Set(input.estates.map((e) => e.subdistrictId));
  if (subdistricts.size !== 1) return refuse('err.oneSubdistrict', 'estateIds');
  const subdistrictId = [...subdistricts][0]!;
  if (input.projectId !== null) {
    const project = await projectResource(db, input.projectId);
    if (!project || project.subdistrictId !== subdistrictId) return refuse('err.projectElsewhere', 'projectId');
  }
  if (input.closesAt <= (now ?? (await databaseNow(db)))) return refuse('err.ballotPast', 'closesAt');
  const scopes: { estateId: number; building: string | null; entrance: string | null }[] = [];
  for (const { estateId } of input.estates) {
    const row = input.scopeEstate.indexOf(estateId);
    const tokens = electorateTokens(row >= 0 ? (input.scopeBuildings[row] ?? '') : '');
    if (tokens.length === 0) {
      scopes.push({ estateId, building: null, entrance: null });
      continue;
    }
    const known = await db
      .selectFrom('entrances')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where('buildings.estate_id', '=', estateId)
      .select(['buildings.label as building', 'entrances.label as entrance'])
      .execute();
    const { scopes: parts, unknown } = resolveElectorate(tokens, known);
    if (unknown.length) return { ...refuse('err.noSuchBuilding', 'scopeBuildings'), unknown: unknown.slice(0, 10).join(', ') };
    for (const p of parts) scopes.push({ estateId, building: p.building, entrance: p.entrance });
  }
  return createBallot(db, actor.id, {
    subdistrictId,
    projectId: input.projectId,
    title: input.title,
    explanation: input.explanation,
    convener: input.convener,
    noticeDays: input.noticeDays,
    opensAt: input.opensAt,
    closesAt: input.closesAt,
    scopes,
    matters: input.matters,
  });
}

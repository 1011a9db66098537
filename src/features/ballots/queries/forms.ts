import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { SessionUser } from '../../accounts/session.ts';
import { can } from '../../policy/can.ts';
import { estateResource, estatesInArea } from '../../geography/scope.ts';
import { projectsForOffice } from '../../projects/admin-queries.ts';
import { ballotDetail, myVoters } from '../web-queries.ts';

type DB = Kysely<Database>;

/** The choices of the new-ballot form: the estates of the viewer's area they may call a vote in, and the office's projects (none without an estate). */
export async function loadNewBallotForm(db: DB, viewer: SessionUser) {
  const area = await estatesInArea(db, viewer);
  const estates = (await Promise.all(area.map(async (e) => ({ ...e, resource: await estateResource(db, e.id) })))).filter(
    (e) => e.resource && can(viewer, 'ballot.manage', e.resource),
  );
  const projects = estates.length ? await projectsForOffice(db, viewer) : [];
  return { estates, projects };
}

/** The confirmation step of an online ballot: the ballot (null for none, or a draft) and, while it is open, the voters this person may cast for. */
export async function loadConfirmPage(db: DB, ballotId: number, viewer: SessionUser | null) {
  const ballot = await ballotDetail(db, ballotId);
  if (!ballot || ballot.status === 'draft') return null;
  const mine = viewer && ballot.status === 'open' ? await myVoters(db, ballot.id, viewer.id) : [];
  return { ballot, mine };
}

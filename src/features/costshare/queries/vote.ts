import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { parseAnyBulletin, recount } from '../../ballots/bulletin.ts';

/**
 * Whether the owners' vote a scheme names approved it: read from the ballot's published
 * result, its latest final announcement (公告). Before one exists the vote is 'pending';
 * a matter that did not pass is 'not_passed' (未形成有效决定).
 */
export async function voteOutcome(db: Kysely<Database>, ballotId: number, matterCode: string): Promise<'passed' | 'not_passed' | 'pending'> {
  const b = await db
    .selectFrom('ballot_bulletins')
    .select(['body'])
    .where('ballot_id', '=', ballotId)
    .where('stage', '=', 'final')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!b) return 'pending';
  const parsed = parseAnyBulletin(JSON.parse(b.body));
  if (!parsed.success) return 'pending';
  const m = recount(parsed.data).matters.find((x) => x.id === matterCode);
  if (!m) return 'pending';
  return m.passed ? 'passed' : 'not_passed';
}

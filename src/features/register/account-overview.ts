import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { votersFor } from '../ballots/service.ts';

type DB = Kysely<Database>;

export interface OpenVote {
  id: number;
  title: string;
  closesAt: Date;
  /** How many households this account may cast for now (0: it cannot vote in it, yet). */
  voters: number;
  /** Of those, how many have a ballot that counts. */
  cast: number;
}

/**
 * The open votes that concern this account: those over an estate where it claims a flat
 * (verified, awaiting review or pending), and those it holds a recorded written mandate for.
 * For each, whether it may vote now (the cast's own rule: gz_cast_voters) and whether the
 * households' ballots are in.
 */
export async function openVotesFor(db: DB, userId: number, now = new Date()): Promise<OpenVote[]> {
  const byEstate = db
    .selectFrom('ballots')
    .innerJoin('ballot_scopes', 'ballot_scopes.ballot_id', 'ballots.id')
    .where('ballot_scopes.estate_id', 'in', (eb) =>
      eb
        .selectFrom('owner_verifications')
        .innerJoin('units', 'units.id', 'owner_verifications.unit_id')
        .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
        .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
        .where('owner_verifications.user_id', '=', userId)
        .where('owner_verifications.status', 'in', ['verified', 'review', 'pending'])
        .select('buildings.estate_id'),
    )
    .select(['ballots.id', 'ballots.title', 'ballots.closes_at']);
  const byMandate = db
    .selectFrom('ballots')
    .innerJoin('ballot_proxies', 'ballot_proxies.ballot_id', 'ballots.id')
    .where('ballot_proxies.proxy_user_id', '=', userId)
    .where('ballot_proxies.revoked_at', 'is', null)
    .select(['ballots.id', 'ballots.title', 'ballots.closes_at']);
  const rows = await db
    .selectFrom(byEstate.union(byMandate).as('b'))
    .innerJoin('ballots', 'ballots.id', 'b.id')
    .where('ballots.status', '=', 'open')
    .where('ballots.closes_at', '>', now)
    .select(['b.id', 'b.title', 'b.closes_at'])
    .distinct()
    .orderBy('b.closes_at')
    .limit(20)
    .execute();
  const out: OpenVote[] = [];
  for (const r of rows) {
    const voters = await votersFor(db, r.id, userId);
    const cast = voters.length
      ? await db
          .selectFrom('ballot_casts')
          .select('voter_id')
          .distinct()
          .where('ballot_id', '=', r.id)
          .where(
            'voter_id',
            'in',
            voters.map((v) => v.id),
          )
          .execute()
      : [];
    out.push({ id: r.id, title: r.title, closesAt: r.closes_at, voters: voters.length, cast: cast.length });
  }
  return out;
}

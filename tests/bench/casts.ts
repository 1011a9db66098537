import pg from 'pg';
import { load } from './http.ts';

// Casting benchmark: verified owners with sessions (tests/support/vote-fixture.ts) vote on a 3-matter ballot; the HTTP
// rate at 64 clients is compared with bare pg writing the same rows, one statement per
// cast, at the same concurrency, in the same run.

const CHOICES = ['agree', 'oppose', 'abstain'] as const;

export async function httpCasts(base: string, ballotId: number, tokens: string[], connections: number, seconds: number) {
  let next = 0;
  return load(base, [`/api/ballots/${ballotId}/cast`], connections, seconds, () => {
    const i = next++;
    const body = JSON.stringify({ choices: { m1: CHOICES[i % 3], m2: CHOICES[(i + 1) % 3], m3: CHOICES[(i + 2) % 3] } });
    return { method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie: `gz_session=${tokens[i % tokens.length]}` }, body };
  });
}

/**
 * Every voter casts once, `connections` at a time, before the timed runs: the bare pg
 * baseline below recasts (its three choices are updated in place), so the casts over HTTP
 * must recast too, or they would be measured inserting first ballots (new rows, new index
 * entries, foreign keys checked) against a baseline that only updates.
 */
export async function castOncePerVoter(base: string, ballotId: number, tokens: string[], connections: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        const res = await fetch(`${base}/api/ballots/${ballotId}/cast`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base, cookie: `gz_session=${token}` },
          body: JSON.stringify({ choices: { m1: 'agree', m2: 'oppose', m3: 'abstain' } }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`warm-up cast: HTTP ${res.status}`);
      }
    }),
  );
}

/**
 * The same rows written by bare pg as fast as it can: one statement per cast (the evidence
 * row and the three counted choices through a data-modifying CTE), `connections` at a
 * time. The portal takes one function call per cast, so this, not a begin / insert /
 * insert / commit transaction of four round trips, is the fair baseline.
 */
export async function barePgCasts(
  url: string,
  ballotId: number,
  connections: number,
  seconds: number,
  /** called as the timed casting starts and as it ends, before the connections close */
  window?: { start(): void; end(): void },
): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const voters = (await pool.query<{ id: number }>('select id from ballot_voters where ballot_id = $1', [ballotId])).rows.map((r) => r.id);
  const matters = (await pool.query<{ id: number }>('select id from ballot_matters where ballot_id = $1 order by id', [ballotId])).rows.map((r) => r.id);
  const caster = (await pool.query<{ id: number }>('select id from users limit 1')).rows[0]!.id;
  const choices = JSON.stringify({ m1: 'agree', m2: 'oppose', m3: 'abstain' });
  let done = 0;
  let i = 0;
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  // the clock starts once every connection is open, as autocannon's does
  const end = Date.now() + seconds * 1000;
  window?.start();
  await Promise.all(
    clients.map(async (client) => {
      try {
        while (Date.now() < end) {
          const v = voters[i++ % voters.length]!;
          await client.query({
            name: 'bare-cast',
            text: `with cast_row as (
                     insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, choices, cast_at)
                     values ($1, $2, $3, 'online', 'owner', $4, now()) returning id
                   )
                   insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
                   select $1, $2, t.m, t.c, cast_row.id from cast_row, unnest($5::integer[], $6::text[]) as t(m, c)
                   on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id`,
            values: [ballotId, v, caster, choices, matters.slice(0, 3), ['agree', 'oppose', 'abstain']],
          });
          done++;
        }
      } finally {
        client.release();
      }
    }),
  );
  window?.end();
  await pool.end();
  return done / seconds;
}

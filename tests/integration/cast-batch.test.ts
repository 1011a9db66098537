import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { postgresUrl } from '../support/databases.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { sessionIdOf } from '../../src/features/accounts/session.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import type { Choice } from '../../src/features/ballots/cast.ts';
import { prepareVote } from '../support/vote-fixture.ts';

// Group commit at a vote's peak (src/features/ballots/fast-cast.ts, gz_cast_batch): casts that
// reach a PostgreSQL pool together go to the database in one call and one transaction. What
// must hold is what holds for lone casts: each caller gets its own answer, every rule applies
// to each cast in order (the rate limit counts the casts before it in the same batch), and one
// cast that fails in the database refuses nobody else.
// A batch is visible from outside: its casts share one transaction, so one cast_at (now()).

const CHOICES: Record<string, Choice> = { m1: 'agree', m2: 'oppose', m3: 'abstain' };

describe.skipIf(!postgresUrl)('casts in one batch on PostgreSQL', () => {
  let open: OpenDatabase;
  let scratch: ScratchDatabase;
  let vote: { ballotId: number; tokens: string[] };

  const evidence = async (sessionIds: string[]) =>
    (
      await sql<{ cast_at: string; voter_id: number }>`
        select bc.cast_at::text as cast_at, bc.voter_id from ballot_casts bc join sessions s on s.user_id = bc.cast_by
        where bc.ballot_id = ${vote.ballotId} and s.id = any(${sessionIds})`.execute(open.db)
    ).rows;

  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'cast_batch');
    open = openPostgres(scratch.url, 8);
    await migrateToLatest(open.db);
    await hebinEstate(open.db);
    vote = await prepareVote(open.db, 60);
    // the ballot's matters are read once and kept: that first read, not batching, is not what is tested
    const first = await castOnline(open.db, { sessionId: sessionIdOf(vote.tokens[59]!), ballotId: vote.ballotId, choices: CHOICES });
    expect(first.ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await open?.close();
    await scratch?.drop();
  });

  it('casts that arrive together share a transaction and each gets its own receipt', async () => {
    const tokens = vote.tokens.slice(0, 40);
    const results = await Promise.all(tokens.map((t) => castOnline(open.db, { sessionId: sessionIdOf(t), ballotId: vote.ballotId, choices: CHOICES })));
    expect(results.every((r) => r.ok)).toBe(true);
    const receipts = results.map((r) => (r.ok ? r.receipt : ''));
    expect(new Set(receipts).size).toBe(40);
    // each receipt is the one frozen with that caster's voter
    for (const [k, t] of tokens.entries()) {
      const row = await sql<{ receipt: string }>`
        select bv.receipt from ballot_voters bv join ballot_cast_rights r on r.voter_id = bv.id
        join sessions s on s.user_id = r.user_id where s.id = ${sessionIdOf(t)} and bv.ballot_id = ${vote.ballotId}`.execute(open.db);
      expect(row.rows[0]!.receipt).toBe(receipts[k]);
    }
    const rows = await evidence(tokens.map(sessionIdOf));
    expect(rows).toHaveLength(40);
    // 40 casts alone would be 40 transactions at 40 times (to the microsecond); together they are a handful
    expect(new Set(rows.map((r) => r.cast_at)).size).toBeLessThanOrEqual(8);
  });

  it('counts the rate limit over the casts before it in the same batch', async () => {
    const token = vote.tokens[40]!;
    // 30 casts a minute by one person for one household: 32 at once, the last two refused
    const results = await Promise.all(
      Array.from({ length: 32 }, () => castOnline(open.db, { sessionId: sessionIdOf(token), ballotId: vote.ballotId, choices: CHOICES })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(results.filter((r) => !r.ok && r.error === 'err.rateLimited')).toHaveLength(2);
    expect(await evidence([sessionIdOf(token)])).toHaveLength(30);
  });

  it('answers a refusal to its caster only', async () => {
    const good = vote.tokens.slice(41, 46);
    const results = await Promise.all([
      ...good.map((t) => castOnline(open.db, { sessionId: sessionIdOf(t), ballotId: vote.ballotId, choices: CHOICES })),
      castOnline(open.db, { sessionId: 'no-such-session', ballotId: vote.ballotId, choices: CHOICES }),
    ]);
    expect(results.slice(0, 5).every((r) => r.ok)).toBe(true);
    expect(results[5]).toMatchObject({ ok: false, error: 'err.signInFirst' });
  });

  it('one cast the database rejects refuses nobody else: the others are sent again on their own', async () => {
    const good = vote.tokens.slice(46, 55);
    const bad = vote.tokens[55]!;
    const settled = await Promise.allSettled([
      ...good.map((t) => castOnline(open.db, { sessionId: sessionIdOf(t), ballotId: vote.ballotId, choices: CHOICES })),
      // a choice the ballot_choices check refuses (the HTTP route's schema would not let it through)
      castOnline(open.db, { sessionId: sessionIdOf(bad), ballotId: vote.ballotId, choices: { ...CHOICES, m2: 'maybe' as Choice } }),
    ]);
    expect(settled.slice(0, 9).map((s) => s.status === 'fulfilled' && s.value.ok)).toEqual(Array(9).fill(true));
    expect(settled[9]!.status).toBe('rejected');
    expect(await evidence(good.map(sessionIdOf))).toHaveLength(9);
    expect(await evidence([sessionIdOf(bad)])).toHaveLength(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { castSetWise, seedBigEstate, type BigEstate } from '../support/big-estate.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { closeBallot, openBallot } from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { ballotResults, buildBulletin, publishBulletin } from '../../src/features/ballots/results-service.ts';
import { bulletinStream, cutAtLines } from '../../src/features/ballots/bulletin-parts.ts';
import { parseAnyBulletin, publicBulletinText, recount, toPublicBulletin } from '../../src/features/ballots/bulletin.ts';
import { loadRollPage, ROLL_PAGE, type RollCursor } from '../../src/features/ballots/queries/roll-page.ts';

// A 5,000-household vote end to end (issue 13, big votes; the 50,000 one runs in the bench,
// tests/bench/bigvote.ts): the roll frozen with the voters the register makes, the right to
// cast kept for every account exactly as the rule answers it account by account, the casts
// counted, the figures equal to a reference counted here straight from the rows, and the
// bulletin streamed byte for byte as published and recounting to the same figures.

type RollPage = NonNullable<Awaited<ReturnType<typeof loadRollPage>>>;

const HOUSEHOLDS = 5000;
const MATTERS = 4;
const SHARE = 60; // voters whose roll id ends (mod 100) in 01 … 59 cast set-wise

describe.each(BACKENDS)('a 5,000-household vote on %s', (kind) => {
  let open: OpenDatabase;
  let estate: BigEstate;
  beforeAll(async () => {
    open = await freshDatabase(kind);
    await hebinEstate(open.db);
    estate = await seedBigEstate(open.db, { households: HOUSEHOLDS, matters: MATTERS });
  }, 120_000);
  afterAll(() => open?.close());

  it('freezes the roll: one voter a holding (co-owners and two-flat owners joined), the developer one voter', async () => {
    const db = open.db;
    const opened = await openBallot(db, estate.adminId, estate.ballotId, undefined, { confirmUnowned: true });
    expect(opened.ok).toBe(true);
    // counted from the register as seeded: every flat not the developer's is owned; an owner of flat n
    // (n ≡ 0 mod 100) also owns flat n + 1, joining the two; the developer's flats are one voter
    const flats = await sql<{ own: number; dev: number; joined: number; area: string }>`
      select count(*) filter (where not u.developer_held)::int as own, count(*) filter (where u.developer_held)::int as dev,
        count(*) filter (where not u.developer_held and u.id % 100 = 0
          and exists (select 1 from units n join entrances ne on ne.id = n.entrance_id join buildings nb on nb.id = ne.building_id
                      where n.id = u.id + 1 and nb.estate_id = b.estate_id and not n.developer_held))::int as joined,
        sum(u.area_cm2)::text as area
      from units u join entrances e on e.id = u.entrance_id join buildings b on b.id = e.building_id where b.estate_id = ${estate.estateId}`.execute(db);
    const f = flats.rows[0]!;
    expect(f.own + f.dev).toBe(HOUSEHOLDS);
    const expected = f.own - f.joined + (f.dev > 0 ? 1 : 0);
    expect(opened.ok && opened.voters).toBe(expected);
    const roll = await sql<{ voters: number; area: string }>`
      select count(*)::int as voters, sum(area_cm2)::text as area from ballot_voters where ballot_id = ${estate.ballotId}`.execute(db);
    expect(roll.rows[0]).toEqual({ voters: expected, area: f.area });
  });

  it('shows the roll a page at a time: every voter once, in order, next and previous by voter code', async () => {
    const db = open.db;
    const staff = {
      id: estate.adminId,
      displayName: 'bench admin',
      phone: '',
      role: 'district_admin' as const,
      subdistrictId: null,
      communityId: null,
      district: estate.district,
      ownerStatusHeld: false,
    };
    const codes = (await db.selectFrom('ballot_voters').select('code').where('ballot_id', '=', estate.ballotId).execute()).map((v) => v.code);
    // roll order written out here: V0001 … V9999 then V10000 …
    codes.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    const seen: string[] = [];
    const pages: RollPage[] = [];
    let cursor: RollCursor = null;
    for (;;) {
      const page: RollPage = (await loadRollPage(db, estate.ballotId, staff, cursor))!;
      expect(page.totals.voters).toBe(codes.length);
      expect(page.roll.voters.length).toBeLessThanOrEqual(ROLL_PAGE);
      expect(page.roll.voters.every((v) => v.units.length > 0)).toBe(true);
      pages.push(page);
      seen.push(...page.roll.voters.map((v) => v.id));
      if (!page.pager.next) break;
      cursor = { after: page.pager.next };
    }
    expect(seen).toEqual(codes);
    expect(pages.length).toBe(Math.ceil(codes.length / ROLL_PAGE));
    expect(pages[0]!.pager.prev).toBeNull();
    // back from the third page: the second
    const back = (await loadRollPage(db, estate.ballotId, staff, { before: pages[2]!.pager.prev! }))!;
    expect(back.roll.voters.map((v) => v.id)).toEqual(pages[1]!.roll.voters.map((v) => v.id));
    expect(back.pager).toEqual(pages[1]!.pager);
    // the public: totals only, no flats
    const anyone = (await loadRollPage(db, estate.ballotId, null))!;
    expect(anyone.inspect).toBe(false);
    expect(anyone.roll.voters).toEqual([]);
    expect(anyone.totals).toEqual(pages[0]!.totals);
  });

  it('keeps for every account exactly what gz_cast_voters answers for it', async () => {
    const db = open.db;
    // the rule asked account by account, as the cast asks it
    const byRule = await sql<{ user_id: number; voter_id: number; cast_right: string; mandate: string | null }>`
      select u.id as user_id, c.voter_id, c.cast_right, c.mandate from users u cross join lateral gz_cast_voters(${estate.ballotId}::integer, u.id) c
      order by 1, 2`.execute(db);
    const kept = await sql<{ user_id: number; voter_id: number; cast_right: string; mandate: string | null }>`
      select user_id, voter_id, cast_right, mandate from ballot_cast_rights where ballot_id = ${estate.ballotId} order by 1, 2`.execute(db);
    expect(byRule.rows.length).toBeGreaterThan(HOUSEHOLDS / 2);
    expect(kept.rows).toEqual(byRule.rows);
  });

  it('counts the casts, tallies like a count of the rows, and streams a bulletin that recounts to the same figures', async () => {
    const db = open.db;
    const b = estate.ballotId;
    await castSetWise(db, b, estate.adminId, SHARE);
    // a few through the cast owners make (voters ending in 00, left out above)
    const matters = await db.selectFrom('ballot_matters').select(['id', 'code']).where('ballot_id', '=', b).orderBy('id').execute();
    const casters = await sql<{ user_id: number; code: string }>`
      select distinct on (voter_id) user_id, code from ballot_cast_rights where ballot_id = ${b} and voter_id % 100 = 0 order by voter_id, user_id limit 5`.execute(
      db,
    );
    for (const c of casters.rows) {
      const res = await castOnline(db, {
        ballotId: b,
        userId: c.user_id,
        voterCode: c.code,
        choices: Object.fromEntries(matters.map((m) => [m.code, 'agree'])),
      });
      expect(res.ok, JSON.stringify(res)).toBe(true);
    }
    const castFor = await sql<{ n: number }>`
      select count(*)::int as n from ballot_voters where ballot_id = ${b} and not developer and id % 100 between 1 and ${SHARE - 1}`.execute(db);
    const counted = await sql<{ n: number }>`select count(distinct voter_id)::int as n from ballot_choices where ballot_id = ${b}`.execute(db);
    expect(counted.rows[0]!.n).toBe(castFor.rows[0]!.n + casters.rows.length);

    expect((await closeBallot(db, estate.adminId, b)).ok).toBe(true);
    const results = await ballotResults(db, b);
    if (results?.status !== 'closed') throw new Error('not closed');

    // the reference: each matter's figures summed straight from the roll and the counted choices
    const ref = await sql<{ code: string; choice: string | null; owners: number; area: string }>`
      select m.code, c.choice, count(*)::int as owners, sum(bv.area_cm2)::text as area
      from ballot_matters m join ballot_choices c on c.matter_id = m.id join ballot_voters bv on bv.id = c.voter_id
      where m.ballot_id = ${b} group by m.code, c.choice`.execute(db);
    const all = await sql<{ owners: number; area: string }>`
      select count(*)::int as owners, sum(area_cm2)::text as area from ballot_voters where ballot_id = ${b}`.execute(db);
    const m2 = (cm2: bigint) => `${cm2 / 100n}.${String(cm2 % 100n).padStart(2, '0')}`;
    for (const r of results.results.matters) {
      const fig = (choice: string) => {
        const row = ref.rows.find((x) => x.code === r.id && x.choice === choice);
        return { areaM2: m2(BigInt(row?.area ?? 0)), owners: row?.owners ?? 0 };
      };
      expect(r.agree, r.id).toEqual(fig('agree'));
      expect(r.oppose, r.id).toEqual(fig('oppose'));
      expect(r.abstain, r.id).toEqual(fig('abstain'));
      const part = ['agree', 'oppose', 'abstain'].map((c) => ref.rows.find((x) => x.code === r.id && x.choice === c));
      expect(r.participating).toEqual({
        areaM2: m2(part.reduce((s, x) => s + BigInt(x?.area ?? 0), 0n)),
        owners: part.reduce((s, x) => s + (x?.owners ?? 0), 0),
      });
      expect(r.eligible).toEqual({ areaM2: m2(BigInt(all.rows[0]!.area)), owners: all.rows[0]!.owners });
    }
    // the figures are kept: read again, not tallied again
    expect(await db.selectFrom('ballot_results').select('ballot_id').where('ballot_id', '=', b).execute()).toHaveLength(1);
    expect(await ballotResults(db, b)).toEqual(results);

    const published = await publishBulletin(db, estate.adminId, b, 'preliminary');
    expect(published.ok).toBe(true);
    const stored = await db.selectFrom('ballot_bulletins').select(['body', 'sha256']).where('ballot_id', '=', b).executeTakeFirstOrThrow();
    const text = async (s: ReadableStream<Uint8Array>) => new TextDecoder().decode(await new Response(s).arrayBuffer());
    // several parts, and together the exact bytes: the full form as stored, the public form as derived from it
    expect(cutAtLines(stored.body).length).toBeGreaterThan(1);
    const full = (await bulletinStream(db, b, null, 'full'))!;
    expect(full.sha256).toBe(stored.sha256);
    expect(await text(full.body)).toBe(stored.body);
    const pub = (await bulletinStream(db, b, 1, 'public'))!;
    const derived = publicBulletinText(stored.body);
    expect(pub.sha256).toBe(derived.sha256);
    const pubText = await text(pub.body);
    expect(pubText).toBe(derived.body);
    const parsed = parseAnyBulletin(JSON.parse(pubText));
    if (!parsed.success) throw new Error(parsed.error.message);
    expect(recount(parsed.data)).toEqual(results.results);

    // published a batch of voters at a time, yet the very bytes of the whole bulletin built in
    // memory, and the sha256 recorded for each form is the sha256 of what is served
    const whole = (await buildBulletin(db, b, 1))!;
    expect(stored.body).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    expect(pubText).toBe(`${JSON.stringify(toPublicBulletin(whole), null, 2)}\n`);
    const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
    expect(published).toMatchObject({ sha256: sha256(stored.body), publicSha256: sha256(pubText) });
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'ballot.bulletin.preliminary')
      .where('target', '=', `ballot:${b}`)
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ version: 1, sha256: sha256(stored.body), publicSha256: sha256(pubText) });
  }, 120_000);

  it('opens a small vote beside the big one reading its own roll, not every roll in the database', async () => {
    const db = open.db;
    const small = await seedBigEstate(db, { households: 40, matters: 1 });
    expect((await openBallot(db, small.adminId, small.ballotId, undefined, { confirmUnowned: true })).ok).toBe(true);
    // the fill again, in one transaction whose own reads the statistics count (pg_stat_xact_*):
    // on one connection, the statistics pending from before flushed first (when it goes idle)
    const read = await db.connection().execute(async (conn) => {
      await sql`select pg_stat_force_next_flush()`.execute(conn);
      return conn.transaction().execute(async (trx) => {
        await sql`select gz_cast_rights_fill(${small.ballotId})`.execute(trx);
        return (
          await sql<{ relname: string; rows: number }>`
            select relname, (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as rows from pg_stat_xact_user_tables
            where relname in ('ballot_voter_units', 'ballot_voter_owners', 'ballot_voters')`.execute(trx)
        ).rows;
      });
    });
    // the big roll holds about 5,000 rows in each; the small one about 40
    expect(read).toHaveLength(3);
    for (const r of read) expect(r.rows, r.relname).toBeLessThan(1000);
  }, 120_000);
});

describe('a bulletin cut into parts', () => {
  it('joins back to the same text, each part ending at a line end', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `  "line ${i}": "数据 ${'x'.repeat(i % 97)}",`).join('\n') + '\n';
    const parts = cutAtLines(text, 4096);
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(p.endsWith('\n')).toBe(true);
    expect(cutAtLines('', 10)).toEqual([]);
    expect(cutAtLines('no line end at all', 4).join('')).toBe('no line end at all');
  });
});

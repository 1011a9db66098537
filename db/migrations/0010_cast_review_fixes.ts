import { sql, type Kysely } from 'kysely';

// Frozen once landed. Fixes from a review of the cast path:
// - the casting limit is per person and household (30 a minute), so one co-owner or proxy
//   can no longer lock the others out by casting 30 times a minute;
// - a household's casts take a transaction-level advisory lock on the voter: the count is
//   exact under concurrency, and two co-owners casting at once cannot deadlock;
// - times are the database's (now()) unless the caller gives one (tests travel in time):
//   a server whose clock runs behind can no longer take a ballot after the close;
// - the "ballot stands" check is limited to the ballot (it read the whole table).
// And the table that keeps the other owners of a household from being texted more than
// once in half an hour.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop function gz_cast(integer, text, integer, text, jsonb, integer[], text[], timestamptz, integer, integer)`.execute(db);
  await sql`
    create function gz_cast(
      p_ballot integer, p_session text, p_user integer, p_voter_code text, p_choices jsonb, p_matters integer[], p_values text[],
      p_now timestamptz, p_limit integer, p_window_seconds integer
    ) returns table (status text, user_id integer, session_expires timestamptz, code text, receipt text)
    language plpgsql as $$
    declare
      v_user integer := p_user;
      v_expires timestamptz;
      v_slid timestamptz;
      v_disabled timestamptz;
      v_count integer;
      v_id integer;
      v_code text;
      v_receipt text;
      v_right text;
      v_mandate text;
      v_hits integer;
      v_cast bigint;
      v_now timestamptz := coalesce(p_now, now());
    begin
      if p_session is not null then
        select s.user_id, s.expires_at, u.disabled_at into v_user, v_expires, v_disabled
        from sessions s join users u on u.id = s.user_id where s.id = p_session;
        if v_user is null then
          return query select 'no_session'::text, null::integer, null::timestamptz, null::text, null::text;
          return;
        end if;
        if v_disabled is not null or v_expires <= v_now then
          delete from sessions where id = p_session;
          return query select 'no_session'::text, null::integer, null::timestamptz, null::text, null::text;
          return;
        end if;
        if v_expires <= v_now + interval '15 days' then
          v_slid := v_now + interval '30 days';
          update sessions set expires_at = v_slid where id = p_session;
        end if;
      end if;

      select count(*)::integer, min(bv.id), min(bv.code), min(bv.receipt), min(r.cast_right), min(r.mandate)
      into v_count, v_id, v_code, v_receipt, v_right, v_mandate
      from gz_cast_voters(p_ballot, v_user) r join ballot_voters bv on bv.id = r.voter_id
      where p_voter_code is null or bv.code = p_voter_code;
      if v_count <> 1 then
        return query select case when v_count = 0 then 'not_voter' else 'choose_voter' end, v_user, v_slid, null::text, null::text;
        return;
      end if;
      -- one household's casts one at a time: the count below stays exact and two co-owners
      -- casting at once never deadlock on the counted choices
      perform pg_advisory_xact_lock(7501, v_id);
      select count(*)::integer into v_hits from ballot_casts bc
      where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_by = v_user and bc.cast_at > v_now - make_interval(secs => p_window_seconds);
      if v_hits >= p_limit then
        return query select 'rate_limited'::text, v_user, v_slid, v_code, null::text;
        return;
      end if;
      if v_right = 'new_owner' and exists (select 1 from ballot_casts bc where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_right <> 'new_owner') then
        return query select 'ballot_stands'::text, v_user, v_slid, v_code, null::text;
        return;
      end if;
      insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, mandate, choices, cast_at)
      select b.id, v_id, v_user, 'online', v_right, v_mandate, p_choices, v_now from ballots b
      where b.id = p_ballot and b.status = 'open' and b.closes_at > v_now
      returning id into v_cast;
      if v_cast is null then
        return query select 'not_open'::text, v_user, v_slid, v_code, null::text;
        return;
      end if;
      insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
      select p_ballot, v_id, m, c, v_cast from unnest(p_matters, p_values) as t(m, c)
      on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id;
      return query select 'ok'::text, v_user, v_slid, v_code, v_receipt;
    end $$`.execute(db);

  await db.schema
    .createTable('ballot_voter_notices')
    .addColumn('voter_id', 'integer', (c) => c.primaryKey().references('ballot_voters.id'))
    .addColumn('last_sent_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ballot_voter_notices').ifExists().execute();
  await sql`drop function if exists gz_cast(integer, text, integer, text, jsonb, integer[], text[], timestamptz, integer, integer)`.execute(db);
}

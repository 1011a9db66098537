import { sql, type Kysely } from 'kysely';

// Frozen once landed. The hot path of a vote as one database function: PL/pgSQL keeps the
// plans of its statements per connection, so a cast no longer pays for planning a
// five-part statement every time. Same rules as before: the voter this person may cast
// for (verified, not held, owner of one of its flats), the rate limit, the open check,
// the cast kept as evidence and the counted choices upserted.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function gz_cast(
      p_ballot integer, p_user integer, p_voter_code text, p_choices jsonb, p_matters integer[], p_values text[],
      p_now timestamptz, p_window timestamptz, p_limit integer, p_bucket text
    ) returns table (voters integer, hits integer, cast_id bigint, code text, receipt text)
    language plpgsql as $$
    declare
      v_id integer;
      v_code text;
      v_receipt text;
      v_count integer;
      v_hits integer;
      v_cast bigint;
    begin
      select count(*)::integer, min(x.id), min(x.code), min(x.receipt) into v_count, v_id, v_code, v_receipt
      from (
        select distinct bv.id, bv.code, bv.receipt
        from ballot_voters bv
        join ballot_voter_owners bvo on bvo.voter_id = bv.id
        join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified' and ov.user_id = p_user
        join users u on u.id = ov.user_id and u.owner_status_held_since is null
        where bv.ballot_id = p_ballot and (p_voter_code is null or bv.code = p_voter_code)
      ) x;
      if v_count <> 1 then
        return query select v_count, null::integer, null::bigint, null::text, null::text;
        return;
      end if;
      insert into rate_limits (bucket, key, window_start, hits) values (p_bucket, p_user::text, p_window, 1)
      on conflict (bucket, key, window_start) do update set hits = rate_limits.hits + 1
      returning rate_limits.hits into v_hits;
      if v_hits > p_limit then
        return query select v_count, v_hits, null::bigint, v_code, v_receipt;
        return;
      end if;
      insert into ballot_casts (ballot_id, voter_id, cast_by, channel, choices, cast_at)
      select b.id, v_id, p_user, 'online', p_choices, p_now from ballots b
      where b.id = p_ballot and b.status = 'open' and b.closes_at > p_now
      returning id into v_cast;
      if v_cast is not null then
        insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
        select p_ballot, v_id, m, c, v_cast from unnest(p_matters, p_values) as t(m, c)
        on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id;
      end if;
      return query select v_count, v_hits, v_cast, v_code, v_receipt;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists gz_cast(integer, integer, text, jsonb, integer[], text[], timestamptz, timestamptz, integer, text)`.execute(db);
}

-- The hot path of an online cast, in one database call (session included). The one
-- definition: loaded by migrations with "create or replace" (first by 0017); change it here
-- and load it again in a new migration (0040 is the latest).
--
-- Returns one row: status is ok, no_session, not_voter, choose_voter, rate_limited,
-- ballot_stands (a new owner, but a ballot cast before the sale stands) or not_open;
-- session_expires is set when the session's expiry slid (the cookie must follow).
-- - the voter and the right to cast are gz_cast_voters' answer (the page asks it too), read
--   from ballot_cast_rights, where triggers keep that answer for every open ballot (since 0040,
--   db/functions/gz_cast_rights.sql): one indexed lookup instead of the rule over eight
--   tables. When the table names no voter (a ballot not open, or a person who may not
--   cast) gz_cast_voters is asked itself, so every answer stays the rule's;
-- - the casting limit is per person and household (p_limit casts in p_window_seconds);
-- - a household's casts take a transaction-level advisory lock on the voter (7501), so the
--   count is exact and two co-owners casting at once never deadlock;
-- - the cast holds the ballot's lock (7500) shared from its open check to its commit, and
--   closing takes it exclusively (trigger gz_ballot_lifecycle): a cast never interleaves
--   with a close, while casts never wait for one another;
-- - times are the database's (now()) unless the caller gives one (tests travel in time);
-- - the cast replaces the voter's whole counted ballot, as staff entries do (its choices are
--   upserted with the evidence row in one statement; a choice of a matter it does not name is dropped);
-- - an accepted cast runs three statements (since 0032): one read of the session and the voters,
--   the two locks, and the insert, which also counts the household's casts; each statement takes
--   a snapshot, whose cost grows with the connections, so fewer statements is what made casts
--   cheaper under load. The answer row is built from the output variables (return next), not
--   by another query.
create or replace function gz_cast(
  p_ballot integer, p_session text, p_user integer, p_voter_code text, p_choices jsonb, p_matters integer[], p_values text[],
  p_now timestamptz, p_limit integer, p_window_seconds integer
) returns table (status text, user_id integer, session_expires timestamptz, code text, receipt text)
language plpgsql as $$
declare
  v_user integer;
  v_expires timestamptz;
  v_disabled timestamptz;
  v_count integer;
  v_id integer;
  v_right text;
  v_mandate text;
  v_cast bigint;
  v_now timestamptz := coalesce(p_now, now());
begin
  -- the session (or the given user) and the voters this person may cast for, in one read
  select k.user_id, k.expires_at, k.disabled_at, v.n, v.id, v.code, v.receipt, v.cast_right, v.mandate
  into v_user, v_expires, v_disabled, v_count, v_id, code, receipt, v_right, v_mandate
  from (
    select s.user_id, s.expires_at, u.disabled_at from sessions s join users u on u.id = s.user_id where s.id = p_session
    union all
    select p_user, null::timestamptz, null::timestamptz where p_session is null
  ) k
  cross join lateral (
    select count(*)::integer as n, min(r.voter_id) as id, min(r.code) as code, min(r.receipt) as receipt, min(r.cast_right) as cast_right, min(r.mandate) as mandate
    from ballot_cast_rights r
    where r.ballot_id = p_ballot and r.user_id = k.user_id and (p_voter_code is null or r.code = p_voter_code)
  ) v;
  if found and v_count = 0 then
    -- not in the table: the rule itself (a ballot not open answers not_open below)
    select count(*)::integer, min(bv.id), min(bv.code), min(bv.receipt), min(r.cast_right), min(r.mandate)
    into v_count, v_id, code, receipt, v_right, v_mandate
    from gz_cast_voters(p_ballot, v_user) r join ballot_voters bv on bv.id = r.voter_id
    where p_voter_code is null or bv.code = p_voter_code;
  end if;
  if p_session is not null then
    if not found then
      status := 'no_session';
      return next;
      return;
    end if;
    if v_disabled is not null or v_expires <= v_now then
      delete from sessions where id = p_session;
      status := 'no_session';
      code := null;
      receipt := null;
      return next;
      return;
    end if;
    if v_expires <= v_now + interval '15 days' then
      session_expires := v_now + interval '30 days';
      update sessions set expires_at = session_expires where id = p_session;
    end if;
  end if;
  user_id := v_user;
  if v_count <> 1 then
    status := case when v_count = 0 then 'not_voter' else 'choose_voter' end;
    code := null;
    receipt := null;
    return next;
    return;
  end if;
  perform pg_advisory_xact_lock(7501, v_id), pg_advisory_xact_lock_shared(7500, p_ballot);
  if v_right = 'new_owner' then
    if (select count(*) from ballot_casts bc where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_by = v_user
        and bc.cast_at > v_now - make_interval(secs => p_window_seconds)) >= p_limit then
      status := 'rate_limited';
      receipt := null;
      return next;
      return;
    end if;
    if exists (select 1 from ballot_casts bc where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_right <> 'new_owner') then
      status := 'ballot_stands';
      receipt := null;
      return next;
      return;
    end if;
  end if;
  with evidence as (
    insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, mandate, choices, cast_at)
    select b.id, v_id, v_user, 'online', v_right, v_mandate, p_choices, v_now from ballots b
    where b.id = p_ballot and b.status = 'open' and b.closes_at > v_now
      and (select count(*) from ballot_casts bc where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_by = v_user
           and bc.cast_at > v_now - make_interval(secs => p_window_seconds)) < p_limit
    returning id
  ), counted as (
    insert into ballot_choices as bc (ballot_id, voter_id, matter_id, choice, cast_id)
    select p_ballot, v_id, t.m, t.c, evidence.id from evidence, unnest(p_matters, p_values) as t(m, c)
    on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id
  ), dropped as (
    delete from ballot_choices bc where bc.voter_id = v_id and bc.matter_id <> all (p_matters) and exists (select from evidence)
  )
  select id into v_cast from evidence;
  if v_cast is null then
    status := case when (select count(*) from ballot_casts bc where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_by = v_user
                         and bc.cast_at > v_now - make_interval(secs => p_window_seconds)) >= p_limit then 'rate_limited' else 'not_open' end;
    receipt := null;
    return next;
    return;
  end if;
  status := 'ok';
  return next;
end $$;

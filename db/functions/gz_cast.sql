-- The hot path of an online cast, in one database call (session included). The one
-- definition: loaded by migrations with "create or replace" (first by 0017); change it here
-- and load it again in a new migration (0023 is the latest).
--
-- Returns one row: status is ok, no_session, not_voter, choose_voter, rate_limited,
-- ballot_stands (a new owner, but a ballot cast before the sale stands) or not_open;
-- session_expires is set when the session's expiry slid (the cookie must follow).
-- - the voter and the right to cast come from gz_cast_voters (the page asks it too);
-- - the casting limit is per person and household (p_limit casts in p_window_seconds);
-- - a household's casts take a transaction-level advisory lock on the voter (7501), so the
--   count is exact and two co-owners casting at once never deadlock;
-- - the cast holds the ballot's lock (7500) shared from its open check to its commit, and
--   closing takes it exclusively (trigger gz_ballot_lifecycle): a cast never interleaves
--   with a close, while casts never wait for one another;
-- - times are the database's (now()) unless the caller gives one (tests travel in time);
-- - the cast replaces the voter's whole counted ballot, as staff entries do (its choices are
--   upserted with the evidence row in one statement; a choice of a matter it does not name is dropped).
create or replace function gz_cast(
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
  -- the household's lock, and the ballot's close lock shared: from here to the commit no
  -- close can happen, and the open check of the insert below sees any close committed before
  perform pg_advisory_xact_lock(7501, v_id), pg_advisory_xact_lock_shared(7500, p_ballot);
  select count(*)::integer into v_hits from ballot_casts bc
  where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_by = v_user and bc.cast_at > v_now - make_interval(secs => p_window_seconds);
  if v_hits >= p_limit then
    return query select 'rate_limited'::text, v_user, v_slid, v_code, null::text;
    return;
  end if;
  if v_right = 'new_owner' then
    if exists (select 1 from ballot_casts bc where bc.ballot_id = p_ballot and bc.voter_id = v_id and bc.cast_right <> 'new_owner') then
      return query select 'ballot_stands'::text, v_user, v_slid, v_code, null::text;
      return;
    end if;
  end if;
  -- the evidence row and the counted choices in one statement: the choices are upserted
  -- (a row changes only its choice and cast, so its ballot, voter and matter keys are not
  -- checked again) and any choice of a matter the cast does not name is dropped, so the
  -- voter's whole counted ballot is this cast's
  with evidence as (
    insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, mandate, choices, cast_at)
    select b.id, v_id, v_user, 'online', v_right, v_mandate, p_choices, v_now from ballots b
    where b.id = p_ballot and b.status = 'open' and b.closes_at > v_now
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
    return query select 'not_open'::text, v_user, v_slid, v_code, null::text;
    return;
  end if;
  return query select 'ok'::text, v_user, v_slid, v_code, v_receipt;
end $$;

-- The right to cast, kept ready for the cast: ballot_cast_rights holds, for every open
-- ballot, exactly the rows gz_cast_voters(ballot, account) answers, so gz_cast finds the
-- voter in one indexed read instead of asking the rule over eight tables. The rule stays
-- gz_cast_voters alone: these functions only decide WHEN to ask it again, and for whom.
-- Loaded by migrations with "create or replace" (first by 0040, which creates the table and
-- the triggers); change it here and load it again in a new migration.
--
-- What changes the answer of an open ballot (its roll is frozen: gz_ballot_locked):
-- - an account's claims (owner_verifications: verified, revoked, another owner matched),
--   its owner status held after a password reset, its disabling (users);
-- - who holds a flat of a voter of the roll (unit_owners: a sale, an heir, a co-owner added,
--   an owner removed): every account that has, or could gain, a right on that voter is asked
--   again (rows it has now, verified owners on the roll, verified holders now, mandate holders);
-- - a mandate recorded or revoked (ballot_proxies);
-- - the ballot opening (filled) or closing (emptied).
-- A mandate carries no end date of its own (it lapses when its signer no longer holds a
-- flat, which the holdings trigger answers), so no answer here depends on the clock.
--
-- Every refresh first takes one transaction-level advisory lock (7502, 0), then reads in a
-- new statement (a fresh snapshot): two writers that change the answer for the same account
-- at once (a sale and the buyer's verification) refresh one after the other, the second
-- seeing the first's commit, so neither leaves an answer computed without the other's change.
-- Casts never take it. gz_cast still asks gz_cast_voters itself when this table names no
-- voter (a ballot not open, or someone who may not cast), so its answers stay the rule's.

-- Ask the rule again for these (ballot, account) pairs of open ballots and keep its answer.
create or replace function gz_cast_rights_refresh(p_ballots integer[], p_users integer[])
returns void language plpgsql as $$
begin
  if coalesce(cardinality(p_ballots), 0) = 0 then
    return;
  end if;
  delete from ballot_cast_rights r
  using unnest(p_ballots, p_users) as t(b, u)
  where r.ballot_id = t.b and r.user_id = t.u;
  insert into ballot_cast_rights (ballot_id, user_id, voter_id, cast_right, mandate, code, receipt)
  select p.b, p.u, c.voter_id, c.cast_right, c.mandate, bv.code, bv.receipt
  from (select distinct b, u from unnest(p_ballots, p_users) as t(b, u)) p
  join ballots on ballots.id = p.b and ballots.status = 'open'
  cross join lateral gz_cast_voters(p.b, p.u) c
  join ballot_voters bv on bv.id = c.voter_id;
end $$;

-- These accounts on every open ballot (their claims or their account changed).
create or replace function gz_cast_rights_for_users(p_users integer[])
returns void language plpgsql as $$
declare
  v_ballots integer[];
  v_users integer[];
begin
  if coalesce(cardinality(p_users), 0) = 0 then
    return;
  end if;
  perform pg_advisory_xact_lock(7502, 0);
  select array_agg(b.id), array_agg(u.u) into v_ballots, v_users
  from ballots b cross join (select distinct unnest(p_users) as u) u
  where b.status = 'open';
  perform gz_cast_rights_refresh(v_ballots, v_users);
end $$;

-- Every account that has, or could gain, a right on the open ballots' voters holding these flats.
create or replace function gz_cast_rights_for_units(p_units integer[])
returns void language plpgsql as $$
declare
  v_ballots integer[];
  v_users integer[];
begin
  if coalesce(cardinality(p_units), 0) = 0 then
    return;
  end if;
  perform pg_advisory_xact_lock(7502, 0);
  with voters as (
    select distinct bvu.voter_id, bv.ballot_id
    from ballot_voter_units bvu
    join ballot_voters bv on bv.id = bvu.voter_id
    join ballots b on b.id = bv.ballot_id and b.status = 'open'
    where bvu.unit_id = any (p_units)
  ), pairs as (
    -- who has a right on the voter now
    select v.ballot_id, r.user_id from voters v join ballot_cast_rights r on r.voter_id = v.voter_id
    union
    -- verified owners on the roll of the voter
    select v.ballot_id, ov.user_id from voters v
    join ballot_voter_owners bvo on bvo.voter_id = v.voter_id
    join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
    union
    -- verified owners of record who hold a flat of the voter now
    select v.ballot_id, ov.user_id from voters v
    join ballot_voter_units u on u.voter_id = v.voter_id
    join unit_owners uo on uo.unit_id = u.unit_id
    join owner_verifications ov on ov.register_owner_id = uo.owner_id and ov.status = 'verified'
    union
    -- the accounts named in a mandate for the voter
    select v.ballot_id, bp.proxy_user_id from voters v join ballot_proxies bp on bp.voter_id = v.voter_id
  )
  select array_agg(ballot_id), array_agg(user_id) into v_ballots, v_users from pairs;
  perform gz_cast_rights_refresh(v_ballots, v_users);
end $$;

-- gz_cast_voters for every account at once, on one ballot: the same four ways to a right
-- (owner on the roll, co-owner of record, new owner of a whole holding, proxy), the same
-- preference and the same account checks, with the account a column instead of a parameter.
-- Used only to fill a ballot as it opens (one statement over the whole roll instead of the
-- rule asked once per account: 50,000 households in a second, not minutes); the triggers
-- keep asking gz_cast_voters itself. The who-may-cast contract test and the big-vote test
-- compare the two for every account.
-- A ballot's roll is written by one statement, so its voter ids run together: every read of
-- the roll tables below is bounded by their first and last (p_first, p_last), an index range
-- of the primary keys. Under the fill's hash joins (no nested loops, see gz_cast_rights_fill)
-- a join condition reaches no index, and until 0073 each opening read the roll rows of every
-- vote ever held.
create or replace function gz_cast_voters_span(p_ballot integer, p_first integer, p_last integer)
returns table (user_id integer, voter_id integer, cast_right text, mandate text)
language sql stable as $$
  with roll as (select bv.id from ballot_voters bv where bv.ballot_id = p_ballot and not bv.developer),
  -- voters with an owner on the roll who still holds one of their flats (no new owner then)
  held as materialized (
    select distinct f.voter_id from roll
    join ballot_voter_owners f on f.voter_id = roll.id
    join ballot_voter_units fu on fu.voter_id = f.voter_id
    join unit_owners fo on fo.unit_id = fu.unit_id and fo.owner_id = f.register_owner_id
    where f.voter_id between p_first and p_last
      and fu.voter_id between p_first and p_last
  )
  select distinct on (c.user_id, c.id) c.user_id, c.id, c.cast_right, c.mandate
  from (
    select ov.user_id, bvo.voter_id as id, 'owner'::text as cast_right, null::text as mandate, 1 as pref
    from roll
    join ballot_voter_owners bvo on bvo.voter_id = roll.id
    join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified'
    where bvo.voter_id between p_first and p_last
      and exists (select 1 from ballot_voter_units bvu join unit_owners uo on uo.unit_id = bvu.unit_id and uo.owner_id = bvo.register_owner_id
                  where bvu.voter_id = bvo.voter_id and bvu.voter_id between p_first and p_last)
    union all
    select ov.user_id, bvu.voter_id, 'owner', null, 1
    from roll
    join ballot_voter_units bvu on bvu.voter_id = roll.id
    join unit_owners uo on uo.unit_id = bvu.unit_id
    join owner_verifications ov on ov.register_owner_id = uo.owner_id and ov.status = 'verified'
    where bvu.voter_id between p_first and p_last
      and exists (select 1 from ballot_voter_owners f join unit_owners fo on fo.owner_id = f.register_owner_id and fo.unit_id = bvu.unit_id
                  where f.voter_id = bvu.voter_id and f.voter_id between p_first and p_last)
    union all
    select ov.user_id, bvu.voter_id, 'new_owner', null, 2
    from roll
    join ballot_voter_units bvu on bvu.voter_id = roll.id
    join unit_owners uo on uo.unit_id = bvu.unit_id
    join owner_verifications ov on ov.register_owner_id = uo.owner_id and ov.status = 'verified'
    where bvu.voter_id between p_first and p_last
      and bvu.voter_id in (select f.voter_id from ballot_voter_owners f where f.voter_id between p_first and p_last)
      and bvu.voter_id not in (select held.voter_id from held)
    union all
    select bp.proxy_user_id, bp.voter_id, 'proxy', bp.mandate, 3
    from roll
    join ballot_proxies bp on bp.voter_id = roll.id and bp.ballot_id = p_ballot and bp.revoked_at is null
    where exists (select 1 from ballot_voter_units bvu join unit_owners uo on uo.unit_id = bvu.unit_id and uo.owner_id = bp.granted_by_owner_id
                  where bvu.voter_id = bp.voter_id and bvu.voter_id between p_first and p_last)
  ) c
  join users u on u.id = c.user_id and u.owner_status_held_since is null and u.disabled_at is null
  order by c.user_id, c.id, c.pref
$$;

create or replace function gz_cast_voters_all(p_ballot integer)
returns table (user_id integer, voter_id integer, cast_right text, mandate text)
language sql stable as $$
  select c.* from (select min(id) as first, max(id) as last from ballot_voters where ballot_id = p_ballot) r,
    lateral gz_cast_voters_span(p_ballot, r.first, r.last) c
$$;

-- A ballot opening: the rule's answer for every account on its whole roll, in one statement
-- (gz_cast_voters_all; 0040 to 0063 asked gz_cast_voters once per account that could have a right).
-- JIT off: the plan's cost over a whole roll is high enough to have PostgreSQL compile it,
-- and compiling took longer (seconds) than running it. Nested loops off (since 0070): the
-- roll was written moments ago in the same transaction, so the planner's statistics know none
-- of it and it chose nested loops over thousands of rows (a 4,000-voter roll opened in over
-- a minute); hash joins make the fill one pass over the roll whatever the statistics say.
create or replace function gz_cast_rights_fill(p_ballot integer)
returns void language plpgsql set jit = off set enable_nestloop = off as $$
begin
  perform pg_advisory_xact_lock(7502, 0);
  delete from ballot_cast_rights where ballot_id = p_ballot;
  insert into ballot_cast_rights (ballot_id, user_id, voter_id, cast_right, mandate, code, receipt)
  select p_ballot, c.user_id, c.voter_id, c.cast_right, c.mandate, bv.code, bv.receipt
  from gz_cast_voters_all(p_ballot) c
  join ballot_voters bv on bv.id = c.voter_id and bv.ballot_id = p_ballot
  where exists (select 1 from ballots b where b.id = p_ballot and b.status = 'open');
end $$;

-- triggers (created by migration 0040)

create or replace function gz_cast_rights_on_claims() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    perform gz_cast_rights_for_users(array(select distinct user_id from new_rows where status = 'verified'));
  elsif TG_OP = 'DELETE' then
    perform gz_cast_rights_for_users(array(select distinct user_id from old_rows));
  else
    perform gz_cast_rights_for_users(array(
      select o.user_id from old_rows o join new_rows n on n.id = o.id
      where (o.user_id, o.status, o.register_owner_id) is distinct from (n.user_id, n.status, n.register_owner_id)
      union
      select n.user_id from old_rows o join new_rows n on n.id = o.id
      where (o.user_id, o.status, o.register_owner_id) is distinct from (n.user_id, n.status, n.register_owner_id)));
  end if;
  return null;
end $$;

create or replace function gz_cast_rights_on_holdings() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    perform gz_cast_rights_for_units(array(select distinct unit_id from new_rows));
  elsif TG_OP = 'DELETE' then
    perform gz_cast_rights_for_units(array(select distinct unit_id from old_rows));
  else
    perform gz_cast_rights_for_units(array(select unit_id from old_rows union select unit_id from new_rows));
  end if;
  return null;
end $$;

create or replace function gz_cast_rights_on_mandates() returns trigger language plpgsql as $$
declare
  v_ballots integer[];
  v_users integer[];
begin
  perform pg_advisory_xact_lock(7502, 0);
  if TG_OP = 'INSERT' then
    select array_agg(ballot_id), array_agg(proxy_user_id) into v_ballots, v_users from new_rows;
  elsif TG_OP = 'DELETE' then
    select array_agg(ballot_id), array_agg(proxy_user_id) into v_ballots, v_users from old_rows;
  else
    select array_agg(ballot_id), array_agg(proxy_user_id) into v_ballots, v_users
    from (select ballot_id, proxy_user_id from old_rows union select ballot_id, proxy_user_id from new_rows) x;
  end if;
  perform gz_cast_rights_refresh(v_ballots, v_users);
  return null;
end $$;

create or replace function gz_cast_rights_on_account() returns trigger language plpgsql as $$
begin
  perform gz_cast_rights_for_users(array[NEW.id]);
  return null;
end $$;

create or replace function gz_cast_rights_on_ballot() returns trigger language plpgsql as $$
begin
  if NEW.status = 'open' then
    perform gz_cast_rights_fill(NEW.id);
  else
    delete from ballot_cast_rights where ballot_id = NEW.id;
  end if;
  return null;
end $$;

-- Several online casts in one database call and one transaction (group commit), for the
-- peak of a vote: each cast is gz_cast's, unchanged (the one definition of a cast, called
-- here once per cast, in order), so every rule, lock and answer is the same; what the batch
-- saves is a round trip, a statement and a commit per cast. Loaded by 0069 with
-- "create or replace"; the caller is src/features/ballots/fast-cast.ts.
--
-- Cast i is (p_ballots[i], p_sessions[i], p_users[i], p_voter_codes[i], p_choices[i]) with
-- the next p_counts[i] entries of p_matters and p_values. One row a cast, in order (ordinal
-- = i). All casts commit together or, when one raises, none does: the caller then sends
-- each cast on its own, so one bad cast never refuses the others.
create or replace function gz_cast_batch(
  p_ballots integer[], p_sessions text[], p_users integer[], p_voter_codes text[], p_choices jsonb[],
  p_counts integer[], p_matters integer[], p_values text[], p_limit integer, p_window_seconds integer
) returns table (ordinal integer, status text, user_id integer, session_expires timestamptz, code text, receipt text)
language plpgsql as $$
declare
  v_from integer := 1;
  v_n integer;
begin
  for i in 1 .. cardinality(p_ballots) loop
    v_n := p_counts[i];
    return query
      select i, c.status, c.user_id, c.session_expires, c.code, c.receipt
      from gz_cast(p_ballots[i], p_sessions[i], p_users[i], p_voter_codes[i], p_choices[i],
                   p_matters[v_from : v_from + v_n - 1], p_values[v_from : v_from + v_n - 1], null, p_limit, p_window_seconds) c;
    v_from := v_from + v_n;
  end loop;
end $$;

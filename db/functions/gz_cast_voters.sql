-- Who may cast a voter's ballot online, and by what right: the one definition, asked by the
-- ballot page (votersFor) and by the cast itself (gz_cast). Loaded by migrations with
-- "create or replace" (first by 0017); change it here and load it again in a new migration.
--
-- One row per voter this account may cast for, the strongest right first:
-- - owner: a verified owner on the frozen roll who still holds a flat of the voter, or a
--   verified owner of record added to the register during the vote as a co-owner of a flat
--   of the voter that an owner on the roll still holds (co-owners of a flat are one voter);
-- - new_owner: when a flat changes hands during the vote, the vote passes to the new
--   verified owner only when the seller's whole holding (every owner on the roll of that
--   voter) has moved (Beijing practice);
-- - proxy: an account named in a written mandate (授权委托书) that staff recorded, valid
--   while the owner who signed it still holds a flat of the voter.
create or replace function gz_cast_voters(p_ballot integer, p_user integer)
returns table (voter_id integer, cast_right text, mandate text)
language sql stable as $$
  select distinct on (c.id) c.id, c.cast_right, c.mandate
  from (
    select bvo.voter_id as id, 'owner'::text as cast_right, null::text as mandate, 1 as pref
    from owner_verifications ov
    join ballot_voter_owners bvo on bvo.register_owner_id = ov.register_owner_id
    where ov.user_id = p_user and ov.status = 'verified'
      and exists (select 1 from ballot_voter_units bvu join unit_owners uo on uo.unit_id = bvu.unit_id and uo.owner_id = bvo.register_owner_id
                  where bvu.voter_id = bvo.voter_id)
    union all
    select bvu.voter_id, 'owner', null, 1
    from owner_verifications ov
    join unit_owners uo on uo.owner_id = ov.register_owner_id
    join ballot_voter_units bvu on bvu.unit_id = uo.unit_id
    where ov.user_id = p_user and ov.status = 'verified'
      and exists (select 1 from ballot_voter_owners f join unit_owners fo on fo.owner_id = f.register_owner_id and fo.unit_id = bvu.unit_id
                  where f.voter_id = bvu.voter_id)
    union all
    select bvu.voter_id, 'new_owner', null, 2
    from owner_verifications ov
    join unit_owners uo on uo.owner_id = ov.register_owner_id
    join ballot_voter_units bvu on bvu.unit_id = uo.unit_id
    where ov.user_id = p_user and ov.status = 'verified'
      and exists (select 1 from ballot_voter_owners f where f.voter_id = bvu.voter_id)
      and not exists (select 1 from ballot_voter_owners f join ballot_voter_units fu on fu.voter_id = f.voter_id
                      join unit_owners fo on fo.unit_id = fu.unit_id and fo.owner_id = f.register_owner_id
                      where f.voter_id = bvu.voter_id)
    union all
    select bp.voter_id, 'proxy', bp.mandate, 3
    from ballot_proxies bp
    where bp.proxy_user_id = p_user and bp.ballot_id = p_ballot and bp.revoked_at is null
      and exists (select 1 from ballot_voter_units bvu join unit_owners uo on uo.unit_id = bvu.unit_id and uo.owner_id = bp.granted_by_owner_id
                  where bvu.voter_id = bp.voter_id)
  ) c
  join ballot_voters bv on bv.id = c.id and bv.ballot_id = p_ballot and not bv.developer
  join users u on u.id = p_user and u.owner_status_held_since is null and u.disabled_at is null
  order by c.id, c.pref
$$;

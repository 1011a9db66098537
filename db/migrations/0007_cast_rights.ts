import { sql, type Kysely } from 'kysely';

// Frozen once landed. Who may cast a voter's ballot online, by what right, and the hot path
// of a cast in one database call (session included):
// - owner: a verified owner on the frozen roll who still holds a flat of the voter;
// - new_owner: when a flat changes hands during the vote, the vote passes to the new
//   verified owner only when the seller's whole holding (every owner on the roll of that
//   voter) has moved, and only if no ballot cast before the sale stands (Beijing practice);
// - proxy: an account named in a written mandate (授权委托书) that staff recorded, valid
//   while the owner who signed it still holds a flat of the voter.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('ballot_casts')
    .addColumn('cast_right', 'text', (c) =>
      c
        .notNull()
        .defaultTo('owner')
        .check(sql`cast_right in ('owner', 'new_owner', 'proxy', 'staff')`),
    )
    .execute();
  await sql`update ballot_casts set cast_right = 'staff' where channel <> 'online'`.execute(db);

  await db.schema
    .createTable('ballot_proxies')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id'))
    .addColumn('voter_id', 'integer', (c) => c.notNull().references('ballot_voters.id'))
    .addColumn('proxy_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('granted_by_owner_id', 'integer', (c) => c.notNull().references('register_owners.id'))
    .addColumn('mandate', 'text', (c) => c.notNull())
    .addColumn('scan_storage_key', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await sql`create unique index ballot_proxies_one_uq on ballot_proxies (voter_id, proxy_user_id) where revoked_at is null`.execute(db);
  await db.schema.createIndex('ballot_proxies_user_idx').on('ballot_proxies').columns(['proxy_user_id', 'ballot_id']).execute();

  await sql`drop function gz_cast(integer, integer, text, jsonb, integer[], text[], timestamptz, timestamptz, integer, text)`.execute(db);

  // The voters of a ballot this account may cast for, with the right it casts by (one row per
  // voter, the strongest right first). The page that shows the ballot and the cast itself
  // both ask this one function.
  await sql`
    create function gz_cast_voters(p_ballot integer, p_user integer)
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
    $$`.execute(db);

  // The hot path of a cast. Returns one row: status is ok, no_session, not_voter,
  // choose_voter, rate_limited, ballot_stands (a new owner, but a ballot cast before the
  // sale stands) or not_open; session_expires is set when the session's expiry slid (the
  // cookie must follow).
  await sql`
    create function gz_cast(
      p_ballot integer, p_session text, p_user integer, p_voter_code text, p_choices jsonb, p_matters integer[], p_values text[],
      p_now timestamptz, p_window timestamptz, p_limit integer, p_bucket text
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
    begin
      if p_session is not null then
        select s.user_id, s.expires_at, u.disabled_at into v_user, v_expires, v_disabled
        from sessions s join users u on u.id = s.user_id where s.id = p_session;
        if v_user is null then
          return query select 'no_session'::text, null::integer, null::timestamptz, null::text, null::text;
          return;
        end if;
        if v_disabled is not null or v_expires <= p_now then
          delete from sessions where id = p_session;
          return query select 'no_session'::text, null::integer, null::timestamptz, null::text, null::text;
          return;
        end if;
        if v_expires <= p_now + interval '15 days' then
          v_slid := p_now + interval '30 days';
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
      insert into rate_limits (bucket, key, window_start, hits) values (p_bucket, v_user::text, p_window, 1)
      on conflict (bucket, key, window_start) do update set hits = rate_limits.hits + 1
      returning rate_limits.hits into v_hits;
      if v_hits > p_limit then
        return query select 'rate_limited'::text, v_user, v_slid, v_code, null::text;
        return;
      end if;
      if v_right = 'new_owner' and exists (select 1 from ballot_casts bc where bc.voter_id = v_id and bc.cast_right <> 'new_owner') then
        return query select 'ballot_stands'::text, v_user, v_slid, v_code, null::text;
        return;
      end if;
      insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, mandate, choices, cast_at)
      select b.id, v_id, v_user, 'online', v_right, v_mandate, p_choices, p_now from ballots b
      where b.id = p_ballot and b.status = 'open' and b.closes_at > p_now
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
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists gz_cast(integer, text, integer, text, jsonb, integer[], text[], timestamptz, timestamptz, integer, text)`.execute(db);
  await sql`drop function if exists gz_cast_voters(integer, integer)`.execute(db);
  await db.schema.dropTable('ballot_proxies').ifExists().execute();
  await db.schema.alterTable('ballot_casts').dropColumn('cast_right').execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen once landed. Owners' votes (业主共同决定, Civil Code Art. 278): the ballot and its
// matters, the electorate, the roll frozen at opening, every ballot cast (kept as
// evidence, with who cast it), the counted choice per voter and matter (one, by
// constraint), and the published bulletins with their sha256.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ballots')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'integer', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('convener', 'text', (c) => c.notNull().check(sql`convener in ('owners_committee', 'subdistrict', 'residents_committee')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft', 'noticed', 'open', 'closed')`),
    )
    .addColumn('notice_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(15)
        .check(sql`notice_days >= 15`),
    )
    .addColumn('objection_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(7)
        .check(sql`objection_days >= 1`),
    )
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('notice_published_at', 'timestamptz')
    .addColumn('opened_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('ballots_period', sql`closes_at > opens_at`)
    .execute();

  // the electorate: whole estates, or chosen buildings or entrances of them
  await db.schema
    .createTable('ballot_scopes')
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id').onDelete('cascade'))
    .addColumn('estate_id', 'integer', (c) => c.notNull().references('estates.id'))
    .addColumn('building', 'text')
    .addColumn('entrance', 'text')
    .addCheckConstraint('ballot_scopes_entrance_needs_building', sql`entrance is null or building is not null`)
    .execute();

  await db.schema
    .createTable('ballot_matters')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('art278_item', 'smallint', (c) => c.notNull().check(sql`art278_item between 1 and 9`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('major', 'ordinary')`))
    .addUniqueConstraint('ballot_matters_code_uq', ['ballot_id', 'code'])
    .execute();

  await db.schema
    .createTable('ballot_voters')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('area_cm2', 'bigint', (c) => c.notNull().check(sql`area_cm2 > 0`))
    .addColumn('developer', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('receipt', 'text', (c) => c.notNull())
    .addUniqueConstraint('ballot_voters_code_uq', ['ballot_id', 'code'])
    .addUniqueConstraint('ballot_voters_receipt_uq', ['ballot_id', 'receipt'])
    .execute();

  await db.schema
    .createTable('ballot_voter_units')
    .addColumn('voter_id', 'integer', (c) => c.notNull().references('ballot_voters.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('building', 'text', (c) => c.notNull())
    .addColumn('entrance', 'text', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('area_cm2', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ballot_voter_units_pk', ['voter_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('ballot_voter_units_unit_idx').on('ballot_voter_units').column('unit_id').execute();

  await db.schema
    .createTable('ballot_voter_owners')
    .addColumn('voter_id', 'integer', (c) => c.notNull().references('ballot_voters.id').onDelete('cascade'))
    .addColumn('register_owner_id', 'integer', (c) => c.notNull().references('register_owners.id'))
    .addPrimaryKeyConstraint('ballot_voter_owners_pk', ['voter_id', 'register_owner_id'])
    .execute();
  await db.schema.createIndex('ballot_voter_owners_owner_idx').on('ballot_voter_owners').column('register_owner_id').execute();

  // every ballot cast, kept as evidence: who cast it, how, when, with what mandate or scan
  await db.schema
    .createTable('ballot_casts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id'))
    .addColumn('voter_id', 'integer', (c) => c.notNull().references('ballot_voters.id'))
    .addColumn('cast_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'paper', 'proxy', 'developer')`))
    .addColumn('mandate', 'text')
    .addColumn('scan_storage_key', 'text')
    .addColumn('choices', 'jsonb', (c) => c.notNull())
    .addColumn('cast_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('ballot_casts_voter_idx').on('ballot_casts').columns(['ballot_id', 'voter_id']).execute();

  // the counted choice: one per voter and matter, whatever happens
  await db.schema
    .createTable('ballot_choices')
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id'))
    .addColumn('voter_id', 'integer', (c) => c.notNull().references('ballot_voters.id'))
    .addColumn('matter_id', 'integer', (c) => c.notNull().references('ballot_matters.id'))
    .addColumn('choice', 'text', (c) => c.notNull().check(sql`choice in ('agree', 'oppose', 'abstain')`))
    .addColumn('cast_id', 'bigint', (c) => c.notNull().references('ballot_casts.id'))
    .addPrimaryKeyConstraint('ballot_choices_pk', ['voter_id', 'matter_id'])
    .execute();
  await db.schema.createIndex('ballot_choices_ballot_idx').on('ballot_choices').column('ballot_id').execute();

  await db.schema
    .createTable('ballot_bulletins')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('preliminary', 'final')`))
    .addColumn('body', 'text', (c) => c.notNull()) // the exact bytes published, so the sha256 can be checked
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('ballot_bulletins_version_uq', ['ballot_id', 'version'])
    .execute();

  await lockOpenBallots(db);
}

/** Refuses any change to a ballot's matters, electorate or roll once it is open. */
async function lockOpenBallots(db: Kysely<any>): Promise<void> {
  await sql`
    create function gz_ballot_locked() returns trigger language plpgsql as $$
    declare
      row_j jsonb := to_jsonb(coalesce(NEW, OLD));
      bid integer;
    begin
      if TG_TABLE_NAME in ('ballot_voter_units', 'ballot_voter_owners') then
        select ballot_id into bid from ballot_voters where id = (row_j ->> 'voter_id')::integer;
      else
        bid := (row_j ->> 'ballot_id')::integer;
      end if;
      if exists (select 1 from ballots where id = bid and status in ('open', 'closed')) then
        raise exception 'ballot % is open or closed: its matters, electorate and roll cannot change', bid using errcode = 'P0001';
      end if;
      return coalesce(NEW, OLD);
    end $$`.execute(db);
  for (const t of ['ballot_matters', 'ballot_scopes', 'ballot_voters', 'ballot_voter_units', 'ballot_voter_owners']) {
    await sql`create trigger gz_ballot_locked before insert or update or delete on ${sql.table(t)} for each row execute function gz_ballot_locked()`.execute(
      db,
    );
  }
  // the period and notice of an open ballot are fixed too
  await sql`
    create function gz_ballot_period_locked() returns trigger language plpgsql as $$
    begin
      if OLD.status in ('open', 'closed') and (NEW.opens_at, NEW.notice_days, NEW.notice_published_at, NEW.title)
         is distinct from (OLD.opens_at, OLD.notice_days, OLD.notice_published_at, OLD.title) then
        raise exception 'ballot % is open or closed: its notice and period cannot change', OLD.id using errcode = 'P0001';
      end if;
      if OLD.status = 'closed' and NEW.status <> 'closed' then
        raise exception 'ballot % is closed', OLD.id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_ballot_period_locked before update on ballots for each row execute function gz_ballot_period_locked()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_ballot_period_locked on ballots`.execute(db);
  for (const t of [
    'ballot_bulletins',
    'ballot_choices',
    'ballot_casts',
    'ballot_voter_owners',
    'ballot_voter_units',
    'ballot_voters',
    'ballot_matters',
    'ballot_scopes',
    'ballots',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

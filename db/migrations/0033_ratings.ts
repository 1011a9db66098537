import { sql, type Kysely } from 'kysely';

// Frozen once landed. Satisfaction ratings on the ten goals (效果共评). From acceptance
// (stage 4) on, staff open a project's rating: its rating roll of households is frozen from
// the register as a ballot roll is (co-owners linked through shared flats are one household;
// developer-held flats are no household). A household rates each of the ten goals 1–5, once:
// `ratings` is keyed by the household, so a household never has two ratings. Any verified
// owner of the household may revise it until 24:00 (Asia/Shanghai) of the 30th day after its
// first rating; the database enforces that with its own clock. Every version, online or
// entered by staff from a paper questionnaire (with a scan), is kept in `rating_revisions`,
// which is append-only; the roll never changes once frozen.

const GOALS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rating_rolls')
    .addColumn('project_id', 'integer', (c) => c.primaryKey().references('projects.id').onDelete('restrict'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('opened_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('households', 'integer', (c) => c.notNull().check(sql`households >= 0`))
    .execute();

  await db.schema
    .createTable('rating_households')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('rating_rolls.project_id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addUniqueConstraint('rating_households_code_uq', ['project_id', 'code'])
    .addUniqueConstraint('rating_households_project_uq', ['id', 'project_id'])
    .execute();
  await db.schema
    .createTable('rating_household_units')
    .addColumn('household_id', 'integer', (c) => c.notNull().references('rating_households.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rating_household_units_pk', ['household_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('rating_household_units_unit_idx').on('rating_household_units').column('unit_id').execute();
  await db.schema
    .createTable('rating_household_owners')
    .addColumn('household_id', 'integer', (c) => c.notNull().references('rating_households.id'))
    .addColumn('register_owner_id', 'integer', (c) => c.notNull().references('register_owners.id'))
    .addPrimaryKeyConstraint('rating_household_owners_pk', ['household_id', 'register_owner_id'])
    .execute();
  await db.schema.createIndex('rating_household_owners_owner_idx').on('rating_household_owners').column('register_owner_id').execute();

  let ratings = db.schema
    .createTable('ratings')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull())
    // one rating per household of the roll, ever
    .addColumn('household_id', 'integer', (c) => c.notNull().unique())
    .addColumn('first_rated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // set by the database from first_rated_at: 24:00 Asia/Shanghai of the 30th day after it
    .addColumn('revise_until', 'timestamptz', (c) => c.notNull())
    .addColumn('rated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('comment', 'text', (c) => c.check(sql`comment is null or length(comment) between 1 and 500`));
  for (const g of GOALS) ratings = ratings.addColumn(`g${g}`, 'smallint', (c) => c.notNull().check(sql.raw(`g${g} between 1 and 5`)));
  await ratings.addForeignKeyConstraint('ratings_household_fk', ['household_id', 'project_id'], 'rating_households', ['id', 'project_id']).execute();
  await db.schema.createIndex('ratings_project_idx').on('ratings').columns(['project_id', 'first_rated_at']).execute();

  let revisions = db.schema
    .createTable('rating_revisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('rating_id', 'integer', (c) => c.notNull().references('ratings.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('rated_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'paper')`))
    .addColumn('scan_storage_key', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('comment', 'text');
  for (const g of GOALS) revisions = revisions.addColumn(`g${g}`, 'smallint', (c) => c.notNull());
  await revisions
    .addUniqueConstraint('rating_revisions_version_uq', ['rating_id', 'version'])
    .addCheckConstraint('rating_revisions_scan', sql`(channel = 'paper') = (scan_storage_key is not null)`)
    .execute();

  // the roll and the history never change
  await sql`
    create function gz_rating_kept() returns trigger language plpgsql as $$
    begin
      raise exception 'gz_rating: % rows are kept as written', TG_TABLE_NAME using errcode = 'check_violation';
    end $$`.execute(db);
  for (const t of ['rating_rolls', 'rating_households', 'rating_household_units', 'rating_household_owners', 'rating_revisions']) {
    await sql`create trigger gz_rating_kept before update or delete on ${sql.table(t)} for each row execute function gz_rating_kept()`.execute(db);
  }

  await sql`
    create function gz_rating_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_rating: a rating is kept' using errcode = 'check_violation';
      end if;
      if TG_OP = 'INSERT' then
        if NEW.first_rated_at > now() then
          raise exception 'gz_rating: a rating is not dated in the future' using errcode = 'check_violation';
        end if;
        NEW.version := 1;
        NEW.rated_at := NEW.first_rated_at;
        NEW.revise_until := (((NEW.first_rated_at at time zone 'Asia/Shanghai')::date + 31)::timestamp) at time zone 'Asia/Shanghai';
        return NEW;
      end if;
      if (NEW.project_id, NEW.household_id, NEW.first_rated_at, NEW.revise_until) is distinct from (OLD.project_id, OLD.household_id, OLD.first_rated_at, OLD.revise_until) then
        raise exception 'gz_rating: whose rating and since when does not change' using errcode = 'check_violation';
      end if;
      if now() >= OLD.revise_until then
        raise exception 'gz_rating: the time to revise this rating ended at %', OLD.revise_until using errcode = 'check_violation';
      end if;
      if NEW.version <> OLD.version + 1 then
        raise exception 'gz_rating: a revision is version %, not %', OLD.version + 1, NEW.version using errcode = 'check_violation';
      end if;
      NEW.rated_at := now();
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_rating_guard before insert or update or delete on ratings for each row execute function gz_rating_guard()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['rating_revisions', 'ratings', 'rating_household_owners', 'rating_household_units', 'rating_households', 'rating_rolls']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists gz_rating_guard()`.execute(db);
  await sql`drop function if exists gz_rating_kept()`.execute(db);
}

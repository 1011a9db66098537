import { sql, type Kysely } from 'kysely';

// Frozen once landed. History, not overwrite: whatever code path changes a published
// project, the database itself writes the history rows and bumps the disclosure version
// (which invalidates every server's page cache). Bulk loads of new data (the seed) set
// `gongzhi.skip_history = on` for their transaction.

const CHILDREN: [table: string, entity: string][] = [
  ['stage_events', 'stage_event'],
  ['scope_items', 'scope_item'],
  ['budget_lines', 'budget_line'],
  ['project_parties', 'project_party'],
  ['project_estates', 'project_estate'],
  ['documents', 'document'],
  ['fee_schedules', 'fee_schedule'],
];

const PUBLIC_TABLES = [
  'subdistricts',
  'communities',
  'estates',
  'projects',
  'project_estates',
  'stage_events',
  'scope_items',
  'budget_lines',
  'parties',
  'project_parties',
  'documents',
  'fee_schedules',
  'notices',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function gz_bump_disclosure_version() returns trigger language plpgsql as $$
    begin
      update disclosure_version set version = version + 1 where id = 1;
      return null;
    end $$`.execute(db);

  await sql`
    create function gz_record_history() returns trigger language plpgsql as $$
    declare
      entity text := TG_ARGV[0];
      old_j jsonb := case when TG_OP in ('UPDATE', 'DELETE') then to_jsonb(OLD) end;
      new_j jsonb := case when TG_OP in ('UPDATE', 'INSERT') then to_jsonb(NEW) end;
      pid integer;
      eid integer;
      k text;
    begin
      if coalesce(current_setting('gongzhi.skip_history', true), '') = 'on' then
        return null;
      end if;
      if entity = 'project' then
        pid := (coalesce(new_j, old_j) ->> 'id')::integer;
        -- only a project that was public has a public history; publishing is not a change
        if old_j ->> 'published_at' is null then
          return null;
        end if;
      else
        pid := (coalesce(new_j, old_j) ->> 'project_id')::integer;
        if not exists (select 1 from projects where id = pid and published_at is not null) then
          return null;
        end if;
      end if;
      eid := (coalesce(new_j, old_j) ->> 'id')::integer;
      if TG_OP = 'INSERT' then
        insert into disclosure_history (project_id, entity, entity_id, field, old_value, new_value)
        values (pid, entity, eid, 'created', null, (new_j - 'id' - 'project_id')::text);
      elsif TG_OP = 'DELETE' then
        insert into disclosure_history (project_id, entity, entity_id, field, old_value, new_value)
        values (pid, entity, eid, 'deleted', (old_j - 'id' - 'project_id')::text, null);
      else
        for k in select jsonb_object_keys(new_j) loop
          if k not in ('id', 'project_id', 'updated_at') and (old_j -> k) is distinct from (new_j -> k) then
            insert into disclosure_history (project_id, entity, entity_id, field, old_value, new_value)
            values (pid, entity, eid, k, old_j ->> k, new_j ->> k);
          end if;
        end loop;
      end if;
      return null;
    end $$`.execute(db);

  await sql`create trigger gz_history after update or delete on projects for each row execute function gz_record_history('project')`.execute(db);
  for (const [table, entity] of CHILDREN) {
    await sql`create trigger gz_history after insert or update or delete on ${sql.table(table)} for each row execute function gz_record_history(${sql.lit(entity)})`.execute(
      db,
    );
  }
  for (const table of PUBLIC_TABLES) {
    await sql`create trigger gz_version after insert or update or delete on ${sql.table(table)} for each statement execute function gz_bump_disclosure_version()`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of PUBLIC_TABLES) await sql`drop trigger if exists gz_version on ${sql.table(table)}`.execute(db);
  for (const [table] of CHILDREN) await sql`drop trigger if exists gz_history on ${sql.table(table)}`.execute(db);
  await sql`drop trigger if exists gz_history on projects`.execute(db);
  await sql`drop function if exists gz_record_history()`.execute(db);
  await sql`drop function if exists gz_bump_disclosure_version()`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen once landed. Money in integer fen (bigint), area in integer 0.01 m² (bigint).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subdistricts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .execute();

  await db.schema
    .createTable('communities')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'integer', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addUniqueConstraint('communities_subdistrict_name_uq', ['subdistrict_id', 'name'])
    .execute();

  await db.schema
    .createTable('estates')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('communities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('build_year', 'integer', (c) => c.notNull().check(sql`build_year between 1900 and 2100`))
    .addColumn('building_count', 'integer', (c) => c.notNull().check(sql`building_count >= 0`))
    .addColumn('household_count', 'integer', (c) => c.notNull().check(sql`household_count >= 0`))
    .addColumn('floor_area_cm2', 'bigint', (c) => c.notNull().check(sql`floor_area_cm2 >= 0`))
    .addColumn('lat', 'double precision', (c) => c.notNull().check(sql`lat between -90 and 90`))
    .addColumn('lng', 'double precision', (c) => c.notNull().check(sql`lng between -180 and 180`))
    .addColumn('eligibility', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('buildings')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('estate_id', 'integer', (c) => c.notNull().references('estates.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('floors', 'integer')
    .addUniqueConstraint('buildings_estate_label_uq', ['estate_id', 'label'])
    .execute();

  await db.schema
    .createTable('entrances')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('building_id', 'integer', (c) => c.notNull().references('buildings.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addUniqueConstraint('entrances_building_label_uq', ['building_id', 'label'])
    .execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('entrance_id', 'integer', (c) => c.notNull().references('entrances.id').onDelete('cascade'))
    .addColumn('floor', 'integer', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('area_cm2', 'bigint', (c) => c.notNull().check(sql`area_cm2 > 0`))
    .addColumn('area_source', 'text', (c) =>
      c
        .notNull()
        .defaultTo('registered')
        .check(sql`area_source in ('registered', 'surveyed', 'contract')`),
    )
    .addColumn('developer_held', 'boolean', (c) => c.notNull().defaultTo(false))
    .addUniqueConstraint('units_entrance_room_uq', ['entrance_id', 'room'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('subdistrict_id', 'integer', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text')
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('summary_en', 'text')
    .addColumn('batch_year', 'integer', (c) => c.notNull())
    .addColumn('stage', 'smallint', (c) => c.notNull().check(sql`stage between 1 and 6`))
    .addColumn('planned_start', 'date')
    .addColumn('planned_end', 'date')
    .addColumn('households_benefiting', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`households_benefiting >= 0`),
    )
    .addColumn('published_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('projects_subdistrict_idx').on('projects').column('subdistrict_id').execute();
  await db.schema.createIndex('projects_stage_year_idx').on('projects').columns(['stage', 'batch_year']).execute();

  await db.schema
    .createTable('project_estates')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('estate_id', 'integer', (c) => c.notNull().references('estates.id'))
    .addPrimaryKeyConstraint('project_estates_pk', ['project_id', 'estate_id'])
    .execute();
  await db.schema.createIndex('project_estates_estate_idx').on('project_estates').column('estate_id').execute();

  await db.schema
    .createTable('stage_events')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('stage', 'smallint', (c) => c.notNull().check(sql`stage between 1 and 6`))
    .addColumn('entered_on', 'date', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('stage_events_project_idx').on('stage_events').column('project_id').execute();

  await db.schema
    .createTable('scope_items')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity_x100', 'bigint', (c) => c.notNull().check(sql`quantity_x100 >= 0`))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('estimated_cost_fen', 'bigint', (c) => c.notNull().check(sql`estimated_cost_fen >= 0`))
    .execute();
  await db.schema.createIndex('scope_items_project_idx').on('scope_items').column('project_id').execute();

  await db.schema
    .createTable('budget_lines')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('budget_lines_project_idx').on('budget_lines').column('project_id').execute();

  await db.schema
    .createTable('parties')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uscc', 'text', (c) => c.unique())
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .execute();

  await db.schema
    .createTable('project_parties')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('party_id', 'integer', (c) => c.notNull().references('parties.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('design', 'construction', 'supervision', 'property', 'operator')`))
    .addPrimaryKeyConstraint('project_parties_pk', ['project_id', 'party_id', 'role'])
    .execute();

  await db.schema
    .createTable('documents')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('design_drawing', 'plan', 'budget_approval', 'acceptance_report', 'other')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('published_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('documents_project_idx').on('documents').column('project_id').execute();

  await db.schema
    .createTable('fee_schedules')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('before_fen', 'bigint', (c) => c.notNull().check(sql`before_fen >= 0`))
    .addColumn('after_fen', 'bigint', (c) => c.notNull().check(sql`after_fen >= 0`))
    .addColumn('subsidy_fen_per_m2_month', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`subsidy_fen_per_m2_month >= 0`),
    )
    .addColumn('subsidy_months', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`subsidy_months >= 0`),
    )
    .execute();

  await db.schema
    .createTable('notices')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'integer', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notices_published_idx').on('notices').columns(['published_at']).execute();

  await db.schema
    .createTable('disclosure_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer')
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('disclosure_history_project_idx').on('disclosure_history').columns(['project_id', 'changed_at']).execute();

  // Bumped by every publish; page caches of every server instance compare against it.
  await db.schema
    .createTable('disclosure_version')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into disclosure_version (id, version) values (1, 1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'disclosure_version',
    'disclosure_history',
    'notices',
    'fee_schedules',
    'documents',
    'project_parties',
    'parties',
    'budget_lines',
    'scope_items',
    'stage_events',
    'project_estates',
    'projects',
    'units',
    'entrances',
    'buildings',
    'estates',
    'communities',
    'subdistricts',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

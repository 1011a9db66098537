// Runs before the e2e server starts: a fresh embedded database with the demo set and one
// project whose texts try to break out of the page.
import fs from 'node:fs';
import path from 'node:path';
import { openPglite } from '../../../src/lib/db/open.ts';
import { migrateToLatest } from '../../../src/lib/db/migrate.ts';
import { seedDatabase } from '../../../db/seed/seed-database.ts';
import { idKey } from '../../../src/lib/id-key.ts';
import { HOSTILE_CODE, HOSTILE_NOTICE, HOSTILE_TITLE } from './hostile.ts';
import { PAST_RATED_PROJECT, PAST_RATER_PHONE } from './rating-fixture.ts';
import { hashPassword } from '../../../src/features/accounts/password.ts';
import { DEMO_PASSWORD } from '../../../db/seed/demo-accounts.ts';

const dir = path.resolve(process.env.GONGZHI_DATA_DIR ?? '.tmp/e2e-data');
fs.rmSync(dir, { recursive: true, force: true });
const open = await openPglite(dir);
await migrateToLatest(open.db);
await seedDatabase(open, dir, 24, () => {}, idKey());
const sub = await open.db.selectFrom('subdistricts').select('id').where('code', '=', 'mazhuang').executeTakeFirstOrThrow();
const estate = await open.db.selectFrom('estates').select('id').orderBy('id').executeTakeFirstOrThrow();
const p = await open.db
  .insertInto('projects')
  .values({ code: HOSTILE_CODE, subdistrict_id: sub.id, title: HOSTILE_TITLE, summary: HOSTILE_TITLE, batch_year: 2019, stage: 1, published_at: new Date() })
  .returning('id')
  .executeTakeFirstOrThrow();
await open.db.insertInto('project_estates').values({ project_id: p.id, estate_id: estate.id }).execute();
await open.db.insertInto('stage_events').values({ project_id: p.id, stage: 1, entered_on: '2019-05-01' }).execute();
await open.db
  .insertInto('scope_items')
  .values({ project_id: p.id, code: 'services.culture', description: HOSTILE_NOTICE, quantity_x100: 100, unit: '处', estimated_cost_fen: 100 })
  .execute();
await open.db.insertInto('budget_lines').values({ project_id: p.id, channel: 'district', amount_fen: 100 }).execute();
await open.db
  .insertInto('notices')
  .values({ subdistrict_id: sub.id, project_id: p.id, kind: 'other', title: HOSTILE_TITLE, body: HOSTILE_NOTICE, published_at: new Date() })
  .execute();
// a verified owner of the household that rated first (more than 30 days ago) on PAST_RATED_PROJECT
const past = await open.db
  .selectFrom('ratings')
  .innerJoin('projects', 'projects.id', 'ratings.project_id')
  .innerJoin('rating_household_owners', 'rating_household_owners.household_id', 'ratings.household_id')
  .innerJoin('unit_owners', 'unit_owners.owner_id', 'rating_household_owners.register_owner_id')
  .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
  .where('projects.code', '=', PAST_RATED_PROJECT)
  .where('ratings.revise_until', '<', new Date())
  .select(['unit_owners.unit_id', 'unit_owners.owner_id', 'register_owners.name'])
  .orderBy('ratings.first_rated_at')
  .orderBy('unit_owners.owner_id')
  .executeTakeFirstOrThrow();
const rater = await open.db
  .insertInto('users')
  .values({ phone: PAST_RATER_PHONE, display_name: past.name, password_hash: await hashPassword(DEMO_PASSWORD), phone_verified_at: new Date() })
  .returning('id')
  .executeTakeFirstOrThrow();
await open.db
  .insertInto('owner_verifications')
  .values({
    user_id: rater.id,
    unit_id: past.unit_id,
    register_owner_id: past.owner_id,
    status: 'verified',
    method: 'staff',
    claimed_name: past.name,
    decided_at: new Date(),
  })
  .execute();
await open.close();

import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import type { IdKey } from '../../src/lib/id-key.ts';
import type { fileStore } from '../../src/lib/files/storage.ts';

type FileStore = ReturnType<typeof fileStore>;
import { residentIdCheckChar } from '../../src/features/register/id-numbers.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import type { RegisterRow } from '../../src/features/register/model.ts';
import { enterPaperRating, openRating } from '../../src/features/ratings/commands/index.ts';
import { GOALS, RATING_FROM_STAGE, type Scores } from '../../src/features/ratings/core/goals.ts';
import { SURNAMES, GIVEN_NAMES } from './zhanhe.ts';
import { rng } from './random.ts';

// Demo mode only: the finished demo projects (acceptance, stage 4, and later) carry ratings,
// so that /ranking and their project pages show real figures. Each of their estates gets a
// small household register (one building, numbered after the estate's place in the project so that flat labels differ, 2 entrances × 6 floors × 2 flats; every seventh
// flat held by two co-owners), the district office opens the rating 50 days ago (the roll
// frozen from that register by the command staff use), and 55–90% of the households return a
// paper questionnaire, entered by staff with its scan, dated from 45 to 2 days ago (so the
// oldest are past their 30 days to revise). Three projects in acceptance are left unopened,
// without a register: the demo and the e2e stories open them (DEMO_UNOPENED_RATINGS).

export const DEMO_UNOPENED_RATINGS = ['ZH-2021-00010', 'ZH-2021-00022', 'ZH-2023-00016'];
const DAY = 86_400_000;
// a 1×1 PNG: the scan of every demo questionnaire
const SCAN = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function estateRegister(estateId: number, building: string): RegisterRow[] {
  const r = rng(1000 + estateId);
  const rows: RegisterRow[] = [];
  let n = 0;
  const person = () => {
    n++;
    const body = `4104${String(estateId % 100).padStart(2, '0')}${1940 + (n % 50)}${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}${String(100 + n).slice(-3)}`;
    return { name: `${r.pick(SURNAMES)}${r.pick(GIVEN_NAMES)}`, idType: 'resident_id' as const, idNumber: body + residentIdCheckChar(body) };
  };
  let flat = 0;
  for (const entrance of ['1', '2']) {
    for (let floor = 1; floor <= 6; floor++) {
      for (const side of [1, 2]) {
        flat++;
        rows.push({
          line: flat + 1,
          estate: null,
          building,
          entrance,
          floor,
          room: `${floor}0${side}`,
          areaCm2: r.int(5500, 11000),
          areaSource: 'registered',
          owners: flat % 7 === 0 ? [person(), person()] : [person()],
          phone: null,
          developerHeld: false,
        });
      }
    }
  }
  return rows;
}

export async function seedDemoRatings(db: Kysely<Database>, key: IdKey, adminId: number, scans: FileStore, now = new Date()): Promise<number> {
  const projects = await db
    .selectFrom('projects')
    .where('is_demo', '=', true)
    .where('published_at', 'is not', null)
    .where('stage', '>=', RATING_FROM_STAGE)
    .where('code', 'not in', DEMO_UNOPENED_RATINGS)
    .select(['id', 'code'])
    .orderBy('code')
    .execute();
  const scanKey = (await scans.put(SCAN)).key;
  let rated = 0;
  for (const p of projects) {
    const estates = await db.selectFrom('project_estates').select('estate_id').where('project_id', '=', p.id).orderBy('estate_id').execute();
    for (const [k, { estate_id: estateId }] of estates.entries()) {
      const hasFlats = await db
        .selectFrom('units')
        .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
        .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
        .where('buildings.estate_id', '=', estateId)
        .select('units.id')
        .executeTakeFirst();
      if (hasFlats) continue;
      const imp = await db
        .insertInto('register_imports')
        .values({ estate_id: estateId, user_id: adminId, file_name: 'demo-register.xlsx', sha256: 'demo' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await applyImport(db, { estateId, importId: imp.id, actorUserId: adminId, flats: prepareRows(estateRegister(estateId, String(k + 1)), key) });
    }
    const opened = await openRating(db, adminId, { projectId: p.id }, new Date(now.getTime() - 50 * DAY));
    if (!opened.ok) throw new Error(`demo rating of ${p.code}: ${opened.error}`);
    const flats = await db
      .selectFrom('rating_household_units')
      .innerJoin('rating_households', 'rating_households.id', 'rating_household_units.household_id')
      .where('rating_households.project_id', '=', p.id)
      .select(['rating_households.id', 'rating_household_units.label'])
      .orderBy('rating_households.id')
      .orderBy('rating_household_units.label')
      .execute();
    const firstFlat = new Map<number, string>();
    for (const f of flats) if (!firstFlat.has(f.id)) firstFlat.set(f.id, f.label);
    const r = rng(p.id * 31);
    // a project's residents lean one way: its mean somewhere between 2.8 and 4.6
    const lean = 2.8 + r.next() * 1.8;
    const share = 0.55 + r.next() * 0.35;
    const households = [...firstFlat.entries()];
    const rating = households.slice(0, Math.max(1, Math.round(households.length * share)));
    for (const [i, [, flat]] of rating.entries()) {
      const scores = Object.fromEntries(GOALS.map((g) => [`g${g}`, Math.min(5, Math.max(1, Math.round(lean + (r.next() - 0.5) * 2.4)))])) as Scores;
      const at = new Date(now.getTime() - (45 - Math.floor((43 * i) / rating.length)) * DAY);
      const res = await enterPaperRating(db, adminId, { projectId: p.id, flat, scores, comment: null, scanKey }, at);
      if (!res.ok) throw new Error(`demo rating of ${p.code} ${flat}: ${res.error}`);
      rated++;
    }
  }
  return rated;
}

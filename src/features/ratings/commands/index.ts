import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { appendAudit } from '../../audit/service.ts';
import { buildRoll } from '../../ballots/roll.ts';
import { RATING_FROM_STAGE, type Scores } from '../core/goals.ts';
import { householdsFor } from '../queries/index.ts';
import { ratingOpened } from '../../notifications/commands/producers.ts';

type DB = Kysely<Database>;
type Tx = Transaction<Database>;
type Refusal = { ok: false; error: MessageKey; field?: string };
const refuse = (error: MessageKey, field?: string): Refusal => (field ? { ok: false, error, field } : { ok: false, error });
const BATCH = 500;

/** The database's clock (the transaction's start when inside one). */
async function databaseNow(db: DB | Tx): Promise<Date> {
  const res = await sql<{ now: Date }>`select now() as now`.execute(db);
  return new Date(res.rows[0]!.now);
}

/** The flats of a project's estates with their current register owners, as a roll is built from them. */
async function projectElectorate(db: Tx, projectId: number) {
  const units = await db
    .selectFrom('units')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('project_estates', 'project_estates.estate_id', 'buildings.estate_id')
    .where('project_estates.project_id', '=', projectId)
    .select(['units.id', 'units.room', 'units.area_cm2', 'units.developer_held', 'buildings.label as building', 'entrances.label as entrance'])
    .execute();
  const links = units.length
    ? await db
        .selectFrom('unit_owners')
        .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
        .innerJoin('units', 'units.id', 'unit_owners.unit_id')
        .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
        .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
        .innerJoin('project_estates', 'project_estates.estate_id', 'buildings.estate_id')
        .where('project_estates.project_id', '=', projectId)
        .where('register_owners.removed_at', 'is', null)
        .select(['unit_owners.unit_id', 'unit_owners.owner_id', 'register_owners.id_type', 'register_owners.id_hash'])
        .execute()
    : [];
  return { units, links };
}

/**
 * Staff open a project's rating, from acceptance (stage 4) on: the rating roll is frozen from
 * the register as a ballot roll is (buildRoll: owners linked through shared flats are one
 * household; one person across estates is one owner), leaving out developer-held flats and
 * flats without an owner. Once only. One audit entry. `openedAt` stands for the clock (demo data, tests).
 */
export async function openRating(
  db: DB,
  actorUserId: number,
  input: { projectId: number },
  openedAt?: Date,
): Promise<{ ok: true; households: number } | Refusal> {
  return db.transaction().execute(async (trx) => {
    const p = await trx
      .selectFrom('projects')
      .select(['id', 'code', 'title', 'stage', 'published_at'])
      .where('id', '=', input.projectId)
      .forUpdate()
      .executeTakeFirst();
    if (!p || p.published_at === null) return refuse('err.notFound');
    if (p.stage < RATING_FROM_STAGE) return refuse('err.ratingTooEarly');
    const already = await trx.selectFrom('rating_rolls').select('project_id').where('project_id', '=', p.id).executeTakeFirst();
    if (already) return refuse('err.ratingAlreadyOpen');
    const { units, links } = await projectElectorate(trx, p.id);
    const person = (l: (typeof links)[number]) => `${l.id_type}:${l.id_hash}`;
    const rowsOf = new Map<string, Set<number>>();
    for (const l of links) rowsOf.set(person(l), (rowsOf.get(person(l)) ?? new Set()).add(l.owner_id));
    const roll = buildRoll(
      units.map((u) => ({
        unitId: String(u.id),
        building: u.building,
        entrance: u.entrance,
        room: u.room,
        areaCm2: u.area_cm2,
        developerHeld: u.developer_held,
      })),
      links.map((l) => ({ unitId: String(l.unit_id), ownerId: person(l) })),
    );
    const households = roll.voters.filter((v) => !v.developer);
    await trx.insertInto('rating_rolls').values({ project_id: p.id, opened_by: actorUserId, households: households.length, opened_at: openedAt }).execute();
    for (let start = 0; start < households.length; start += BATCH) {
      const part = households.slice(start, start + BATCH);
      const rows = await trx
        .insertInto('rating_households')
        .values(part.map((v) => ({ project_id: p.id, code: v.id })))
        .returning(['id', 'code'])
        .execute();
      const idOf = new Map(rows.map((r) => [r.code, r.id]));
      const hu = part.flatMap((v) =>
        v.units.map((u) => ({ household_id: idOf.get(v.id)!, unit_id: Number(u.unitId), label: `${u.building}-${u.entrance}-${u.room}` })),
      );
      const ho = part.flatMap((v) =>
        v.ownerIds.flatMap((k) => [...(rowsOf.get(k) ?? [])].map((o) => ({ household_id: idOf.get(v.id)!, register_owner_id: o }))),
      );
      if (hu.length) await trx.insertInto('rating_household_units').values(hu).execute();
      if (ho.length) await trx.insertInto('rating_household_owners').values(ho).execute();
    }
    await appendAudit(trx, { actorUserId, action: 'rating.open', target: `project:${p.id}`, detail: { households: households.length } });
    await ratingOpened(trx, p, await databaseNow(trx));
    return { ok: true as const, households: households.length };
  });
}

interface Write {
  projectId: number;
  householdId: number;
  scores: Scores;
  comment: string | null;
  by: number;
  channel: 'online' | 'paper';
  scanKey: string | null;
  now: Date | undefined;
}

const isCheckViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23514';

/** The first rating of a household, or a revision of it while its time to revise lasts; every version kept. */
async function writeRating(trx: Tx, w: Write): Promise<{ ok: true; ratingId: number; version: number; reviseUntil: Date; revised: boolean } | Refusal> {
  const now = w.now ?? (await databaseNow(trx));
  const inserted = await trx
    .insertInto('ratings')
    .values({ project_id: w.projectId, household_id: w.householdId, first_rated_at: now, comment: w.comment, ...w.scores })
    .onConflict((oc) => oc.column('household_id').doNothing())
    .returning(['id', 'version', 'revise_until'])
    .executeTakeFirst();
  let row = inserted;
  if (!row) {
    const current = await trx
      .selectFrom('ratings')
      .select(['id', 'version', 'revise_until'])
      .where('household_id', '=', w.householdId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (now >= current.revise_until) return refuse('err.ratingClosed');
    row = await trx
      .updateTable('ratings')
      .set({ ...w.scores, comment: w.comment, version: current.version + 1 })
      .where('id', '=', current.id)
      .returning(['id', 'version', 'revise_until'])
      .executeTakeFirstOrThrow();
  }
  await trx
    .insertInto('rating_revisions')
    .values({
      rating_id: row.id,
      version: row.version,
      rated_by: w.by,
      channel: w.channel,
      scan_storage_key: w.scanKey,
      comment: w.comment,
      ...w.scores,
      at: inserted ? now : undefined,
    })
    .execute();
  return { ok: true as const, ratingId: row.id, version: row.version, reviseUntil: row.revise_until, revised: !inserted };
}

async function guarded<T>(run: () => Promise<T | Refusal>): Promise<T | Refusal> {
  try {
    return await run();
  } catch (e) {
    // the database's clock says the time to revise is over (gz_rating_guard)
    if (isCheckViolation(e)) return refuse('err.ratingClosed');
    throw e;
  }
}

/**
 * A verified owner rates the ten goals for their household (any owner of it: co-owners share
 * one rating), or revises it until 24:00 Asia/Shanghai of the 30th day after its first rating.
 * `now` stands for the clock of the first rating (tests); the database checks revisions against its own.
 */
export async function rateProject(
  db: DB,
  userId: number,
  input: { projectId: number; householdId: number; scores: Scores; comment: string | null },
  now?: Date,
) {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const mine = await householdsFor(trx, input.projectId, userId);
      if (!mine.some((h) => h.id === input.householdId)) return refuse('err.ratingNotYours');
      return writeRating(trx, { ...input, by: userId, channel: 'online', scanKey: null, now });
    }),
  );
}

/** Staff enter a paper questionnaire for the household of a flat, with its scan; a first rating or a revision under the same rules; audited. */
export async function enterPaperRating(
  db: DB,
  actorUserId: number,
  input: { projectId: number; flat: string; scores: Scores; comment: string | null; scanKey: string },
  now?: Date,
) {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const roll = await trx.selectFrom('rating_rolls').select('project_id').where('project_id', '=', input.projectId).executeTakeFirst();
      if (!roll) return refuse('err.ratingNotOpen');
      const h = await trx
        .selectFrom('rating_household_units')
        .innerJoin('rating_households', 'rating_households.id', 'rating_household_units.household_id')
        .where('rating_households.project_id', '=', input.projectId)
        .where('rating_household_units.label', '=', input.flat)
        .select(['rating_households.id', 'rating_households.code'])
        .executeTakeFirst();
      if (!h) return refuse('err.ratingNoSuchFlat', 'flat');
      const r = await writeRating(trx, {
        projectId: input.projectId,
        householdId: h.id,
        scores: input.scores,
        comment: input.comment,
        by: actorUserId,
        channel: 'paper',
        scanKey: input.scanKey,
        now,
      });
      if (!r.ok) return r;
      await appendAudit(trx, {
        actorUserId,
        action: 'rating.paper',
        target: `project:${input.projectId}`,
        detail: { household: h.code, version: r.version },
      });
      return r;
    }),
  );
}

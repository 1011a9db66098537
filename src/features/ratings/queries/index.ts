import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { GOALS, type Goal, type Scores } from '../core/goals.ts';
import { ratioHalfUp2 } from '../core/decimal.ts';

type DB = Kysely<Database>;

export interface GoalSummary {
  goal: Goal;
  count: number;
  /** exact mean rounded half up to 2 decimals; null when nobody rated */
  mean: string | null;
  /** how many rated 1, 2, 3, 4, 5 */
  distribution: [number, number, number, number, number];
}
export interface RatingSummary {
  open: boolean;
  openedAt: Date | null;
  households: number;
  responses: number;
  goals: GoalSummary[];
}

/**
 * Per goal the count, the mean and the distribution of the current ratings of a project, from
 * the counts the database keeps as ratings are written (rating_tallies, migration 0048: one
 * row, whatever the number of households); the mean exact from Σ score × count. Before its
 * rating opens, zero counts.
 */
export async function ratingSummary(db: DB, projectId: number): Promise<RatingSummary> {
  const row = await db
    .selectFrom('rating_rolls')
    .leftJoin('rating_tallies', 'rating_tallies.project_id', 'rating_rolls.project_id')
    .select(['rating_rolls.households', 'rating_rolls.opened_at', 'rating_tallies.responses', 'rating_tallies.counts'])
    .where('rating_rolls.project_id', '=', projectId)
    .executeTakeFirst();
  const counts = row?.counts?.map(Number) ?? new Array<number>(50).fill(0);
  const goals = GOALS.map((g): GoalSummary => {
    const distribution = [1, 2, 3, 4, 5].map((s) => counts[(g - 1) * 5 + s - 1]!) as GoalSummary['distribution'];
    const n = distribution.reduce((a, b) => a + b, 0);
    const sum = distribution.reduce((a, c, i) => a + BigInt(c) * BigInt(i + 1), 0n);
    return { goal: g, count: n, mean: n > 0 ? ratioHalfUp2(sum, BigInt(n)) : null, distribution };
  });
  return { open: !!row, openedAt: row?.opened_at ?? null, households: row?.households ?? 0, responses: row?.responses ?? 0, goals };
}

/**
 * The households of a project's rating roll this account may rate for: a verified owner on the
 * frozen roll who still holds a flat of the household; a verified owner of record of a flat of
 * the household that an owner on the roll still holds (a co-owner added later); or a verified
 * owner of record of a flat of the household once every owner on the roll has sold (the
 * whole holding moved). The owner rights of gz_cast_voters, for ratings; never for an account
 * whose owner status is held or that is disabled.
 */
export async function householdsFor(db: DB | Kysely<Database>, projectId: number, userId: number) {
  const res = await sql<{ id: number; code: string }>`
    select distinct h.id, h.code from (
      select rho.household_id as id
      from owner_verifications ov
      join rating_household_owners rho on rho.register_owner_id = ov.register_owner_id
      where ov.user_id = ${userId} and ov.status = 'verified'
        and exists (select 1 from rating_household_units hu join unit_owners uo on uo.unit_id = hu.unit_id and uo.owner_id = rho.register_owner_id
                    where hu.household_id = rho.household_id)
      union all
      select hu.household_id
      from owner_verifications ov
      join unit_owners uo on uo.owner_id = ov.register_owner_id
      join rating_household_units hu on hu.unit_id = uo.unit_id
      where ov.user_id = ${userId} and ov.status = 'verified'
        and (exists (select 1 from rating_household_owners f join unit_owners fo on fo.owner_id = f.register_owner_id and fo.unit_id = hu.unit_id
                     where f.household_id = hu.household_id)
          or not exists (select 1 from rating_household_owners f join rating_household_units fu on fu.household_id = f.household_id
                         join unit_owners fo on fo.unit_id = fu.unit_id and fo.owner_id = f.register_owner_id
                         where f.household_id = hu.household_id))
    ) c
    join rating_households h on h.id = c.id and h.project_id = ${projectId}
    join users u on u.id = ${userId} and u.owner_status_held_since is null and u.disabled_at is null
    order by h.code`.execute(db);
  return res.rows.map((r) => ({ id: Number(r.id), code: r.code }));
}

export interface HouseholdRating {
  householdId: number;
  code: string;
  flats: string[];
  rating: { scores: Scores; comment: string | null; version: number; firstRatedAt: Date; reviseUntil: Date; ratedAt: Date } | null;
}

/** What the account's households rated (or not yet), for the rating form. */
export async function myHouseholdRatings(db: DB, projectId: number, userId: number): Promise<HouseholdRating[]> {
  const hs = await householdsFor(db, projectId, userId);
  if (hs.length === 0) return [];
  const ids = hs.map((h) => h.id);
  const flats = await db.selectFrom('rating_household_units').select(['household_id', 'label']).where('household_id', 'in', ids).orderBy('label').execute();
  const ratings = await db.selectFrom('ratings').selectAll().where('household_id', 'in', ids).execute();
  return hs.map((h) => {
    const r = ratings.find((x) => x.household_id === h.id);
    return {
      householdId: h.id,
      code: h.code,
      flats: flats.filter((f) => f.household_id === h.id).map((f) => f.label),
      rating: r
        ? {
            scores: Object.fromEntries(GOALS.map((g) => [`g${g}`, r[`g${g}`]])) as Scores,
            comment: r.comment,
            version: r.version,
            firstRatedAt: r.first_rated_at,
            reviseUntil: r.revise_until,
            ratedAt: r.rated_at,
          }
        : null,
    };
  });
}

/** A published project by code, for the rating pages and ratings.json. */
export function publishedProject(db: DB, code: string) {
  if (!/^[A-Za-z0-9-]{1,40}$/.test(code)) return Promise.resolve(undefined);
  return db
    .selectFrom('projects')
    .select(['id', 'code', 'title', 'title_en', 'stage', 'subdistrict_id'])
    .where('code', '=', code)
    .where('published_at', 'is not', null)
    .executeTakeFirst();
}

/** Paper questionnaires and comments of a project, for its office (newest first). */
export async function officeRatings(db: DB, projectId: number) {
  return db
    .selectFrom('rating_revisions')
    .innerJoin('ratings', 'ratings.id', 'rating_revisions.rating_id')
    .innerJoin('rating_households', 'rating_households.id', 'ratings.household_id')
    .where('ratings.project_id', '=', projectId)
    .select([
      'rating_revisions.id',
      'rating_households.code',
      'rating_revisions.version',
      'rating_revisions.channel',
      'rating_revisions.at',
      'rating_revisions.comment',
    ])
    .orderBy('rating_revisions.id', 'desc')
    .limit(200)
    .execute();
}

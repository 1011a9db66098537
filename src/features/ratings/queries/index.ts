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

export interface RatingComment {
  ratingId: number;
  version: number;
  householdId: number;
  body: string;
  at: Date;
  channel: 'online' | 'paper';
  /** the display name of the owner who wrote it online (never a phone number); null on paper or for a closed account */
  authorName: string | null;
  /** the building of the household's first flat, as frozen on the roll */
  building: string | null;
  /** null: shown; 'reports': hidden until staff review it; 'staff': hidden by staff */
  hidden: 'staff' | 'reports' | null;
  /** the staff's reason, for staff pages and the household's own page */
  hiddenReason: string | null;
}

/**
 * The comment of each household's current version on a project's rating, newest first: for
 * everyone the shown ones only, for its office the hidden ones too. Comments written before
 * comments were public (migration 0056) are never listed.
 */
export async function ratingComments(db: DB, projectId: number, opts: { withHidden: boolean; limit?: number }): Promise<RatingComment[]> {
  let q = db
    .selectFrom('ratings')
    .innerJoin('rating_revisions as v', (j) => j.onRef('v.rating_id', '=', 'ratings.id').onRef('v.version', '=', 'ratings.version'))
    .innerJoin('rating_comments_public_since as p', (j) => j.on('p.id', '=', 1))
    .leftJoin('rating_comment_states as s', (j) => j.onRef('s.rating_id', '=', 'v.rating_id').onRef('s.version', '=', 'v.version'))
    .leftJoin('users', 'users.id', 'v.rated_by')
    .select([
      'ratings.id',
      'ratings.version',
      'ratings.household_id',
      'v.comment',
      'v.at',
      'v.channel',
      'users.display_name',
      's.hide_kind',
      's.hidden_reason',
      sql<string | null>`(select b.label from rating_household_units hu join units u on u.id = hu.unit_id join entrances e on e.id = u.entrance_id
                          join buildings b on b.id = e.building_id where hu.household_id = ratings.household_id order by hu.label limit 1)`.as('building'),
    ])
    .where('ratings.project_id', '=', projectId)
    .where('v.comment', 'is not', null)
    .whereRef('v.id', '>', 'p.after_revision_id');
  if (!opts.withHidden) q = q.where('s.hidden_at', 'is', null);
  const rows = await q
    .orderBy('v.at', 'desc')
    .orderBy('ratings.id', 'desc')
    .limit(opts.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    ratingId: r.id,
    version: r.version,
    householdId: r.household_id,
    body: r.comment!,
    at: r.at,
    channel: r.channel,
    authorName: r.channel === 'online' ? r.display_name : null,
    building: r.building,
    hidden: r.hide_kind ?? null,
    hiddenReason: r.hidden_reason,
  }));
}

/** The moderation of the current version's comment of some households: what their own page says when it is hidden. */
export async function householdCommentStates(db: DB, householdIds: number[]) {
  if (householdIds.length === 0) return new Map<number, { hidden: 'staff' | 'reports'; reason: string | null }>();
  const rows = await db
    .selectFrom('ratings')
    .innerJoin('rating_comment_states as s', (j) => j.onRef('s.rating_id', '=', 'ratings.id').onRef('s.version', '=', 'ratings.version'))
    .select(['ratings.household_id', 's.hide_kind', 's.hidden_reason'])
    .where('ratings.household_id', 'in', householdIds)
    .where('s.hidden_at', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.household_id, { hidden: r.hide_kind!, reason: r.hidden_reason }]));
}

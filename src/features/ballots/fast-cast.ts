import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../../lib/db/schema.ts';
import { pgPoolOf } from '../../lib/db/open.ts';
import type { Choice } from './cast.ts';
import type { MessageKey } from '../../i18n/index.ts';

// The hot path of a vote: an owner casts every matter in one request, one round trip to
// the database (after the first cast of a ballot, whose matter ids are then cached).

type DB = Kysely<Database>;

// Matters cannot change once a ballot is open (database trigger), so they can be cached.
const matterIds = new Map<number, Map<string, number>>();

async function mattersOf(db: DB, ballotId: number): Promise<Map<string, number>> {
  const hit = matterIds.get(ballotId);
  if (hit) return hit;
  const rows = await db
    .selectFrom('ballot_matters')
    .innerJoin('ballots', 'ballots.id', 'ballot_matters.ballot_id')
    .where('ballot_id', '=', ballotId)
    .select(['ballot_matters.id', 'ballot_matters.code', 'ballots.status'])
    .execute();
  const map = new Map(rows.map((r) => [r.code, r.id]));
  if (rows.some((r) => r.status === 'open' || r.status === 'closed')) matterIds.set(ballotId, map);
  return map;
}

export type CastResult =
  { ok: true; receipt: string; voter: string; sessionExpires: Date | null } | { ok: false; error: MessageKey; sessionExpires?: Date; userId?: number };

/** At most 30 casts by one person for one household in any 60 seconds (counted from the casts themselves). */
export const CAST_LIMIT = { max: 30, windowSeconds: 60 };

const ERRORS: Record<string, MessageKey> = {
  no_session: 'err.signInFirst',
  not_voter: 'err.notAVoter',
  choose_voter: 'err.chooseVoter',
  rate_limited: 'err.rateLimited',
  ballot_stands: 'err.ballotStands',
  not_open: 'err.ballotNotOpen',
};

type CastRow = { status: string; user_id: number | null; session_expires: Date | null; code: string | null; receipt: string | null };

// One text for both ways of sending it: on a PostgreSQL pool, as a named prepared statement
// (each connection parses and plans it once, not on every cast, and Kysely compiles
// nothing); inside a transaction or on PGlite, through Kysely as it is.
const CAST_SQL =
  'select * from gz_cast($1::integer, $2::text, $3::integer, $4::text, $5::jsonb, $6::integer[], $7::text[], $8::timestamptz, $9::integer, $10::integer)';
const BATCH_SQL =
  'select * from gz_cast_batch($1::integer[], $2::text[], $3::integer[], $4::text[], $5::jsonb[], $6::integer[], $7::integer[], $8::text[], $9::integer, $10::integer)';

/**
 * Group commit at the peak of a vote. On a PostgreSQL pool, casts go to the database on at most
 * CAST_STREAMS connections at once; the casts that arrive while those are busy (and those
 * that arrive in the same turn of the event loop) go together in the next call, as one
 * gz_cast_batch (db/functions/gz_cast_batch.sql: gz_cast once per cast, one commit). A quiet
 * vote sends every cast alone, as before; a busy one saves a round trip, a statement and a
 * commit on most casts, which is most of a cast's cost. Each caller still hears back only
 * after the commit. When the batch fails in the database (one cast raised, a deadlock
 * between two batches), nothing of it was committed and every cast is sent again on its
 * own; when the connection fails, nobody can know, and every caller gets the error, as a
 * lone cast would.
 */
export const CAST_BATCH = { streams: 4, max: 32 };

type Pending = { values: unknown[]; resolve: (row: CastRow) => void; reject: (error: unknown) => void };

class CastBatcher {
  private queue: Pending[] = [];
  private busy = 0;
  private scheduled = false;
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  cast(values: unknown[]): Promise<CastRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ values, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.busy >= CAST_BATCH.streams || this.queue.length === 0) return;
    this.scheduled = true;
    // the casts that arrive in this turn of the event loop go together
    setImmediate(() => {
      this.scheduled = false;
      while (this.busy < CAST_BATCH.streams && this.queue.length > 0) void this.send(this.queue.splice(0, CAST_BATCH.max));
    });
  }

  private async send(batch: Pending[]): Promise<void> {
    this.busy++;
    try {
      if (batch.length === 1) await this.alone(batch[0]!);
      else await this.together(batch);
    } finally {
      this.busy--;
      this.schedule();
    }
  }

  private async alone(p: Pending): Promise<void> {
    try {
      p.resolve((await this.pool.query<CastRow>({ name: 'gz_cast', text: CAST_SQL, values: p.values })).rows[0]!);
    } catch (error) {
      p.reject(error);
    }
  }

  private async together(batch: Pending[]): Promise<void> {
    const column = (k: number) => batch.map((p) => p.values[k]);
    const matters = batch.map((p) => p.values[5] as number[]);
    let rows: (CastRow & { ordinal: number })[];
    try {
      rows = (
        await this.pool.query<CastRow & { ordinal: number }>({
          name: 'gz_cast_batch',
          text: BATCH_SQL,
          values: [
            column(0),
            column(1),
            column(2),
            column(3),
            column(4),
            matters.map((m) => m.length),
            matters.flat(),
            batch.flatMap((p) => p.values[6] as string[]),
            batch[0]!.values[8],
            batch[0]!.values[9],
          ],
        })
      ).rows;
    } catch (error) {
      // an error the database answered (it has a SQLSTATE) rolled the whole batch back: each
      // cast goes again on its own; any other (a lost connection) may have come after the commit
      if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
        await Promise.all(batch.map((p) => this.alone(p)));
      } else for (const p of batch) p.reject(error);
      return;
    }
    for (const r of rows) batch[r.ordinal - 1]!.resolve(r);
    // gz_cast answers one row a cast; should a row be missing, its caller must not wait forever
    for (const p of batch) p.reject(new Error('gz_cast_batch: a cast without an answer'));
  }
}

const batchers = new WeakMap<pg.Pool, CastBatcher>();

async function callGzCast(db: DB, values: unknown[]): Promise<CastRow> {
  const pool = pgPoolOf(db);
  // a cast at a given time (tests that travel in time) keeps its own call
  if (pool && values[7] === null) {
    let batcher = batchers.get(pool);
    if (!batcher) batchers.set(pool, (batcher = new CastBatcher(pool)));
    return batcher.cast(values);
  }
  if (pool) return (await pool.query<CastRow>({ name: 'gz_cast', text: CAST_SQL, values })).rows[0]!;
  return (await db.executeQuery(CompiledQuery.raw(CAST_SQL, values))).rows[0] as CastRow;
}

/** Who casts: a signed-in user, or a session id (its validation then happens in the same call). */
export type Caster = { userId: number } | { sessionId: string };

/**
 * One call of the gz_cast database function (migrations 0007, 0009, 0010): validates the session when
 * given one, finds the voter this person may cast for and by what right (owner still
 * holding a flat, new owner of a whole holding, recorded proxy), checks the
 * person's rate limit for that household, checks the ballot is open, keeps the cast as evidence and upserts the
 * counted choices.
 */
/** `now` is for tests that travel in time; otherwise the database's clock decides (cast time, open check). */
export async function castOnline(
  db: DB,
  input: Caster & { ballotId: number; voterCode?: string; choices: Record<string, Choice> },
  now?: Date,
): Promise<CastResult> {
  const matters = await mattersOf(db, input.ballotId);
  const entries = Object.entries(input.choices);
  if (entries.length !== matters.size || entries.some(([code]) => !matters.has(code))) return { ok: false, error: 'err.everyMatter' };
  entries.sort(([a], [b]) => matters.get(a)! - matters.get(b)!); // rows in one order, whatever order the client sent
  const sessionId = 'sessionId' in input ? input.sessionId : null;
  const userId = 'userId' in input ? input.userId : null;
  const r = await callGzCast(db, [
    input.ballotId,
    sessionId,
    userId,
    input.voterCode ?? null,
    JSON.stringify(input.choices),
    entries.map(([code]) => matters.get(code)!),
    entries.map(([, choice]) => choice),
    now ?? null,
    CAST_LIMIT.max,
    CAST_LIMIT.windowSeconds,
  ]);
  if (r.status === 'ok') return { ok: true, receipt: r.receipt!, voter: r.code!, sessionExpires: r.session_expires };
  const error = ERRORS[r.status] ?? 'err.ballotNotOpen';
  return {
    ok: false,
    error,
    ...(r.session_expires ? { sessionExpires: r.session_expires } : {}),
    // who was refused, when a session named them (the caller may count refusals per person)
    ...('sessionId' in input && r.user_id !== null ? { userId: r.user_id } : {}),
  };
}

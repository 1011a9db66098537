import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { appendAudit } from '../../audit/service.ts';
import { householdsFor } from '../queries/index.ts';

// The moderation of rating comments, under the rules of consultation comments: one report per
// person; three distinct verified owners hide a comment until staff review it (the database
// counts, migration 0056); staff hide with a reason the household sees, or restore; every
// staff act audited. A comment is one revision's (rating id, version): the form names the
// version it showed, and a comment revised since is not the one it meant.

type DB = Kysely<Database>;
type Refusal = { ok: false; error: MessageKey };
const refuse = (error: MessageKey): Refusal => ({ ok: false, error });

export interface RevisionRef {
  projectId: number;
  ratingId: number;
  version: number;
}

/** The revision's comment on the project the form names, locked for the act: its current version, author and state. */
async function revisionOf(trx: Transaction<Database>, ref: RevisionRef) {
  const r = await trx
    .selectFrom('ratings')
    .innerJoin('rating_revisions', (j) => j.onRef('rating_revisions.rating_id', '=', 'ratings.id').onRef('rating_revisions.version', '=', 'ratings.version'))
    .select(['ratings.id', 'ratings.version', 'ratings.household_id', 'rating_revisions.comment', 'rating_revisions.rated_by'])
    .where('ratings.id', '=', ref.ratingId)
    .where('ratings.project_id', '=', ref.projectId)
    .forUpdate('ratings')
    .executeTakeFirst();
  if (!r || r.comment === null) return null;
  return r;
}

async function stateOf(trx: Transaction<Database>, ref: RevisionRef) {
  await trx
    .insertInto('rating_comment_states')
    .values({ rating_id: ref.ratingId, version: ref.version, project_id: ref.projectId })
    .onConflict((oc) => oc.columns(['rating_id', 'version']).doNothing())
    .execute();
  return trx
    .selectFrom('rating_comment_states')
    .select(['hidden_at', 'hide_kind'])
    .where('rating_id', '=', ref.ratingId)
    .where('version', '=', ref.version)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** A signed-in person reports the comment of a rating's current version (once); not their own household's. */
export async function reportRatingComment(
  db: DB,
  userId: number,
  input: RevisionRef,
): Promise<{ ok: true; hidden: boolean; already: boolean; projectId: number } | Refusal> {
  return db.transaction().execute(async (trx) => {
    const r = await revisionOf(trx, input);
    if (!r) return refuse('err.notFound');
    if (r.version !== input.version) return refuse('err.ratingCommentChanged');
    if (r.rated_by === userId || (await householdsFor(trx, input.projectId, userId)).some((h) => h.id === r.household_id))
      return refuse('err.consultReportOwn');
    const ins = await trx
      .insertInto('rating_comment_reports')
      .values({ rating_id: r.id, version: r.version, reporter_user_id: userId })
      .onConflict((oc) => oc.columns(['rating_id', 'version', 'reporter_user_id']).doNothing())
      .returning('rating_id')
      .executeTakeFirst();
    const st = await trx
      .selectFrom('rating_comment_states')
      .select('hidden_at')
      .where('rating_id', '=', r.id)
      .where('version', '=', r.version)
      .executeTakeFirst();
    return { ok: true as const, hidden: !!st?.hidden_at, already: !ins, projectId: input.projectId };
  });
}

/** Staff hide the comment of a rating's current version with a reason its household sees (also: keep an auto-hidden one hidden); audited. */
export async function hideRatingComment(
  db: DB,
  actorUserId: number,
  input: RevisionRef & { reason: string },
): Promise<{ ok: true; projectId: number } | Refusal> {
  return db.transaction().execute(async (trx) => {
    const r = await revisionOf(trx, input);
    if (!r) return refuse('err.notFound');
    if (r.version !== input.version) return refuse('err.ratingCommentChanged');
    const st = await stateOf(trx, input);
    if (st.hide_kind === 'staff') return refuse('err.consultAlreadyHidden');
    await trx
      .updateTable('rating_comment_states')
      .set({ hidden_at: sql`coalesce(hidden_at, now())`, hide_kind: 'staff', hidden_by: actorUserId, hidden_reason: input.reason, reviewed_at: sql`now()` })
      .where('rating_id', '=', r.id)
      .where('version', '=', r.version)
      .execute();
    await trx
      .insertInto('rating_comment_moderation')
      .values({ rating_id: r.id, version: r.version, action: 'hide', reason: input.reason, actor_user_id: actorUserId })
      .execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'rating.commentHide',
      target: `rating:${r.id}`,
      detail: { projectId: input.projectId, version: r.version, reason: input.reason },
    });
    return { ok: true as const, projectId: input.projectId };
  });
}

/** Staff restore a hidden comment (hidden by them or by reports): reports before this review no longer count; audited. */
export async function restoreRatingComment(db: DB, actorUserId: number, input: RevisionRef): Promise<{ ok: true; projectId: number } | Refusal> {
  return db.transaction().execute(async (trx) => {
    const r = await revisionOf(trx, input);
    if (!r) return refuse('err.notFound');
    if (r.version !== input.version) return refuse('err.ratingCommentChanged');
    const st = await stateOf(trx, input);
    if (!st.hidden_at) return refuse('err.consultNotHidden');
    await trx
      .updateTable('rating_comment_states')
      .set({ hidden_at: null, hide_kind: null, hidden_by: null, hidden_reason: null, reviewed_at: sql`now()` })
      .where('rating_id', '=', r.id)
      .where('version', '=', r.version)
      .execute();
    await trx.insertInto('rating_comment_moderation').values({ rating_id: r.id, version: r.version, action: 'restore', actor_user_id: actorUserId }).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'rating.commentRestore',
      target: `rating:${r.id}`,
      detail: { projectId: input.projectId, version: r.version },
    });
    return { ok: true as const, projectId: input.projectId };
  });
}

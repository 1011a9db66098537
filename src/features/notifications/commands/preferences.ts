import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { defaultChoice, type Choice, type NotificationKind } from '../core/kinds.ts';

type DB = Kysely<Database>;

/**
 * Saves a person's choices per kind. A choice equal to the kind's default is stored as no row,
 * so a later change of a default reaches everyone who never chose.
 */
export async function setPreferences(db: DB, userId: number, choices: Partial<Record<NotificationKind, Choice>>) {
  const entries = Object.entries(choices) as [NotificationKind, Choice][];
  await db.transaction().execute(async (trx) => {
    for (const [kind, choice] of entries) {
      if (choice === defaultChoice(kind)) {
        await trx.deleteFrom('notification_prefs').where('user_id', '=', userId).where('kind', '=', kind).execute();
      } else {
        await trx
          .insertInto('notification_prefs')
          .values({ user_id: userId, kind, choice })
          .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ choice, updated_at: sql`now()` }))
          .execute();
      }
    }
  });
  return { ok: true as const };
}

/** Marks one in-app message of the person read, or all of them when `id` is null. */
export async function markRead(db: DB, userId: number, id: number | null, now = new Date()) {
  let q = db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('channel', '=', 'inapp')
    .where('state', '=', 'sent')
    .where('read_at', 'is', null);
  if (id !== null) q = q.where('id', '=', id);
  const res = await q.executeTakeFirst();
  return { ok: true as const, marked: Number(res.numUpdatedRows) };
}

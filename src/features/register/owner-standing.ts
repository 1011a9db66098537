import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

/**
 * Where an account stands as an owner: how many of its flats are verified, held for staff
 * review (an automatic verification made on a name and an ID number alone, before
 * migration 0014) or waiting for staff. The ballot page says why someone cannot vote.
 */
export async function ownerStanding(db: Kysely<Database>, userId: number): Promise<{ verified: number; review: number; pending: number }> {
  const rows = await db.selectFrom('owner_verifications').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', '=', userId).where('status', 'in', ['verified', 'review', 'pending']).groupBy('status').execute();
  const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { verified: n('verified'), review: n('review'), pending: n('pending') };
}

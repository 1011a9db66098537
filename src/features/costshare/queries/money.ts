import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';

// Residents' money received through cost-share schemes: every payment recorded on a pledge,
// less every refund of one, per project. This is what the budget disclosure, the project
// JSON, OC4IDS and the CSV show as received against the planned 居民合理分摊 line.

/** Received fen per project (only projects with a payment appear); null: every project. */
export async function receivedPledgeMoney(db: Kysely<Database>, projectIds: number[] | null): Promise<Map<number, number>> {
  if (projectIds && projectIds.length === 0) return new Map();
  const { rows } = await sql<{ project_id: number; fen: string }>`
    select s.project_id, sum(pay.amount_fen - coalesce(r.amount_fen, 0)) as fen
    from cost_payments pay
    join cost_pledges p on p.id = pay.pledge_id
    join cost_schemes s on s.id = p.scheme_id
    left join cost_refunds r on r.payment_id = pay.id
    ${projectIds ? sql`where s.project_id in (${sql.join(projectIds)})` : sql``}
    group by s.project_id`.execute(db);
  return new Map(rows.map((r) => [Number(r.project_id), Number(r.fen)]));
}

/** The same sum for a project list query: a correlated subquery on projects.id. */
export const receivedPledgeFenSql = sql<string>`(
  select coalesce(sum(pay.amount_fen - coalesce(r.amount_fen, 0)), 0)
  from cost_payments pay
  join cost_pledges p on p.id = pay.pledge_id
  join cost_schemes s on s.id = p.scheme_id
  left join cost_refunds r on r.payment_id = pay.id
  where s.project_id = projects.id)`;

import { sql, type RawBuilder } from 'kysely';

type Operand = number | RawBuilder<unknown>;

/**
 * SQL: the register owner still holds (in the current register) a flat of the roll's voter —
 * the test gz_cast_voters applies (migration 0007) before an owner on a frozen roll may cast
 * or a mandate they signed may be used. Pass ids, or `sql.ref('alias.column')`.
 */
export const holdsFlatOf = (voter: Operand, owner: Operand) =>
  sql<boolean>`exists (select 1 from ballot_voter_units hv join unit_owners ho on ho.unit_id = hv.unit_id and ho.owner_id = ${owner} where hv.voter_id = ${voter})`;

import { db } from '../lib/db/index.ts';
import { can, type Resource, type Verb } from '../features/policy/can.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

type DB = Awaited<ReturnType<typeof db>>;

/**
 * The refusals before a command, in their order: 401 signed out, 404 when the record the form
 * names does not exist, 403 without the right. `find` looks the record up; `asResource` says
 * what `can` judges (the record itself by default; a person's own act passes `{ userId }`).
 */
export async function authorise<R extends Resource>(
  user: SessionUser | null,
  verb: Verb,
  find: (database: DB) => Promise<R | null>,
  asResource: (where: R, user: SessionUser) => Resource = (where) => where,
): Promise<{ database: DB; user: SessionUser; where: R }> {
  if (!user) throw signedOut();
  const database = await db();
  const where = await find(database);
  if (!where) throw notFound();
  if (!can(user, verb, asResource(where, user))) throw forbidden();
  return { database, user, where };
}

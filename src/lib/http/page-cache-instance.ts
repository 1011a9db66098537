import { createPageCache } from './page-cache.ts';
import { db } from '../db/index.ts';

/** This process's page cache; a publish here invalidates it at once, elsewhere within a second. */
export const pageCache = createPageCache(async () => {
  const row = await (await db()).selectFrom('disclosure_version').select('version').executeTakeFirst();
  return Number(row?.version ?? 0);
});

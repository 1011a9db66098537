import { createPageCache } from './page-cache.ts';
import { databaseVersions } from './page-cache-db.ts';
import { db } from '../db/index.ts';

/**
 * This process's page cache. A publish here invalidates it at once (`invalidate`), a change
 * to one project's pages only that project's entries (`invalidateProject`); other instances
 * see either within a second, from the disclosure version and the tag versions (migration 0029).
 */
export const pageCache = createPageCache(databaseVersions(db));

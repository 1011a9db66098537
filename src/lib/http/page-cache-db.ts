import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { FUNDS_TAG, projectTag, type CacheVersionSource } from './page-cache.ts';

/**
 * The page cache's versions in the database: the disclosure version (bumped by every
 * publish) and the tags touched since the highest version this instance has seen
 * (migration 0029 hands tag versions out in commit order, so none is skipped).
 */
export function databaseVersions(database: () => Promise<Kysely<Database>>): CacheVersionSource {
  return {
    async read(since) {
      const db = await database();
      const row = await db.selectFrom('disclosure_version').select('version').executeTakeFirst();
      const disclosure = Number(row?.version ?? 0);
      if (since === null) {
        const clock = await db.selectFrom('page_cache_clock').select('version').executeTakeFirst();
        return { disclosure, clock: Number(clock?.version ?? 0), tags: [] };
      }
      const rows = await db.selectFrom('page_cache_tags').select(['tag', 'version']).where('version', '>', since).execute();
      return { disclosure, clock: rows.reduce((max, r) => Math.max(max, Number(r.version)), since), tags: rows.map((r) => r.tag) };
    },
  };
}

/**
 * For a command whose table has no trigger that does it (migration 0029 gives volunteering
 * and donations theirs): in the command's transaction, tells every server instance that one
 * project's pages changed (and, with `funds`, the feeds that total money received). The
 * action then calls `pageCache.invalidateProject` with the same arguments for this instance.
 */
export async function touchProjectPages(db: Kysely<Database>, projectId: number, { funds = false }: { funds?: boolean } = {}): Promise<void> {
  const tags = funds ? [projectTag(projectId), FUNDS_TAG] : [projectTag(projectId)];
  await sql`select gz_touch_page_tags(${tags}::text[])`.execute(db);
}

import type { ColumnType } from 'kysely';

/** Migration 0029: the one-row clock that hands out tag versions in commit order (written by gz_touch_page_tags only). */
export interface PageCacheClockTable {
  id: ColumnType<number, never, never>;
  version: ColumnType<number, never, never>;
}

/** Migration 0029: the version of each page cache tag (`project:<id>`, `funds`), from the clock. */
export interface PageCacheTagsTable {
  tag: ColumnType<string, never, never>;
  version: ColumnType<number, never, never>;
}

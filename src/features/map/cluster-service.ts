import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { projectIdsMatching } from '../projects/queries.ts';
import type { ProjectFilters } from '../projects/filters.ts';
import { buildClusterIndex, clusterFeatures, pointTable, type ClusterIndex, type MapPointRow, type PointTable } from './cluster-index.ts';

/**
 * The clustered map's indexes in this server process. The index of every published project is
 * built from the database and rebuilt in the background when the disclosure version changes
 * (read at most once per `checkEveryMs`, as the page cache does, so every instance follows
 * within a second); requests keep being answered from the previous index until the new one is
 * ready. A rebuild waits at least twice as long as the last one took after it (a busy office
 * publishing all day costs each instance at most a third of a core), and changes that land
 * meanwhile are taken by the next one. A filtered view has its own index of the matching
 * projects (their ids from the same query as the list), kept in a small LRU bounded by the
 * projects it holds, and rebuilt the same way, stale served meanwhile.
 */
export interface ClusterSource {
  /** The disclosure version and every published project's map point, from one snapshot. */
  load(): Promise<{ version: number; rows: MapPointRow[] }>;
  version(): Promise<number>;
  /** The ids of the published projects matching the filters, ascending, and the version they were read at. */
  matching(filters: ProjectFilters): Promise<{ version: number; ids: number[] }>;
}

interface Built {
  index: ClusterIndex;
  version: number;
}

export function createClusterService(source: ClusterSource, { checkEveryMs = 1000, gapFactor = 2, maxFilteredPoints = 300_000, maxFiltered = 24 } = {}) {
  let main: Built | null = null;
  let table: PointTable | null = null;
  let building: Promise<Built> | null = null;
  let latest = -1;
  let checkedAt = 0;
  let checking: Promise<void> | null = null;
  let lastBuildMs = 0;
  let lastBuildEnd = 0;
  const filtered = new Map<string, { built: Built | null; pending: Promise<Built> | null }>();

  function rebuild(): Promise<Built> {
    building ??= (async () => {
      const start = performance.now();
      try {
        const { version, rows } = await source.load();
        const t = pointTable(rows);
        const index = await buildClusterIndex(t);
        table = t;
        main = { index, version };
        return main;
      } finally {
        lastBuildMs = performance.now() - start;
        lastBuildEnd = Date.now();
        building = null;
      }
    })();
    return building;
  }

  /** Reads the version when due; starts a rebuild in the background when it moved. */
  function check(): void {
    if (Date.now() - checkedAt < checkEveryMs) return;
    checking ??= source
      .version()
      .then((v) => {
        latest = v;
        checkedAt = Date.now();
        if (main && v !== main.version && !building && Date.now() - lastBuildEnd >= gapFactor * lastBuildMs) void rebuild().catch(() => {});
      })
      .catch(() => {})
      .finally(() => {
        checking = null;
      });
  }

  async function current(): Promise<Built> {
    if (main) {
      check();
      return main;
    }
    return rebuild();
  }

  const keyOf = (f: ProjectFilters) =>
    JSON.stringify(
      Object.keys(f)
        .sort()
        .map((k) => [k, f[k as keyof ProjectFilters]]),
    );

  async function buildFiltered(f: ProjectFilters, base: Built): Promise<Built> {
    const { version, ids } = await source.matching(f);
    const t = base.index.table;
    const rows: number[] = [];
    // both ascending: one pass
    for (let i = 0, r = 0; i < ids.length && r < t.n;) {
      if (ids[i]! === t.ids[r]!) {
        rows.push(r);
        i++;
        r++;
      } else if (ids[i]! < t.ids[r]!) i++;
      else r++;
    }
    return { index: await buildClusterIndex(t, Int32Array.from(rows)), version: Math.min(version, base.version) };
  }

  function evict() {
    let points = 0;
    for (const e of filtered.values()) points += e.built?.index.rows.length ?? 0;
    for (const [k, e] of filtered) {
      if (filtered.size <= maxFiltered && points <= maxFilteredPoints) break;
      if (e.pending) continue;
      points -= e.built?.index.rows.length ?? 0;
      filtered.delete(k);
    }
  }

  async function indexFor(f: ProjectFilters): Promise<Built> {
    const base = await current();
    if (Object.keys(f).length === 0) return base;
    const key = keyOf(f);
    let entry = filtered.get(key);
    if (entry) {
      filtered.delete(key); // most recently used last
      filtered.set(key, entry);
    } else {
      entry = { built: null, pending: null };
      filtered.set(key, entry);
    }
    const e = entry;
    if (!e.built || (e.built.version < base.version && !e.pending)) {
      e.pending ??= buildFiltered(f, base)
        .then((b) => {
          e.built = b;
          evict();
          return b;
        })
        .finally(() => {
          e.pending = null;
        });
      e.pending.catch(() => {}); // a failed rebuild leaves the previous index; the next request tries again
    }
    if (e.built) return e.built; // the previous one while the new one builds
    try {
      return await e.pending!;
    } catch (error) {
      filtered.delete(key);
      throw error;
    }
  }

  return {
    /** The clusters and single projects of one view, with the filters applied. */
    async view(f: ProjectFilters, box: readonly [number, number, number, number], zoom: number, lang: 'zh' | 'en') {
      const built = await indexFor(f);
      return { ...clusterFeatures(built.index, box, zoom, lang), version: built.version };
    },
    /** What this process holds now: for tests and the bench. */
    stats() {
      return { version: main?.version ?? null, latest, points: table?.n ?? 0, filtered: filtered.size, lastBuildMs, building: building !== null };
    },
    /** Waits for a build in progress, if any (tests). */
    async settled(): Promise<void> {
      await checking;
      await building;
      await Promise.all([...filtered.values()].map((e) => e.pending));
    },
  };
}

export type ClusterService = ReturnType<typeof createClusterService>;

/** The clustered map's data in the database: published projects with their estates' mean position. */
export function databaseClusterSource(database: () => Promise<Kysely<Database>>, { batch = 20_000 } = {}): ClusterSource {
  const readVersion = async (db: Kysely<Database>) => Number((await db.selectFrom('disclosure_version').select('version').executeTakeFirst())?.version ?? 0);
  return {
    version: async () => readVersion(await database()),
    async load() {
      const db = await database();
      // one snapshot for the version and every batch of points
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const version = await readVersion(trx);
          const rows: MapPointRow[] = [];
          for (let after = 0; ;) {
            const page = await sql<{ id: number; code: string; title: string; title_en: string | null; stage: number; lat: number; lng: number }>`
              select p.id, p.code, p.title, p.title_en, p.stage, pt.lat, pt.lng
              from projects p
              cross join lateral (
                select avg(e.lat)::float8 as lat, avg(e.lng)::float8 as lng
                from project_estates pe join estates e on e.id = pe.estate_id
                where pe.project_id = p.id
              ) pt
              where p.published_at is not null and p.id > ${after} and pt.lat is not null
              order by p.id
              limit ${batch}`.execute(trx);
            for (const r of page.rows)
              rows.push({ id: r.id, code: r.code, title: r.title, titleEn: r.title_en, stage: Number(r.stage), lat: Number(r.lat), lng: Number(r.lng) });
            if (page.rows.length < batch) break;
            after = page.rows[page.rows.length - 1]!.id;
          }
          return { version, rows };
        });
    },
    async matching(f) {
      const db = await database();
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => ({ version: await readVersion(trx), ids: await projectIdsMatching(trx, f) }));
    },
  };
}

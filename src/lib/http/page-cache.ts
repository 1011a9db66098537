/**
 * A response cache for public pages and open data. Disclosures are read far more often
 * than written: every publish bumps the disclosure version in the database, and an entry
 * made under an older version is never served. The version is read at most once per
 * `checkEveryMs`, so other server instances see a publish within that time.
 */
export interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
}

export function createPageCache(readVersion: () => Promise<number>, { maxEntries = 2000, checkEveryMs = 1000 } = {}) {
  const entries = new Map<string, CachedResponse & { version: number }>();
  let version = -1;
  let checkedAt = 0;
  let pending: Promise<number> | null = null;

  async function currentVersion(): Promise<number> {
    const now = Date.now();
    if (now - checkedAt < checkEveryMs && version >= 0) return version;
    pending ??= readVersion()
      .then((v) => {
        if (v !== version) entries.clear();
        version = v;
        checkedAt = Date.now();
        return v;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  return {
    async get(key: string): Promise<CachedResponse | null> {
      const v = await currentVersion();
      const hit = entries.get(key);
      if (!hit || hit.version !== v) return null;
      entries.delete(key); // keep recently used entries last
      entries.set(key, hit);
      return hit;
    },
    async set(key: string, value: CachedResponse): Promise<void> {
      const v = await currentVersion();
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { ...value, version: v });
    },
    /** Called by this instance after it publishes: no wait for the next check. */
    invalidate(): void {
      entries.clear();
      checkedAt = 0;
    },
    get size() {
      return entries.size;
    },
  };
}

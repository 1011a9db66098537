import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { mapPoints } from '../../src/features/projects/queries.ts';
import { createClusterService, databaseClusterSource } from '../../src/features/map/cluster-service.ts';
import type { ClusterFeature } from '../../src/features/map/cluster-index.ts';

const WORLD = [-180, -85, 180, 85] as const;
const counted = (features: ClusterFeature[]) => features.reduce((n, f) => n + (f.properties.cluster ? f.properties.count : 1), 0);

describe.each(BACKENDS)('the clustered map by view on %s', (kind) => {
  let open: OpenDatabase;
  let dataDir: string;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-files-'));
    await seedDatabase(open, dataDir, 24, () => {});
  });
  afterAll(async () => {
    await open.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds every published project of the map, one cluster of 24 at zoom 8, each project apart at zoom 16', async () => {
    const clusters = createClusterService(
      databaseClusterSource(async () => open.db),
      { checkEveryMs: 0, gapFactor: 0 },
    );
    const points = await mapPoints(open.db, {});
    expect(points).toHaveLength(24);
    const at8 = await clusters.view({}, WORLD, 8, 'zh');
    expect(at8.total).toBe(24);
    expect(at8.features).toHaveLength(1);
    expect(at8.features[0]!.properties).toMatchObject({ cluster: true, count: 24 });
    const lng = points.map((p) => p.lng),
      lat = points.map((p) => p.lat);
    const box = [Math.min(...lng), Math.min(...lat), Math.max(...lng), Math.max(...lat)] as const;
    const at16 = await clusters.view({}, box, 16, 'en');
    expect(counted(at16.features)).toBe(24);
    const singles = at16.features.flatMap((f) => (f.properties.cluster ? [] : [f.properties.code]));
    expect(singles.length).toBeGreaterThan(12);
    for (const code of singles) expect(points.map((p) => p.code)).toContain(code);
  });

  it('applies the list’s filters', async () => {
    const clusters = createClusterService(
      databaseClusterSource(async () => open.db),
      { checkEveryMs: 0, gapFactor: 0 },
    );
    for (const f of [{ stage: 3 }, { subdistrict: 'hebin' }, { category: 'services' as const }, { year: 2020 }, { q: '小区' }]) {
      const expected = await mapPoints(open.db, f);
      const view = await clusters.view(f, WORLD, 12, 'zh');
      expect(view.total, JSON.stringify(f)).toBe(expected.length);
      expect(counted(view.features), JSON.stringify(f)).toBe(expected.length);
      for (const s of view.features) if (!s.properties.cluster) expect(expected.map((p) => p.code)).toContain(s.properties.code);
    }
  });

  it('rebuilds in the background when the disclosure version moves, answering from the previous index meanwhile', async () => {
    const clusters = createClusterService(
      databaseClusterSource(async () => open.db),
      { checkEveryMs: 0, gapFactor: 0 },
    );
    const before = await clusters.view({}, WORLD, 8, 'zh');
    const stage = await clusters.view({ stage: 2 }, WORLD, 8, 'zh');
    const { code } = (await mapPoints(open.db, { stage: 2 }))[0]!;
    await open.db.updateTable('projects').set({ published_at: null }).where('code', '=', code).execute();
    try {
      // the change is seen, the old index still answers
      expect((await clusters.view({}, WORLD, 8, 'zh')).total).toBe(before.total);
      await clusters.settled();
      expect((await clusters.view({}, WORLD, 8, 'zh')).total).toBe(before.total - 1);
      expect((await clusters.view({ stage: 2 }, WORLD, 8, 'zh')).total).toBe(stage.total);
      await clusters.settled();
      expect((await clusters.view({ stage: 2 }, WORLD, 8, 'zh')).total).toBe(stage.total - 1);
    } finally {
      await open.db.updateTable('projects').set({ published_at: new Date() }).where('code', '=', code).execute();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { buildClusterIndex, clusterFeatures, pointTable, type ClusterFeature, type MapPointRow } from '../../src/features/map/cluster-index.ts';

/** A seeded pseudo-random generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Points over Henan's extent, some in dense towns and some sharing one estate's spot. */
function henan(n: number, seed = 1): MapPointRow[] {
  const r = rng(seed);
  const towns = Array.from({ length: 12 }, () => ({ lng: 110.35 + r() * 6.3, lat: 31.38 + r() * 4.99 }));
  const out: MapPointRow[] = [];
  for (let i = 0; i < n; i++) {
    let lng: number, lat: number;
    const k = r();
    if (k < 0.4) {
      lng = 110.35 + r() * 6.3;
      lat = 31.38 + r() * 4.99;
    } else if (k < 0.9 || out.length === 0) {
      const t = towns[Math.floor(r() * towns.length)]!;
      lng = t.lng + (r() - 0.5) * 0.2;
      lat = t.lat + (r() - 0.5) * 0.15;
    } else {
      // another project on an estate already in the list: the very same spot
      const o = out[Math.floor(r() * out.length)]!;
      lng = o.lng;
      lat = o.lat;
    }
    out.push({ id: i + 1, code: `HA-${i + 1}`, title: `项目${i + 1}`, titleEn: i % 3 ? `Project ${i + 1}` : null, stage: 1 + (i % 6), lng, lat });
  }
  return out;
}

type Box = [number, number, number, number];
const inBox = (p: MapPointRow, [w, s, e, n]: Box) => p.lng >= w && p.lng <= e && p.lat >= s && p.lat <= n;

/** The projects of each feature: a single one's code, a cluster's members by walking down its zooms. */
async function membersOf(features: ClusterFeature[], all: MapPointRow[], index: Awaited<ReturnType<typeof buildClusterIndex>>) {
  const out: string[][] = [];
  for (const f of features) out.push(f.properties.cluster ? index.leaves(f.properties.id).map((row) => all[row]!.code) : [f.properties.code]);
  return out;
}

/** Views a resident might look at: the province, cities, districts, estates, and edges of them. */
function views(points: MapPointRow[], seed: number): { box: Box; zoom: number }[] {
  const r = rng(seed);
  const out: { box: Box; zoom: number }[] = [{ box: [110.3, 31.3, 116.7, 36.4], zoom: 7 }];
  for (let i = 0; i < 60; i++) {
    const zoom = 3 + Math.floor(r() * 16);
    const c = points[Math.floor(r() * points.length)]!;
    // about a phone's screen at that zoom, or bigger
    const half = ((400 / (256 * 2 ** zoom)) * 360 * (0.5 + r() * 2)) / 2;
    out.push({ box: [c.lng - half * (0.2 + r()), c.lat - half * (0.2 + r()), c.lng + half * (0.2 + r()), c.lat + half * (0.2 + r())], zoom });
  }
  return out;
}

describe('clustered map data by view', () => {
  it.each([
    ['one KD-tree a zoom', 32_768],
    ['KD-trees in strips of 300 items', 300],
  ])('puts every project inside the box in exactly one cluster or single, at every view and zoom (%s)', async (_, stripSize) => {
    const points = henan(6000, 7);
    const index = await buildClusterIndex(pointTable(points), undefined, { stripSize });
    for (const { box, zoom } of views(points, 11)) {
      const { features } = clusterFeatures(index, box, zoom, 'zh');
      const inside = points.filter((p) => inBox(p, box)).map((p) => p.code);
      const members = await membersOf(features, points, index);
      const seen = new Map<string, number>();
      for (const m of members) for (const code of m) seen.set(code, (seen.get(code) ?? 0) + 1);
      // nobody twice
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      // everybody inside the box
      for (const code of inside) expect(seen.get(code), `${code} at zoom ${zoom} in ${box.join(',')}`).toBe(1);
      // a cluster's count is its members; each feature has someone inside the box or close to it
      features.forEach((f, i) => {
        expect(f.properties.cluster ? f.properties.count : 1).toBe(members[i]!.length);
      });
      const counted = features.reduce((n, f) => n + (f.properties.cluster ? f.properties.count : 1), 0);
      expect(counted).toBeGreaterThanOrEqual(inside.length);
    }
  });

  it('counts exactly the projects of the box when the box holds whole clusters (the province at zoom 7)', async () => {
    const points = henan(5000, 3);
    const index = await buildClusterIndex(pointTable(points));
    const box: Box = [110, 31, 117, 37];
    const { features, total } = clusterFeatures(index, box, 7, 'zh');
    const counted = features.reduce((n, f) => n + (f.properties.cluster ? f.properties.count : 1), 0);
    expect(counted).toBe(points.filter((p) => inBox(p, box)).length);
    expect(total).toBe(5000);
    // clustered: a few hundred features at most for the whole province
    expect(features.length).toBeLessThan(400);
    expect(features.some((f) => f.properties.cluster)).toBe(true);
  });

  it('clusters projects within about 60 px of each other at zoom 10 and below, and not those far apart', async () => {
    // 60 px at zoom z is 60 / (256 · 2^z) of the world's width
    const px = (z: number) => (60 / (256 * 2 ** z)) * 360;
    const base = { code: '', title: 't', titleEn: null, stage: 1 };
    for (const z of [6, 8, 10]) {
      const near = [
        { ...base, id: 1, code: 'A', lng: 113, lat: 33.7 },
        { ...base, id: 2, code: 'B', lng: 113 + px(z) * 0.8, lat: 33.7 },
      ];
      const far = [...near, { ...base, id: 3, code: 'C', lng: 113 + px(z) * 4, lat: 33.7 }];
      const index = await buildClusterIndex(pointTable(far));
      const { features } = clusterFeatures(index, [112.9, 33, 113 + px(z) * 5, 34], z, 'zh');
      expect(features.map((f) => (f.properties.cluster ? f.properties.count : f.properties.code)).sort()).toEqual([2, 'C'].sort());
    }
  });

  it('applies filters: a filtered index counts only the matching projects of the box', async () => {
    const points = henan(4000, 5);
    const table = pointTable(points);
    const stage3 = Int32Array.from(points.flatMap((p, row) => (p.stage === 3 ? [row] : [])));
    const index = await buildClusterIndex(table, stage3);
    for (const { box, zoom } of views(points, 21)) {
      const { features, total } = clusterFeatures(index, box, zoom, 'zh');
      expect(total).toBe(stage3.length);
      const members = (await membersOf(features, points, index)).flat();
      const inside = points.filter((p) => p.stage === 3 && inBox(p, box)).map((p) => p.code);
      expect(new Set(members).size).toBe(members.length);
      for (const code of inside) expect(members).toContain(code);
      for (const code of members) expect(code && points.find((p) => p.code === code)!.stage).toBe(3);
    }
  });

  it('tells where a cluster splits, and lists the projects of one that never does', async () => {
    const base = { title: '项目', titleEn: 'Project', stage: 2 };
    const points: MapPointRow[] = [
      { ...base, id: 1, code: 'A', lng: 113.3, lat: 33.73 },
      { ...base, id: 2, code: 'B', lng: 113.3, lat: 33.73 },
      { ...base, id: 3, code: 'C', lng: 113.31, lat: 33.73 },
    ];
    const index = await buildClusterIndex(pointTable(points));
    const at = (z: number) => clusterFeatures(index, [113, 33, 114, 34], z, 'en').features;
    const [top] = at(8);
    expect(top!.properties).toMatchObject({ cluster: true, count: 3 });
    const expand = top!.properties.cluster ? top!.properties.expand : null;
    expect(expand).toBeGreaterThan(8);
    // one zoom before it splits it is still whole, at its expansion zoom it is not
    expect(at(expand! - 1)).toHaveLength(1);
    expect(at(expand!).length).toBeGreaterThan(1);
    const same = at(18).find((f) => f.properties.cluster)!;
    expect(same.properties).toMatchObject({ cluster: true, count: 2, expand: null });
    expect(same.properties.cluster && same.properties.projects!.map((p) => p.code).sort()).toEqual(['A', 'B']);
    expect(same.properties.cluster && same.properties.projects![0]!.title).toBe('Project');
    const single = at(18).find((f) => !f.properties.cluster)!;
    expect(single.properties).toEqual({ code: 'C', title: 'Project', stage: 2 });
    expect(single.geometry.coordinates).toEqual([113.31, 33.73]);
  });

  it('answers an empty index and a box with nobody in it', async () => {
    const empty = await buildClusterIndex(pointTable([]));
    expect(clusterFeatures(empty, [110, 31, 117, 37], 7, 'zh')).toMatchObject({ features: [], total: 0 });
    const index = await buildClusterIndex(pointTable(henan(100)));
    expect(clusterFeatures(index, [0, 0, 1, 1], 12, 'zh').features).toEqual([]);
  });
});

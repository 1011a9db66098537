import KDBush from 'kdbush';

/**
 * The clustered map by view: every zoom level's clusters worked out once (greedy, as
 * supercluster does: a point takes every point not yet taken within CLUSTER_RADIUS_PX of it
 * at that zoom, level by level from the deepest zoom up), kept in flat typed arrays with one
 * KD-tree per zoom, so that a view costs a range query and not a pass over the points.
 * A cluster keeps how far its farthest member lies from it (`reach`), so that a view finds
 * every cluster with a member inside the box even when the cluster's centre is outside it.
 */

/** Projects within this many screen pixels of each other (256-pixel tiles) form a cluster. */
export const CLUSTER_RADIUS_PX = 60;
/** The deepest zoom with its own clusters: deeper views are answered as this one; what is still a cluster there never splits. */
export const MAX_CLUSTER_ZOOM = 18;
/** At most this many projects are listed in a cluster that never splits (projects of one estate). */
export const MAX_LISTED = 50;

/** One published project's map point, as the index is built from it. */
export interface MapPointRow {
  id: number;
  code: string;
  title: string;
  titleEn: string | null;
  stage: number;
  lng: number;
  lat: number;
}

/**
 * Every published project's point, in project id order: what all indexes of one version share.
 * Codes and titles are kept as UTF-8 in one buffer (three strings a project: code, title,
 * English title), not as 750,000 strings for the garbage collector to walk.
 */
export interface PointTable {
  n: number;
  ids: Int32Array;
  lng: Float64Array;
  lat: Float64Array;
  stage: Uint8Array;
  text: Buffer;
  /** Where each project's code, title and English title start in `text` (3n + 1 offsets). */
  at: Uint32Array;
}

export function pointTable(rows: readonly MapPointRow[]): PointTable {
  const n = rows.length;
  const at = new Uint32Array(3 * n + 1);
  rows.forEach((r, i) => {
    at[3 * i + 1] = at[3 * i]! + Buffer.byteLength(r.code);
    at[3 * i + 2] = at[3 * i + 1]! + Buffer.byteLength(r.title);
    at[3 * i + 3] = at[3 * i + 2]! + (r.titleEn ? Buffer.byteLength(r.titleEn) : 0);
  });
  const t: PointTable = {
    n,
    ids: new Int32Array(n),
    lng: new Float64Array(n),
    lat: new Float64Array(n),
    stage: new Uint8Array(n),
    text: Buffer.allocUnsafe(at[3 * n]!),
    at,
  };
  rows.forEach((r, i) => {
    t.ids[i] = r.id;
    t.lng[i] = r.lng;
    t.lat[i] = r.lat;
    t.stage[i] = r.stage;
    t.text.write(r.code, at[3 * i]!);
    t.text.write(r.title, at[3 * i + 1]!);
    if (r.titleEn) t.text.write(r.titleEn, at[3 * i + 2]!);
  });
  return t;
}

/** The k-th string (0 code, 1 title, 2 English title) of a row of the table, '' when there is none. */
const textOf = (t: PointTable, row: number, k: 0 | 1 | 2): string => t.text.toString('utf8', t.at[3 * row + k]!, t.at[3 * row + k + 1]!);

/** One zoom level's items (clusters and single projects). Coordinates: Web Mercator in [0, 1], less the index's origin. */
interface Level {
  n: number;
  kd: Strips;
  x: Float32Array;
  y: Float32Array;
  count: Int32Array;
  /** The zoom at which the item splits; > MAX_CLUSTER_ZOOM: never (or a single project). */
  expand: Uint8Array;
  /** A single project: its row in the table; a cluster that never splits: its item at MAX_CLUSTER_ZOOM; else -1. */
  ref: Int32Array;
  /** How far (Mercator units) the farthest member lies from the item's position. */
  reach: Float32Array;
  maxReach: number;
  /** Each item's cluster one zoom up (level z − 1), -1 at zoom 0. */
  parent: Int32Array;
}

export interface ClusterIndex {
  table: PointTable;
  /** The table rows in this index (all of them, or those matching a filter). */
  rows: Int32Array;
  levels: Level[];
  ox: number;
  oy: number;
  /** For each item of the deepest level, its projects (rows of the table): start offsets and the rows. */
  memberStart: Int32Array;
  members: Int32Array;
  /** [west, south, east, north] of every project in the index, or null when empty. */
  extent: [number, number, number, number] | null;
  /** The projects of one cluster (by its id), as rows of the table. */
  leaves(id: number): number[];
}

const lngX = (lng: number) => lng / 360 + 0.5;
const latY = (lat: number) => {
  const sin = Math.sin((Math.max(-85.05112878, Math.min(85.05112878, lat)) * Math.PI) / 180);
  return 0.5 - (0.25 * Math.log((1 + sin) / (1 - sin))) / Math.PI;
};
const xLng = (x: number) => (x - 0.5) * 360;
const yLat = (y: number) => (360 * Math.atan(Math.exp((1 - 2 * y) * Math.PI))) / Math.PI - 90;
/** Float32 positions and reaches are a little off the exact ones: every reach carries this much more (0.07 px at zoom 18). */
const SLACK = 1e-9;

/** Yields to the event loop when the current slice has run for `ms`: a build never holds requests for long. */
function slicer(ms: number) {
  let start = performance.now();
  return async (): Promise<void> => {
    if (performance.now() - start < ms) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    start = performance.now();
  };
}

/**
 * A level's KD-trees: one per vertical strip of at most `stripSize` items (equal counts, cut
 * by x), so that no single sort holds the event loop for long (a KD-tree of 250,000 items
 * sorts in about 45 ms; one of 32,768 in about 5). A query asks the strips its x-range meets.
 */
class Strips {
  readonly min: number[];
  readonly max: number[];
  readonly trees: KDBush[];
  readonly ids: Int32Array[];
  constructor(min: number[], max: number[], trees: KDBush[], ids: Int32Array[]) {
    this.min = min;
    this.max = max;
    this.trees = trees;
    this.ids = ids;
  }
  private each(minX: number, maxX: number, ask: (tree: KDBush) => number[]) {
    const out: number[] = [];
    for (let k = 0; k < this.trees.length; k++) {
      if (this.max[k]! < minX || this.min[k]! > maxX) continue;
      const ids = this.ids[k]!;
      for (const local of ask(this.trees[k]!)) out.push(ids[local]!);
    }
    return out;
  }
  range(minX: number, minY: number, maxX: number, maxY: number): number[] {
    return this.each(minX, maxX, (t) => t.range(minX, minY, maxX, maxY));
  }
  within(x: number, y: number, r: number): number[] {
    return this.each(x - r, x + r, (t) => t.within(x, y, r));
  }
}

async function stripsOf(x: Float32Array, y: Float32Array, n: number, stripSize: number, pause: () => Promise<void>): Promise<Strips> {
  const k = Math.max(1, Math.ceil(n / stripSize));
  // the items by x, in strips of about equal counts: a counting sort on 4,096 bins of x, then cut
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, x[i]!);
    hi = Math.max(hi, x[i]!);
  }
  const BINS = 4096;
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const bin = (v: number) => Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) / width)));
  const start = new Int32Array(BINS + 1);
  for (let i = 0; i < n; i++) start[bin(x[i]!) + 1]!++;
  for (let b = 0; b < BINS; b++) start[b + 1]! += start[b]!;
  const fill = start.slice(0, BINS);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[bin(x[i]!)]!++] = i;
  await pause();
  const min: number[] = [],
    max: number[] = [],
    trees: KDBush[] = [],
    ids: Int32Array[] = [];
  for (let s = 0, from = 0; s < k && from < n; s++) {
    const to = s === k - 1 ? n : Math.max(from + 1, Math.min(n, Math.round(((s + 1) * n) / k)));
    const part = order.slice(from, to);
    const tree = new KDBush(part.length, 64, Float32Array);
    let a = Infinity,
      b = -Infinity;
    for (const i of part) {
      tree.add(x[i]!, y[i]!);
      a = Math.min(a, x[i]!);
      b = Math.max(b, x[i]!);
    }
    trees.push(tree.finish());
    ids.push(part);
    min.push(a);
    max.push(b);
    from = to;
    await pause();
  }
  return new Strips(min, max, trees, ids);
}

/**
 * Builds the clusters of every zoom for `rows` of the table (all of them by default), in
 * slices of a few milliseconds. Deterministic: the same rows in the same order give the same
 * clusters on every server instance.
 */
export async function buildClusterIndex(table: PointTable, rows?: Int32Array, { sliceMs = 8, stripSize = 32_768 } = {}): Promise<ClusterIndex> {
  let all = rows;
  if (!all) {
    all = new Int32Array(table.n);
    for (let i = 0; i < table.n; i++) all[i] = i;
  }
  const n = all.length;
  const pause = slicer(sliceMs);
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    north = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = all[i]!;
    w = Math.min(w, table.lng[r]!);
    e = Math.max(e, table.lng[r]!);
    s = Math.min(s, table.lat[r]!);
    north = Math.max(north, table.lat[r]!);
  }
  // Mercator x grows with longitude and y falls with latitude: the origin is the north-west corner
  const ox = n > 0 ? lngX(w) : 0,
    oy = n > 0 ? latY(north) : 0;

  // the deepest level: one item per project
  let prev: Level;
  {
    const x = new Float32Array(n),
      y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if ((i & 4095) === 0) await pause();
      x[i] = lngX(table.lng[all[i]!]!) - ox;
      y[i] = latY(table.lat[all[i]!]!) - oy;
    }
    await pause();
    prev = {
      n,
      kd: await stripsOf(x, y, n, stripSize, pause),
      x,
      y,
      count: new Int32Array(n).fill(1),
      expand: new Uint8Array(n).fill(255),
      ref: Int32Array.from(all),
      reach: new Float32Array(n).fill(SLACK),
      maxReach: SLACK,
      parent: new Int32Array(n).fill(-1),
    };
  }
  const levels: Level[] = [];
  let memberStart = new Int32Array(1);
  let members = new Int32Array(0);
  for (let z = MAX_CLUSTER_ZOOM; z >= 0; z--) {
    await pause();
    const r = CLUSTER_RADIUS_PX / (256 * 2 ** z);
    const p = prev;
    const cap = p.n;
    const x = new Float32Array(cap),
      y = new Float32Array(cap),
      count = new Int32Array(cap),
      expand = new Uint8Array(cap),
      ref = new Int32Array(cap),
      reach = new Float32Array(cap);
    const taken = new Uint8Array(cap);
    let m = 0;
    let maxReach = SLACK;
    for (let i = 0; i < p.n; i++) {
      if ((i & 255) === 0) await pause();
      if (taken[i]) continue;
      taken[i] = 1;
      const near = p.kd.within(p.x[i]!, p.y[i]!, r);
      let num = p.count[i]!;
      let wx = p.x[i]! * num,
        wy = p.y[i]! * num;
      let merged = false;
      for (const k of near) {
        if (taken[k]) continue;
        taken[k] = 1;
        merged = true;
        num += p.count[k]!;
        wx += p.x[k]! * p.count[k]!;
        wy += p.y[k]! * p.count[k]!;
        p.parent[k] = m;
      }
      p.parent[i] = m;
      if (!merged) {
        x[m] = p.x[i]!;
        y[m] = p.y[i]!;
        count[m] = p.count[i]!;
        expand[m] = p.expand[i]!;
        ref[m] = p.ref[i]!;
        reach[m] = p.reach[i]!;
      } else {
        const cx = Math.fround(wx / num),
          cy = Math.fround(wy / num);
        let far = Math.hypot(p.x[i]! - cx, p.y[i]! - cy) + p.reach[i]!;
        for (const k of near) if (p.parent[k] === m) far = Math.max(far, Math.hypot(p.x[k]! - cx, p.y[k]! - cy) + p.reach[k]!);
        x[m] = cx;
        y[m] = cy;
        count[m] = num;
        expand[m] = z + 1;
        ref[m] = z === MAX_CLUSTER_ZOOM ? m : -1;
        reach[m] = far + SLACK;
      }
      maxReach = Math.max(maxReach, reach[m]!);
      m++;
    }
    if (z === MAX_CLUSTER_ZOOM) {
      // the projects of each deepest item: a counting sort of the points by their item
      memberStart = new Int32Array(m + 1);
      for (let i = 0; i < p.n; i++) memberStart[p.parent[i]! + 1]!++;
      for (let c = 0; c < m; c++) memberStart[c + 1]! += memberStart[c]!;
      const fill = memberStart.slice(0, m);
      members = new Int32Array(p.n);
      for (let i = 0; i < p.n; i++) members[fill[p.parent[i]!]!++] = all[i]!;
    } else levels[z + 1] = p;
    await pause();
    const lx = x.slice(0, m),
      ly = y.slice(0, m);
    prev = {
      n: m,
      kd: await stripsOf(lx, ly, m, stripSize, pause),
      x: lx,
      y: ly,
      count: count.slice(0, m),
      expand: expand.slice(0, m),
      ref: ref.slice(0, m),
      reach: reach.slice(0, m),
      maxReach,
      parent: new Int32Array(m).fill(-1),
    };
  }
  levels[0] = prev;

  const index: ClusterIndex = {
    table,
    rows: all,
    levels,
    ox,
    oy,
    memberStart,
    members,
    extent: n > 0 ? [w, s, e, north] : null,
    leaves(id) {
      const zoom = id & 31;
      let set = new Set([id >> 5]);
      for (let z = zoom; z < MAX_CLUSTER_ZOOM; z++) {
        const next = new Set<number>();
        const below = levels[z + 1]!;
        for (let i = 0; i < below.n; i++) if (set.has(below.parent[i]!)) next.add(i);
        set = next;
      }
      const out: number[] = [];
      for (const c of set) for (let k = memberStart[c]!; k < memberStart[c + 1]!; k++) out.push(members[k]!);
      return out;
    },
  };
  return index;
}

/** A cluster's properties: no more than the map needs to draw it and open it. */
export interface ClusterProperties {
  cluster: true;
  /** The cluster's id in this index and zoom. */
  id: number;
  count: number;
  /** The zoom at which it splits, or null when it never does (its projects are then listed). */
  expand: number | null;
  projects?: ProjectProperties[];
}
/** A single project's properties: those of the whole map's GeoJSON. */
export interface ProjectProperties {
  code: string;
  title: string;
  stage: number;
}
export type ClusterFeature =
  | { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: ClusterProperties }
  | { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: ProjectProperties & { cluster?: undefined } };

/** Decimals that keep a position within a tenth of a pixel or so at this zoom (3 at zoom 7, 6 at 16). */
export function decimalsAt(zoom: number): number {
  return Math.min(6, Math.max(2, Math.ceil(Math.log10((256 * 2 ** zoom) / 360)) + 1));
}

function project(t: PointTable, row: number, lang: 'zh' | 'en'): ProjectProperties {
  return { code: textOf(t, row, 0), title: (lang === 'en' && textOf(t, row, 2)) || textOf(t, row, 1), stage: t.stage[row]! };
}

/**
 * The clusters and single projects of one view: every project of the index inside the box
 * (west, south, east, north, degrees) is in exactly one of them; a cluster at the edge may
 * also hold projects just outside it.
 */
export function clusterFeatures(index: ClusterIndex, box: readonly [number, number, number, number], zoom: number, lang: 'zh' | 'en') {
  const z = Math.max(0, Math.min(MAX_CLUSTER_ZOOM, Math.floor(zoom)));
  const level = index.levels[z]!;
  const [w, s, e, n] = box;
  const x1 = lngX(w) - index.ox,
    x2 = lngX(e) - index.ox,
    y1 = latY(n) - index.oy,
    y2 = latY(s) - index.oy;
  const f = 10 ** decimalsAt(z);
  const round = (v: number) => Math.round(v * f) / f;
  const features: ClusterFeature[] = [];
  if (level.n === 0) return { features, total: 0, extent: index.extent };
  const m = level.maxReach;
  const t = index.table;
  const found = level.kd.range(x1 - m, y1 - m, x2 + m, y2 + m);
  found.sort((a, b) => a - b);
  for (const i of found) {
    const x = level.x[i]!,
      y = level.y[i]!;
    const count = level.count[i]!;
    if (count === 1) {
      const row = level.ref[i]!;
      const lng = t.lng[row]!,
        lat = t.lat[row]!;
      if (lng < w || lng > e || lat < s || lat > n) continue;
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [round(lng), round(lat)] }, properties: project(t, row, lang) });
      continue;
    }
    // the box's nearest point to the cluster, and whether the cluster reaches it
    const dx = x < x1 ? x1 - x : x > x2 ? x - x2 : 0;
    const dy = y < y1 ? y1 - y : y > y2 ? y - y2 : 0;
    if (dx * dx + dy * dy > level.reach[i]! * level.reach[i]!) continue;
    const expand = level.expand[i]!;
    const properties: ClusterProperties = { cluster: true, id: i * 32 + z, count, expand: expand <= MAX_CLUSTER_ZOOM ? expand : null };
    if (expand > MAX_CLUSTER_ZOOM) {
      const c = level.ref[i]!;
      const listed: ProjectProperties[] = [];
      for (let k = index.memberStart[c]!; k < index.memberStart[c + 1]! && listed.length < MAX_LISTED; k++) listed.push(project(t, index.members[k]!, lang));
      properties.projects = listed;
    }
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [round(xLng(x + index.ox)), round(yLat(y + index.oy))] },
      properties,
    });
  }
  return { features, total: index.rows.length, extent: index.extent };
}

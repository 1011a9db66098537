/** Disjoint sets over 0…n-1 with path halving and union by size. */
export type UnionFind = { find(i: number): number; union(a: number, b: number): void };

export function unionFind(n: number): UnionFind {
  const parent = Array.from({ length: n }, (_, i) => i);
  const size = new Array<number>(n).fill(1);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  return {
    find,
    union(a, b) {
      let ra = find(a);
      let rb = find(b);
      if (ra === rb) return;
      if (size[ra]! < size[rb]!) [ra, rb] = [rb, ra];
      parent[rb] = ra;
      size[ra]! += size[rb]!;
    },
  };
}

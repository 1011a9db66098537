/**
 * Natural ordering for building, entrance and room labels ("2" < "10", "3号楼" < "12号楼").
 * Written out rather than Intl.Collator so that voter ids come out the same on every
 * machine: ids are published, and a recount elsewhere must see the same order.
 */
const CHUNK = /\d+|\D+/g;

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A total order: labels equal by number ("01", "1") are finally told apart by their text. */
export function naturalCompare(a: string, b: string): number {
  const ca = a.match(CHUNK) ?? [];
  const cb = b.match(CHUNK) ?? [];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    const xd = x.charCodeAt(0) <= 57 && x.charCodeAt(0) >= 48;
    const yd = y.charCodeAt(0) <= 57 && y.charCodeAt(0) >= 48;
    let c: number;
    if (xd && yd) c = compareDigits(x, y);
    else if (xd !== yd) c = xd ? -1 : 1;
    else c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export type UnitKey = { building: string; entrance: string; room: string };

export function compareUnitKeys(a: UnitKey, b: UnitKey): number {
  return naturalCompare(a.building, b.building) || naturalCompare(a.entrance, b.entrance) || naturalCompare(a.room, b.room);
}

import type { RegisterRow, RowFault } from './model.ts';
import { hashIdNumber } from './id-hash.ts';
import { type IdKey } from '../../lib/id-key.ts';
import { last4 } from './id-numbers.ts';

// A parsed register, made safe to keep while the office reviews it: ID numbers become
// keyed hashes and last-four digits before anything is stored.

export interface PreparedOwner {
  name: string;
  idType: RegisterRow['owners'][number]['idType'];
  idHash: string;
  keyVersion: number;
  last4: string;
  /** This owner's own phone on the register (see RegisterOwner.phone). */
  phone?: string;
}

export type PreparedFlat = Omit<RegisterRow, 'owners'> & { owners: PreparedOwner[] };

export function prepareRows(rows: readonly RegisterRow[], key: IdKey): PreparedFlat[] {
  return rows.map((r) => ({
    ...r,
    owners: r.owners.map((o) => ({
      name: o.name,
      idType: o.idType,
      idHash: hashIdNumber(key, o.idType, o.idNumber),
      keyVersion: key.version,
      last4: last4(o.idNumber),
      ...(o.phone ? { phone: o.phone } : {}),
    })),
  }));
}

/** Faults as kept with a preview: no cell values, only where and what. */
export const storableFaults = (faults: readonly RowFault[]) =>
  faults.map((f) => ({ line: f.line, column: f.column, header: f.header, code: f.code, severity: f.severity, message: f.message }));

export const flatKey = (f: { building: string; entrance: string; room: string }) => `${f.building}\u0000${f.entrance}\u0000${f.room}`;
export const ownerKey = (o: { idType: string; idHash: string }) => `${o.idType}:${o.idHash}`;

/**
 * A file with a 小区/estate column is imported into the estate chosen on the import screen;
 * a line naming another estate is refused with its line number rather than misfiled.
 */
export function keepChosenEstate(rows: readonly RegisterRow[], estateName: string): { rows: RegisterRow[]; faults: RowFault[] } {
  const kept: RegisterRow[] = [];
  const faults: RowFault[] = [];
  for (const r of rows) {
    if (r.estate === null || r.estate.trim() === estateName) kept.push(r);
    else
      faults.push({
        line: r.line,
        column: 'estate',
        code: 'estate_mismatch',
        severity: 'error',
        message: { zh: `第 ${r.line} 行属于另一个小区，请分别导入`, en: `Line ${r.line} belongs to another estate; import each estate on its own` },
      });
  }
  return { rows: kept, faults };
}

/**
 * The household register (业主名册) as imported from an office's spreadsheet.
 * Pure data: no I/O, no database shapes.
 */

/** 身份证 | 统一社会信用代码 | 护照 | 港澳台居民证件 */
export type IdType = 'resident_id' | 'uscc' | 'passport' | 'hmt_permit';

/** 登记 | 实测 | 合同 — which area counts (SPC interpretation Art. 8: registered, else surveyed, else contract). */
export type AreaSource = 'registered' | 'surveyed' | 'contract';

export interface RegisterOwner {
  name: string;
  idType: IdType;
  /** Normalised: trimmed, upper-case. */
  idNumber: string;
  /**
   * This owner's phone on the register, normalised (see phone.ts); absent when none. The 电话
   * cell lists one phone per owner like the names (`;`-separated, a position may be empty);
   * a single phone on a co-owned flat is the first owner's.
   */
  phone?: string;
}

export interface RegisterRow {
  /** File line the flat came from (header = line 1). */
  line: number;
  estate: string | null;
  building: string;
  entrance: string;
  floor: number;
  room: string;
  /** Integer, in 0.01 m². */
  areaCm2: number;
  areaSource: AreaSource;
  /** Empty only for a developer-held flat. */
  owners: RegisterOwner[];
  /** The first phone of the 电话 cell (each owner's own is on the owner). */
  phone: string | null;
  developerHeld: boolean;
}

export interface Message {
  zh: string;
  en: string;
}

/**
 * One problem found in the file. An 'error' keeps its line out of the import (on line 1:
 * the whole file); a 'warning' is shown to the office but blocks nothing (e.g. an
 * unknown column, which is ignored).
 */
export interface RowFault {
  line: number;
  /** Canonical column key (see COLUMNS in headers.ts), or null for a whole-line fault. */
  column: string | null;
  /** The column's header as the file wrote it (its standard Chinese name when the file lacks the column). */
  header?: string;
  code: string;
  message: Message;
  severity: 'error' | 'warning';
}

export interface ParseResult {
  rows: RegisterRow[];
  faults: RowFault[];
  /** Non-empty data lines (header and blank lines not counted). */
  dataLines: number;
}

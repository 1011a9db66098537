import { parseAreaCm2 } from './area.ts';
import { rowError } from './faults.ts';
import type { ColumnKey, ColumnMap } from './headers.ts';
import { validateIdNumber } from './id-numbers.ts';
import { parseAreaSource, parseIdType, parseYesNo } from './labels.ts';
import type { AreaSource, IdType, RegisterOwner, RegisterRow, RowFault } from './model.ts';
import { validatePhone } from './phone.ts';

export interface LineResult {
  /** Null when the line has any error. */
  row: RegisterRow | null;
  faults: RowFault[];
  /** estate + building + entrance + room, when all three parts of the address are present. */
  flatKey: string | null;
}

/** Splits a multi-value cell on ";" or "；", trimming and dropping empty parts. */
export function splitList(text: string): string[] {
  return text
    .split(/[;；]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * One data line → a flat, or every fault found on it. Owners: names, types and ID numbers
 * are parallel lists; one type applies to all owners; no type means 身份证. A flat the
 * developer holds needs no owners: without ID numbers its name cell (usually the developer's
 * name) is not turned into owners.
 */
export function parseLine(cells: readonly string[], columns: ColumnMap, line: number): LineResult {
  const raw = (key: ColumnKey): string => {
    const i = columns[key];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const code = (key: ColumnKey): string => raw(key).normalize('NFKC').trim();
  const faults: RowFault[] = [];
  const err = (column: ColumnKey, c: string, zh: string, en: string) => faults.push(rowError(line, column, c, { zh, en }));

  const estate = raw('estate') || null;
  const building = code('building');
  const entrance = code('entrance');
  const room = code('room');
  if (building === '') err('building', 'building_missing', '楼栋为空', 'Building is empty');
  if (entrance === '') err('entrance', 'entrance_missing', '单元为空', 'Entrance is empty');

  const floorText = code('floor');
  let floor = 0;
  if (floorText === '') err('floor', 'floor_missing', '楼层为空', 'Floor is empty');
  else if (/^[+-]?\d{1,3}$/.test(floorText)) floor = Number(floorText);
  else err('floor', 'floor_invalid', `楼层“${floorText}”不是整数`, `Floor "${floorText}" is not a whole number`);

  if (room === '') err('room', 'room_missing', '房号为空', 'Room is empty');

  const area = parseAreaCm2(raw('area_m2'));
  if (!area.ok) for (const f of area.faults) faults.push(rowError(line, 'area_m2', f.code, f.message));

  const sourceText = code('area_source');
  let areaSource: AreaSource = 'registered';
  if (sourceText !== '') {
    const s = parseAreaSource(sourceText);
    if (s) areaSource = s;
    else
      err(
        'area_source',
        'area_source_invalid',
        `面积来源“${sourceText}”无效（应为登记、实测或合同）`,
        `Area source "${sourceText}" is not one of registered, surveyed, contract`,
      );
  }

  const heldText = code('developer_held');
  const developerHeld = heldText === '' ? false : parseYesNo(heldText);
  if (developerHeld === null) {
    err('developer_held', 'developer_held_invalid', `开发商持有“${heldText}”无效（应为是或否）`, `Developer held "${heldText}" is not yes or no`);
  }

  const owners = parseOwners(raw('owner_names'), raw('id_types'), raw('id_numbers'), developerHeld, err);

  const phones = parsePhones(raw('phone'), owners?.length ?? 0, (code, message) => faults.push(rowError(line, 'phone', code, message)));
  const phone = phones?.find((p) => p !== null) ?? null;
  if (owners && phones)
    owners.forEach((o, j) => {
      const p = phones[j];
      if (p) o.phone = p;
    });

  const flatKey = building && entrance && room ? JSON.stringify([estate, building, entrance, room]) : null;
  if (faults.length > 0 || !area.ok || developerHeld === null || owners === null || phones === null) return { row: null, faults, flatKey };
  return {
    row: { line, estate, building, entrance, floor, room, areaCm2: area.cm2, areaSource, owners, phone, developerHeld },
    faults,
    flatKey,
  };
}

type Report = (column: ColumnKey, code: string, zh: string, en: string) => void;

/**
 * The 电话 cell: one phone per owner, in the order of the names (`;` or `；`, a position may
 * be empty). A single phone on a co-owned flat is the first owner's: a phone proves who holds
 * an account (verification), so it is never shared out to every co-owner. Returns one entry
 * per position (null where empty), or null when the cell has a fault.
 */
function parsePhones(text: string, ownerCount: number, report: (code: string, message: { zh: string; en: string }) => void): (string | null)[] | null {
  const parts = text.split(/[;；]/).map((s) => s.trim());
  if (parts.every((p) => p === '')) return [];
  if (parts.length > 1 && ownerCount > 0 && parts.length !== ownerCount) {
    report('phone_count_mismatch', { zh: `业主姓名${ownerCount}个，电话${parts.length}个`, en: `${ownerCount} owner name(s) but ${parts.length} phone(s)` });
    return null;
  }
  const out: (string | null)[] = [];
  for (const [j, part] of parts.entries()) {
    if (part === '') {
      out.push(null);
      continue;
    }
    const p = validatePhone(part);
    if (!p.ok) {
      const prefix = parts.length > 1 ? { zh: `第${j + 1}个电话：`, en: `Phone ${j + 1}: ` } : { zh: '', en: '' };
      report(p.code, { zh: prefix.zh + p.message.zh, en: prefix.en + p.message.en });
      return null;
    }
    out.push(p.normalised);
  }
  return out;
}

function parseOwners(namesText: string, typesText: string, idsText: string, developerHeld: boolean | null, err: Report): RegisterOwner[] | null {
  const names = splitList(namesText);
  const ids = splitList(idsText);
  if (developerHeld === true && ids.length === 0) return [];
  let ok = true;

  const typeWords = splitList(typesText);
  const types: (IdType | null)[] = typeWords.map((w) => {
    const t = parseIdType(w);
    if (!t) {
      ok = false;
      err('id_types', 'id_type_invalid', `证件类型“${w}”无效`, `ID type "${w}" is not known`);
    }
    return t;
  });
  if (types.length > 1 && types.length !== names.length) {
    ok = false;
    err(
      'id_types',
      'id_type_count_mismatch',
      `业主姓名${names.length}个，证件类型${types.length}个`,
      `${names.length} owner name(s) but ${types.length} ID type(s)`,
    );
  }
  const typeOf = (j: number): IdType | null => (types.length === 0 ? 'resident_id' : types.length === 1 ? types[0]! : (types[j] ?? null));

  if (names.length === 0 && developerHeld !== true) {
    ok = false;
    err('owner_names', 'owner_missing', '非开发商持有的房屋必须至少有一名业主', 'A flat the developer does not hold needs at least one owner');
  }
  if (ids.length !== names.length) {
    ok = false;
    err(
      'id_numbers',
      'id_count_mismatch',
      `业主姓名${names.length}个，证件号码${ids.length}个`,
      `${names.length} owner name(s) but ${ids.length} ID number(s)`,
    );
  }

  const owners: RegisterOwner[] = [];
  const seen = new Set<string>();
  ids.forEach((id, j) => {
    const type = typeOf(j);
    if (type === null) return;
    const check = validateIdNumber(type, id);
    const prefix = ids.length > 1 ? { zh: `第${j + 1}个证件号码：`, en: `ID number ${j + 1}: ` } : { zh: '', en: '' };
    if (!check.ok) {
      ok = false;
      err('id_numbers', check.code, prefix.zh + check.message.zh, prefix.en + check.message.en);
      return;
    }
    const key = `${type}:${check.normalised}`;
    if (seen.has(key)) {
      ok = false;
      err('id_numbers', 'duplicate_owner', `${prefix.zh}同一证件号码在本行出现两次`, `${prefix.en}the same ID number appears twice on this line`);
    }
    seen.add(key);
    const name = names[j];
    if (name !== undefined) owners.push({ name, idType: type, idNumber: check.normalised });
  });
  return ok ? owners : null;
}

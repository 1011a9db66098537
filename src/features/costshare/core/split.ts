// Cost split of a resident-paid item (居民合理分摊): 单户承担 single, 平均分摊 equal, 梯次分摊 tiered
// (a coefficient per floor), optionally weighted by area. Pure: no I/O, no clock, no database.
// bigint throughout — money in fen, coefficients ×10⁴, areas ×100 (0.01 m²) — and never a float:
// decimal strings are parsed digit by digit, never through Number().
// The CLI (npm run costshare:split) and the web pages call splitScheme, so both give the same shares.
import { fenToDecimal } from '../../funding/money.ts';

export const METHODS = ['equal', 'tiered', 'single'] as const;
export type Method = (typeof METHODS)[number];

/** What a decimal string holds; each has its own number of decimals and integer digits. */
export type DecimalKind = 'amount' | 'area' | 'coefficient';
export const DECIMALS: Readonly<Record<DecimalKind, { scale: number; maxIntegerDigits: number }>> = {
  // 13 integer digits: what parseYuan takes elsewhere; 10¹⁵ fen is still a safe integer for fenToDecimal.
  amount: { scale: 2, maxIntegerDigits: 13 },
  area: { scale: 2, maxIntegerDigits: 9 }, // as many integer digits as the register's areas (ballots/area.ts)
  coefficient: { scale: 4, maxIntegerDigits: 3 },
};
/** The largest total (and, for a single-household scheme, sum of amounts): 9,999,999,999,999.99 yuan. */
export const MAX_TOTAL_FEN = 10n ** 15n - 1n;
export const MAX_FLATS = 10_000;
export const MIN_FLOOR = -99;
export const MAX_FLOOR = 999;
export const MAX_ID_LENGTH = 64;

/**
 * Why a scheme is refused. `path` points into the input as written (`flats[3].areaM2`,
 * `coefficients["2"]`, '' for the whole input); messages.ts words each code in zh and en.
 */
export type SplitError =
  | { code: 'notAnObject'; path: string }
  | { code: 'notAList'; path: string }
  | { code: 'unknownField'; path: string }
  | { code: 'missingField'; path: string }
  | { code: 'fieldNotAllowed'; path: string; method: Method }
  | { code: 'badMethod'; path: string }
  | { code: 'notABoolean'; path: string }
  | { code: 'notADecimal'; path: string; kind: DecimalKind }
  | { code: 'negative'; path: string; kind: DecimalKind }
  | { code: 'tooManyDecimals'; path: string; kind: DecimalKind; max: number }
  | { code: 'tooLarge'; path: string; kind: DecimalKind | 'total'; max: string }
  | { code: 'areaNotPositive'; path: string }
  | { code: 'badFloor'; path: string }
  | { code: 'badCoefficientFloor'; path: string }
  | { code: 'noCoefficient'; path: string; floor: number }
  | { code: 'badFlatId'; path: string }
  | { code: 'duplicateFlat'; path: string; id: string; firstPath: string }
  | { code: 'noFlats'; path: string }
  | { code: 'tooManyFlats'; path: string; max: number }
  | { code: 'allWeightsZero'; path: string };
export type SplitErrorCode = SplitError['code'];

export type Share = { id: string; fen: bigint };
export type Split = { method: Method; totalFen: bigint; shares: Share[] };
export type SplitOutcome = { ok: true; split: Split } | { ok: false; errors: SplitError[] };

/** The printed form: plain decimal strings with exactly two decimals, shares in input order. */
export type SplitJson = { totalYuan: string; shares: { id: string; yuan: string }[] };

const ROOT_FIELDS = new Set(['method', 'totalYuan', 'weightByArea', 'coefficients', 'flats']);
const FLAT_FIELDS = new Set(['id', 'floor', 'areaM2', 'amountYuan']);
const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const FLOOR_KEY = /^(0|-?[1-9][0-9]*)$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, key: string) => Object.hasOwn(o, key);
const isFloor = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= MIN_FLOOR && (v as number) <= MAX_FLOOR;

/**
 * A decimal string in units of 10^-scale ("85.23" as an area is 8523n), or null after
 * recording why not. Accepts "0", "12", "12.3", "12.30"; refuses numbers (JSON 0.6 is
 * already a float), signs, exponents, separators, spaces, leading zeros and "12." / ".5".
 */
export function parseDecimal(value: unknown, kind: DecimalKind, path: string, errors: SplitError[]): bigint | null {
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!m) {
    errors.push({ code: 'notADecimal', path, kind });
    return null;
  }
  const { scale, maxIntegerDigits } = DECIMALS[kind];
  const [, sign, int = '', frac = ''] = m;
  if (sign) {
    errors.push({ code: 'negative', path, kind });
    return null;
  }
  if (frac.length > scale) {
    errors.push({ code: 'tooManyDecimals', path, kind, max: scale });
    return null;
  }
  if (int.length > maxIntegerDigits) {
    errors.push({ code: 'tooLarge', path, kind, max: `${'9'.repeat(maxIntegerDigits)}.${'9'.repeat(scale)}` });
    return null;
  }
  return BigInt(int + frac.padEnd(scale, '0'));
}

/**
 * Largest remainder: each part gets ⌊total × weight ÷ Σweights⌋, and the units left over
 * (fewer than there are parts) go one each to the largest remainders, ties to the earlier
 * part. A zero weight never gets a unit: the remainders that are not zero outnumber the
 * units left. Throws on a negative total or weight, or when the weights sum to zero.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError('apportion: negative total');
  if (weights.some((w) => w < 0n)) throw new RangeError('apportion: negative weight');
  const sum = weights.reduce((a, w) => a + w, 0n);
  if (sum === 0n) throw new RangeError('apportion: the weights sum to zero');
  const shares = weights.map((w) => (total * w) / sum);
  const left = Number(total - shares.reduce((a, s) => a + s, 0n));
  const order = weights.map((w, i) => ({ i, rem: (total * w) % sum })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (let k = 0; k < left; k++) shares[order[k]!.i]! += 1n;
  return shares;
}

/** Validates a scheme (the CLI's JSON or the web form's object) and splits it. */
export function splitScheme(input: unknown): SplitOutcome {
  const errors: SplitError[] = [];
  const refuse = (): SplitOutcome => ({ ok: false, errors });
  if (!isObject(input)) {
    errors.push({ code: 'notAnObject', path: '' });
    return refuse();
  }
  for (const key of Object.keys(input)) if (!ROOT_FIELDS.has(key)) errors.push({ code: 'unknownField', path: key });

  // Which other fields belong depends on the method: without a valid one there is nothing more to check.
  if (!has(input, 'method')) errors.push({ code: 'missingField', path: 'method' });
  else if (!(METHODS as readonly unknown[]).includes(input.method)) errors.push({ code: 'badMethod', path: 'method' });
  if (errors.length > 0) return refuse();
  const method = input.method as Method;

  // A field the method would ignore is refused, so that nobody believes it counted.
  let weightByArea = false;
  if (has(input, 'weightByArea')) {
    if (typeof input.weightByArea !== 'boolean') errors.push({ code: 'notABoolean', path: 'weightByArea' });
    else if (input.weightByArea && method === 'single') errors.push({ code: 'fieldNotAllowed', path: 'weightByArea', method });
    else weightByArea = input.weightByArea;
  }

  let totalFen: bigint | null = null;
  if (method === 'single') {
    if (has(input, 'totalYuan')) errors.push({ code: 'fieldNotAllowed', path: 'totalYuan', method });
  } else if (!has(input, 'totalYuan')) errors.push({ code: 'missingField', path: 'totalYuan' });
  else totalFen = parseDecimal(input.totalYuan, 'amount', 'totalYuan', errors);

  // Floors with a valid coefficient, and floors named with an invalid one (already reported).
  let coefficients: Map<number, bigint> | null = null;
  const malformedCoefficients = new Set<number>();
  if (method !== 'tiered') {
    if (has(input, 'coefficients')) errors.push({ code: 'fieldNotAllowed', path: 'coefficients', method });
  } else if (!has(input, 'coefficients')) errors.push({ code: 'missingField', path: 'coefficients' });
  else if (!isObject(input.coefficients)) errors.push({ code: 'notAnObject', path: 'coefficients' });
  else {
    coefficients = new Map();
    for (const [key, value] of Object.entries(input.coefficients)) {
      const path = `coefficients[${JSON.stringify(key)}]`;
      const floor = FLOOR_KEY.test(key) ? Number(key) : NaN;
      if (!isFloor(floor)) {
        errors.push({ code: 'badCoefficientFloor', path });
        continue;
      }
      const c = parseDecimal(value, 'coefficient', path, errors);
      if (c === null) malformedCoefficients.add(floor);
      else coefficients.set(floor, c);
    }
  }

  if (!has(input, 'flats')) errors.push({ code: 'missingField', path: 'flats' });
  else if (!Array.isArray(input.flats)) errors.push({ code: 'notAList', path: 'flats' });
  else if (input.flats.length === 0) errors.push({ code: 'noFlats', path: 'flats' });
  else if (input.flats.length > MAX_FLATS) errors.push({ code: 'tooManyFlats', path: 'flats', max: MAX_FLATS });
  if (!Array.isArray(input.flats) || input.flats.length === 0 || input.flats.length > MAX_FLATS) return refuse();

  const ids: string[] = [];
  const weights: bigint[] = [];
  const amounts: bigint[] = [];
  const firstIndex = new Map<string, number>();
  for (const [i, flat] of (input.flats as unknown[]).entries()) {
    const at = `flats[${i}]`;
    if (!isObject(flat)) {
      errors.push({ code: 'notAnObject', path: at });
      continue;
    }
    for (const key of Object.keys(flat)) if (!FLAT_FIELDS.has(key)) errors.push({ code: 'unknownField', path: `${at}.${key}` });

    if (!has(flat, 'id')) errors.push({ code: 'missingField', path: `${at}.id` });
    else if (typeof flat.id !== 'string' || flat.id === '' || flat.id.length > MAX_ID_LENGTH || flat.id.trim() !== flat.id || CONTROL.test(flat.id)) {
      errors.push({ code: 'badFlatId', path: `${at}.id` });
    } else if (firstIndex.has(flat.id)) {
      errors.push({ code: 'duplicateFlat', path: `${at}.id`, id: flat.id, firstPath: `flats[${firstIndex.get(flat.id)}]` });
    } else firstIndex.set(flat.id, i);
    ids.push(String(flat.id));

    // The floor and the area describe the flat: checked whenever given, required only when used.
    let coefficient: bigint | null = method === 'tiered' ? null : 1n;
    if (!has(flat, 'floor')) {
      if (method === 'tiered') errors.push({ code: 'missingField', path: `${at}.floor` });
    } else if (!isFloor(flat.floor)) errors.push({ code: 'badFloor', path: `${at}.floor` });
    else if (coefficients) {
      coefficient = coefficients.get(flat.floor) ?? null;
      if (coefficient === null && !malformedCoefficients.has(flat.floor)) {
        errors.push({ code: 'noCoefficient', path: `${at}.floor`, floor: flat.floor });
      }
    }

    let areaCm2: bigint | null = 1n;
    if (!has(flat, 'areaM2')) {
      if (weightByArea) errors.push({ code: 'missingField', path: `${at}.areaM2` });
    } else {
      const area = parseDecimal(flat.areaM2, 'area', `${at}.areaM2`, errors);
      if (area === 0n) errors.push({ code: 'areaNotPositive', path: `${at}.areaM2` });
      if (weightByArea) areaCm2 = area;
    }

    if (method !== 'single') {
      if (has(flat, 'amountYuan')) errors.push({ code: 'fieldNotAllowed', path: `${at}.amountYuan`, method });
    } else if (!has(flat, 'amountYuan')) errors.push({ code: 'missingField', path: `${at}.amountYuan` });
    else amounts.push(parseDecimal(flat.amountYuan, 'amount', `${at}.amountYuan`, errors) ?? 0n);

    weights.push(coefficient !== null && areaCm2 !== null ? coefficient * areaCm2 : 0n);
  }
  if (errors.length > 0) return refuse();

  if (method === 'single') {
    const sum = amounts.reduce((a, b) => a + b, 0n);
    if (sum > MAX_TOTAL_FEN) {
      errors.push({ code: 'tooLarge', path: 'flats', kind: 'total', max: fenToDecimal(Number(MAX_TOTAL_FEN)) });
      return refuse();
    }
    return { ok: true, split: { method, totalFen: sum, shares: ids.map((id, i) => ({ id, fen: amounts[i]! })) } };
  }
  if (weights.every((w) => w === 0n)) {
    errors.push({ code: 'allWeightsZero', path: 'flats' });
    return refuse();
  }
  const total = totalFen!;
  const fen = apportion(total, weights);
  return { ok: true, split: { method, totalFen: total, shares: ids.map((id, i) => ({ id, fen: fen[i]! })) } };
}

/** Every amount ≤ MAX_TOTAL_FEN, so Number() is exact here and fenToDecimal formats it. */
const yuan = (fen: bigint) => fenToDecimal(Number(fen));

export function splitJson(split: Split): SplitJson {
  return { totalYuan: yuan(split.totalFen), shares: split.shares.map((s) => ({ id: s.id, yuan: yuan(s.fen) })) };
}

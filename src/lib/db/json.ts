// jsonb cannot hold U+0000 either (not even escaped): values bound for a JSON column are
// cleaned of it first, deep, the same way the NUL plugin cleans plain text parameters.

export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}

export const dbJson = (value: unknown): string => JSON.stringify(withoutNul(value));

/** A refusal raised by one of the database's own checks (triggers: P0001; check constraints: 23514; unique: 23505). */
export function dbErrorCode(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

// What a backup holds of the database: every table of the portal in dependency order (from
// the foreign keys in pg_constraint), each row as the JSON text PostgreSQL makes of it
// (to_jsonb), sorted, so that the same rows give the same bytes on either engine and on
// PostgreSQL 15 or 17. Used by src/lib/ops/backup.ts both to write and to check a restore.
import { sql, type Kysely } from 'kysely';
import { createHash } from 'node:crypto';

/** Kept outside the table dump: the migration level is recorded apart, the stored files are copied as files. */
export const NOT_DUMPED = new Set(['kysely_migration', 'kysely_migration_lock', 'file_blobs', 'file_chunks']);

export interface TableInfo {
  name: string;
  /** the columns a restore writes (generated columns are computed again) */
  columns: string[];
}

/** Settings that make the JSON text of a row the same on every server. Inside a transaction. */
export async function stableOutput(trx: Kysely<any>): Promise<void> {
  await sql`select set_config('timezone', 'UTC', true), set_config('intervalstyle', 'postgres', true), set_config('extra_float_digits', '1', true)`.execute(
    trx,
  );
}

/** The tables of the public schema, each after the tables it refers to (a cycle, if one ever appears, is broken by name). */
export async function portalTables(db: Kysely<any>): Promise<TableInfo[]> {
  const tables = (
    await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(db)
  ).rows
    .map((r) => r.name)
    .filter((n) => !NOT_DUMPED.has(n));
  const fks = (
    await sql<{ child: string; parent: string }>`
      select c.relname as child, p.relname as parent from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid`.execute(db)
  ).rows;
  const cols = (
    await sql<{ table: string; column: string }>`
      select c.relname as table, a.attname as column from pg_attribute a
      join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by c.relname, a.attnum`.execute(db)
  ).rows;
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const f of fks) if (parents.has(f.child) && parents.has(f.parent)) parents.get(f.child)!.add(f.parent);
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t) && [...parents.get(t)!].every((p) => done.has(p)));
    const next = ready.length ? ready : [tables.find((t) => !done.has(t))!];
    for (const t of next) {
      done.add(t);
      ordered.push(t);
    }
  }
  return ordered.map((name) => ({ name, columns: cols.filter((c) => c.table === name).map((c) => c.column) }));
}

/** The rows of a table as JSON lines, sorted, read through a cursor 1000 rows at a time. Inside a transaction, after stableOutput. */
export async function* tableLines(trx: Kysely<any>, table: string): AsyncGenerator<string[]> {
  const cursor = sql.id(`gz_dump_${table}`.slice(0, 60));
  await sql`declare ${cursor} no scroll cursor for
    select line from (select to_jsonb(t)::text as line from ${sql.table(table)} as t) as r order by line collate "C"`.execute(trx);
  try {
    for (;;) {
      const { rows } = await sql<{ line: string }>`fetch forward 1000 from ${cursor}`.execute(trx);
      if (rows.length === 0) break;
      yield rows.map((r) => r.line);
    }
  } finally {
    await sql`close ${cursor}`.execute(trx);
  }
}

/** The sha256 and row count of a table as a backup writes it (each line followed by "\n"). */
export async function tableDigest(trx: Kysely<any>, table: string): Promise<{ sha256: string; rows: number }> {
  const hash = createHash('sha256');
  let rows = 0;
  for await (const batch of tableLines(trx, table)) {
    for (const line of batch) hash.update(line + '\n');
    rows += batch.length;
  }
  return { sha256: hash.digest('hex'), rows };
}

/** The sequences of the public schema with their state. */
export async function sequenceStates(trx: Kysely<any>): Promise<{ name: string; lastValue: string; isCalled: boolean }[]> {
  const names = (
    await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(trx)
  ).rows;
  const out: { name: string; lastValue: string; isCalled: boolean }[] = [];
  for (const { name } of names) {
    const r = (await sql<{ last_value: string; is_called: boolean }>`select last_value::text as last_value, is_called from ${sql.table(name)}`.execute(trx))
      .rows[0]!;
    out.push({ name, lastValue: r.last_value, isCalled: r.is_called });
  }
  return out;
}

/** The migrations recorded in a database, in order; empty when it was never migrated. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`select to_regclass('public.kysely_migration')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return [];
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
}

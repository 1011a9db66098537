import { readFile } from 'node:fs/promises';

// The database functions kept as SQL files in this folder (one source per rule), read by the
// migrations that load them with "create or replace". Two ways to one text: in a Vite
// bundle (the built server, vitest) the literal `?raw` imports below are inlined; under
// plain Node (the CLI, `npm run serve`, the bench) that import fails and the file is read
// from beside this module.

export type DbFunction = 'gz_cast' | 'gz_cast_voters' | 'gz_cast_rights' | 'gz_cast_batch' | 'gz_search_grams' | 'gz_search_key';

const bundled: Record<DbFunction, () => Promise<{ default: string }>> = {
  // @ts-ignore: a Vite query import; plain Node takes the readFile path below
  gz_cast: () => import('./gz_cast.sql?raw'),
  // @ts-ignore: a Vite query import; plain Node takes the readFile path below
  gz_cast_voters: () => import('./gz_cast_voters.sql?raw'),
  // @ts-ignore: a Vite query import; plain Node takes the readFile path below
  gz_cast_rights: () => import('./gz_cast_rights.sql?raw'),
  // @ts-ignore: a Vite query import; plain Node takes the readFile path below
  gz_cast_batch: () => import('./gz_cast_batch.sql?raw'),
  // @ts-ignore: a Vite query import; plain Node takes the readFile path below
  gz_search_grams: () => import('./gz_search_grams.sql?raw'),
  // @ts-ignore: a Vite query import; plain Node takes the readFile path below
  gz_search_key: () => import('./gz_search_key.sql?raw'),
};

export async function functionSql(name: DbFunction): Promise<string> {
  try {
    const text = (await bundled[name]()).default;
    if (typeof text === 'string' && text.includes('create or replace function')) return text;
  } catch {
    // plain Node: no query imports
  }
  return readFile(new URL(`./${name}.sql`, import.meta.url), 'utf8');
}

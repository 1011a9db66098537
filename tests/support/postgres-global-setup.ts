import type { TestProject } from 'vitest/node';
import { findPostgresBin, startTempPostgres } from './temp-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

/**
 * Integration tests run on PGlite and on real PostgreSQL: DATABASE_URL when given, else a
 * temporary server from local binaries. CI must have one: there a missing server fails.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('postgresUrl', process.env.DATABASE_URL);
    return;
  }
  const bin = findPostgresBin();
  if (!bin) {
    if (process.env.CI) throw new Error('CI needs PostgreSQL: install postgresql or set DATABASE_URL');
    console.warn('PostgreSQL binaries not found: PostgreSQL integration tests are skipped (set DATABASE_URL to run them)');
    project.provide('postgresUrl', null);
    return;
  }
  const pg = await startTempPostgres(bin);
  project.provide('postgresUrl', pg.url());
  return () => pg.stop();
}

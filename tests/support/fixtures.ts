import fs from 'node:fs';
import path from 'node:path';

// Test data lives in the project's own tests/fixtures/: nothing the tests read may come
// from outside this checkout (a user's clone has nothing beside it).
export function fixture(name: string): string {
  const file = path.resolve(import.meta.dirname, '../fixtures', name);
  if (!fs.existsSync(file)) throw new Error(`fixture ${file} not found`);
  return file;
}

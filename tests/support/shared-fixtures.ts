import fs from 'node:fs';
import path from 'node:path';

// Test data lives in the steering repo's shared/ folder, laid beside this checkout (CI
// does the same). GONGZHI_SHARED_DIR points elsewhere when it is not.
export function sharedFixture(name: string): string {
  const dir = process.env.GONGZHI_SHARED_DIR ?? path.resolve(import.meta.dirname, '../../../shared');
  const file = path.join(dir, 'fixtures', name);
  if (!fs.existsSync(file)) throw new Error(`fixture ${file} not found: lay shared/ beside the checkout or set GONGZHI_SHARED_DIR`);
  return file;
}

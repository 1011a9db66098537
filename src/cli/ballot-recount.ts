// npm run ballot:recount -- FILE — recounts a published ballot bulletin, in its public form
// (voters by receipt code) or its full form (voter ids and flats); both give the same
// figures. No database needed. stdout carries one JSON object and nothing else, so it can
// be piped and compared.
import { readFile } from 'node:fs/promises';
import { parseAnyBulletin, recount } from '../features/ballots/bulletin.ts';

function fail(zh: string, en: string, details: string[] = []): void {
  process.stderr.write([`错误：${zh}`, `error: ${en}`, ...details].join('\n') + '\n');
  process.exitCode = 2;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    fail('用法：npm run ballot:recount -- 公示文件.json', 'usage: npm run ballot:recount -- bulletin.json');
    return;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    fail(`无法读取文件 ${file}`, `cannot read ${file}`, [String((e as Error).message)]);
    return;
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    fail(`${file} 不是有效的 JSON`, `${file} is not valid JSON`, [String((e as Error).message)]);
    return;
  }
  const parsed = parseAnyBulletin(data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const lines = issues.slice(0, 20).map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
    if (issues.length > 20) lines.push(`  … 另有 ${issues.length - 20} 处 / ${issues.length - 20} more`);
    fail(`${file} 不是有效的表决公示文件`, `${file} is not a valid ballot bulletin`, lines);
    return;
  }
  process.stdout.write(JSON.stringify(recount(parsed.data)) + '\n');
}

await main();

// npm run ballot:recount -- FILE — recounts a published ballot bulletin, in its public form
// (voters by receipt code) or its full form (voter ids and flats); both give the same
// figures. No database needed. stdout carries one JSON object and nothing else, so it can
// be piped and compared.
import { parseAnyBulletin, recount } from '../features/ballots/bulletin.ts';
import { fail, problemLines, readJsonArgument } from './json-file-cli.ts';

async function main(): Promise<void> {
  const input = await readJsonArgument({ zh: '用法：npm run ballot:recount -- 公示文件.json', en: 'usage: npm run ballot:recount -- bulletin.json' });
  if (!input) return;
  const parsed = parseAnyBulletin(input.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
    fail(`${input.file} 不是有效的表决公示文件`, `${input.file} is not a valid ballot bulletin`, problemLines(problems));
    return;
  }
  process.stdout.write(JSON.stringify(recount(parsed.data)) + '\n');
}

await main();

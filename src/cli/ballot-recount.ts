// npm run ballot:recount -- FILE — recounts a published ballot bulletin, in its public form
// (voters by receipt code) or its full form (voter ids and flats); both give the same
// figures. No database needed. stdout carries one JSON object and nothing else, so it can
// be piped and compared. The file is read as a stream and counted voter by voter
// (src/features/ballots/bulletin-stream.ts): a 50,000-household bulletin is never held whole.
import { open } from 'node:fs/promises';
import { recountStream } from '../features/ballots/bulletin-stream.ts';
import { fail, problemLines } from './json-file-cli.ts';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    fail('用法：npm run ballot:recount -- 公示文件.json', 'usage: npm run ballot:recount -- bulletin.json');
    return;
  }
  let counted: Awaited<ReturnType<typeof recountStream>>;
  try {
    const handle = await open(file, 'r');
    try {
      counted = await recountStream(handle.createReadStream({ highWaterMark: 64 * 1024, autoClose: false }));
    } finally {
      await handle.close();
    }
  } catch (e) {
    fail(`无法读取文件 ${file}`, `cannot read ${file}`, [String((e as Error).message)]);
    return;
  }
  if ('syntax' in counted) {
    const e = counted.syntax;
    if (e.truncated) fail(`${file} 不完整`, `${file} is incomplete`, [e.zh, e.en]);
    else fail(`${file} 不是有效的 JSON`, `${file} is not valid JSON`, [e.zh, e.en]);
    return;
  }
  if (!counted.ok) {
    fail(`${file} 不是有效的表决公示文件`, `${file} is not a valid ballot bulletin`, problemLines(counted.problems, counted.total));
    return;
  }
  process.stdout.write(JSON.stringify(counted.result) + '\n');
}

await main();

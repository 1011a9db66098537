// npm run --silent costshare:split -- FILE — splits a resident-paid item's cost over its flats
// (the same module as the web pages); no database needed. stdout carries one JSON object and
// nothing else, so it can be piped and compared; a refused scheme prints nothing on stdout and
// its reasons on stderr, in Chinese and English, and exits 2.
import { readFile } from 'node:fs/promises';
import { splitJson, splitScheme } from '../features/costshare/core/split.ts';
import { splitErrorBilingual } from '../features/costshare/messages.ts';

function fail(zh: string, en: string, details: string[] = []): void {
  process.stderr.write([`错误：${zh}`, `error: ${en}`, ...details].join('\n') + '\n');
  process.exitCode = 2;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    fail('用法：npm run --silent costshare:split -- 分摊方案.json', 'usage: npm run --silent costshare:split -- scheme.json');
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
  const result = splitScheme(data);
  if (!result.ok) {
    const lines = result.errors.slice(0, 20).map((e) => `  ${splitErrorBilingual(e)}`);
    if (result.errors.length > 20) lines.push(`  … 另有 ${result.errors.length - 20} 处 / ${result.errors.length - 20} more`);
    fail(`${file} 不是有效的分摊方案`, `${file} is not a valid cost-share scheme`, lines);
    return;
  }
  process.stdout.write(JSON.stringify(splitJson(result.split)) + '\n');
}

await main();

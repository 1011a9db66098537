// npm run --silent costshare:split -- FILE — splits a resident-paid item's cost over its flats
// (the same module as the web pages); no database needed. stdout carries one JSON object and
// nothing else, so it can be piped and compared; a refused scheme prints nothing on stdout and
// its reasons on stderr, in Chinese and English, and exits 2.
import { splitJson, splitScheme } from '../features/costshare/core/split.ts';
import { splitErrorBilingual } from '../features/costshare/messages.ts';
import { fail, problemLines, readJsonArgument } from './json-file-cli.ts';

async function main(): Promise<void> {
  const input = await readJsonArgument({
    zh: '用法：npm run --silent costshare:split -- 分摊方案.json',
    en: 'usage: npm run --silent costshare:split -- scheme.json',
  });
  if (!input) return;
  const result = splitScheme(input.data);
  if (!result.ok) {
    fail(`${input.file} 不是有效的分摊方案`, `${input.file} is not a valid cost-share scheme`, problemLines(result.errors.map(splitErrorBilingual)));
    return;
  }
  process.stdout.write(JSON.stringify(splitJson(result.split)) + '\n');
}

await main();

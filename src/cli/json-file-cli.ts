// The shape shared by the commands that read one JSON file and print one JSON object
// (ballot:recount, costshare:split): a refusal goes to stderr in Chinese and English, with
// exit code 2, and nothing to stdout, so stdout can be piped and compared.
import { readFile } from 'node:fs/promises';

export function fail(zh: string, en: string, details: string[] = []): void {
  process.stderr.write([`错误：${zh}`, `error: ${en}`, ...details].join('\n') + '\n');
  process.exitCode = 2;
}

/** The one file argument, read and parsed as JSON (a byte-order mark is allowed); null after a refusal. */
export async function readJsonArgument(usage: { zh: string; en: string }): Promise<{ file: string; data: unknown } | null> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    fail(usage.zh, usage.en);
    return null;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    fail(`无法读取文件 ${file}`, `cannot read ${file}`, [String((e as Error).message)]);
    return null;
  }
  try {
    return { file, data: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e) {
    fail(`${file} 不是有效的 JSON`, `${file} is not valid JSON`, [String((e as Error).message)]);
    return null;
  }
}

/** At most 20 problems, one a line, and how many more (of `total`, when only the first are given). */
export function problemLines(problems: string[], total = problems.length): string[] {
  const lines = problems.slice(0, 20).map((p) => `  ${p}`);
  const shown = Math.min(problems.length, 20);
  if (total > shown) lines.push(`  … 另有 ${total - shown} 处 / ${total - shown} more`);
  return lines;
}

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'src/cli/costshare-split.ts');

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
const dir = mkdtempSync(join(tmpdir(), 'costshare-split-'));
function tmpFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The example, one flat a floor: 0 / 0.6 / 0.9 of 1.5 → 0, 192,000.00, 288,000.00 (hand-computed). */
const SCHEME = {
  method: 'tiered',
  totalYuan: '480000.00',
  weightByArea: false,
  coefficients: { '1': '0', '2': '0.6', '3': '0.9' },
  flats: [
    { id: '3-2-101', floor: 1, areaM2: '85.23' },
    { id: '3-2-201', floor: 2, areaM2: '85.23' },
    { id: '3-2-301', floor: 3, areaM2: '85.23' },
  ],
};
const EXPECTED =
  '{"totalYuan":"480000.00","shares":[{"id":"3-2-101","yuan":"0.00"},{"id":"3-2-201","yuan":"192000.00"},{"id":"3-2-301","yuan":"288000.00"}]}\n';

describe('costshare:split CLI', () => {
  it('prints exactly one JSON object, the split, and exits 0', () => {
    const r = run([tmpFile('scheme.json', JSON.stringify(SCHEME, null, 2))]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(EXPECTED);
  });

  it('runs as npm run --silent costshare:split -- FILE with nothing else on stdout', () => {
    // The npm on PATH runs "node …": put the node running this test first, as a developer's shell would.
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
    const r = spawnSync('npm', ['run', '--silent', 'costshare:split', '--', tmpFile('npm.json', JSON.stringify(SCHEME))], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(EXPECTED);
  });

  it('accepts a file saved with a byte-order mark', () => {
    const r = run([tmpFile('bom.json', '\uFEFF' + JSON.stringify(SCHEME))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(EXPECTED);
  });

  it('a refused scheme exits 2 with every reason on stderr in Chinese and English, and nothing on stdout', () => {
    const bad = { ...SCHEME, coefficients: { '1': '0', '2': '-0.6' }, flats: [...SCHEME.flats, SCHEME.flats[0]] };
    const r = run([tmpFile('bad.json', JSON.stringify(bad))]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('不是有效的分摊方案');
    expect(r.stderr).toContain('is not a valid cost-share scheme');
    expect(r.stderr).toContain('coefficients["2"]：系数不能为负数 / coefficients["2"]: a coefficient cannot be negative');
    expect(r.stderr).toContain('flats[2].floor：3 层没有系数 / flats[2].floor: floor 3 has no coefficient');
    expect(r.stderr).toContain('flats[3].id：3-2-101 重复列出（首次在 flats[0]） / flats[3].id: flat 3-2-101 is listed twice (first at flats[0])');
  });

  it('all weights zero: exit 2, the reason, nothing on stdout', () => {
    const r = run([tmpFile('zero.json', JSON.stringify({ ...SCHEME, coefficients: { '1': '0', '2': '0', '3': '0' } }))]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('flats：所有户的权重都为 0，无法分摊 / flats: every flat has weight 0: there is nothing to split by');
  });

  it('a missing file, a file that is not JSON and no file: exit 2 with a clear error, nothing on stdout', () => {
    const missing = join(dir, 'no-such-scheme.json');
    const cases: [string[], RegExp, RegExp][] = [
      [[missing], /错误：无法读取文件 .*no-such-scheme\.json/, /error: cannot read .*no-such-scheme\.json/],
      [[tmpFile('x.json', '{"method":')], /错误：.*x\.json 不是有效的 JSON/, /error: .*x\.json is not valid JSON/],
      [[], /错误：用法：npm run --silent costshare:split -- 分摊方案\.json/, /error: usage: npm run --silent costshare:split -- scheme\.json/],
      [[missing, missing], /用法/, /usage/],
    ];
    for (const [args, zh, en] of cases) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(zh);
      expect(r.stderr).toMatch(en);
    }
  });
});

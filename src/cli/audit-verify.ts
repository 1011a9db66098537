// npm run audit:verify [-- --heads FILE] — proves the audit chain intact, or names the first
// broken entry; then checks every recorded daily head (and, with --heads, a copy of
// /api/audit/heads.json kept elsewhere) against the log: a history rewritten and re-hashed
// afterwards no longer carries the heads that were published.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { openForCli } from './open-for-cli.ts';
import { auditHeads, verifyAudit, verifyHeads } from '../features/audit/service.ts';
import { publishedHeads } from '../features/audit/heads-json.ts';

const { values } = parseArgs({ options: { heads: { type: 'string' } } });
const kept = values.heads ? publishedHeads(JSON.parse(fs.readFileSync(values.heads, 'utf8'))) : null;
if (kept && !kept.ok) {
  console.error(`无法读取链头文件：${kept.error}\ncannot read the heads file: ${kept.error}`);
  process.exit(2);
}

const open = await openForCli();
try {
  const res = await verifyAudit(open.db);
  if (res.ok) {
    console.log(`审计链完整：已校验 ${res.checked} 条，链头 ${res.head}\naudit chain intact: ${res.checked} entries checked, head ${res.head}`);
    const sources: [string, string, Awaited<ReturnType<typeof auditHeads>>][] = [['已记录的每日链头', 'recorded daily heads', await auditHeads(open.db)]];
    if (kept?.ok) sources.push([`文件 ${values.heads} 中的链头`, `heads in ${values.heads}`, kept.heads]);
    for (const [zh, en, heads] of sources) {
      const check = await verifyHeads(open.db, heads);
      if (check.ok) {
        console.log(`${zh}相符：${check.checked} 个\n${en} match: ${check.checked}`);
      } else {
        const why = {
          missing: ['该条目已不存在', 'the entry no longer exists'],
          hash: ['哈希不符', 'its hash differs'],
          order: ['链头倒退', 'the heads go backwards'],
        }[check.reason];
        console.error(
          `${zh}不符：${check.day} 的链头（第 ${check.entryId} 条）${why[0]}，历史已被改写\n${en} do not match: the head of ${check.day} (entry ${check.entryId}): ${why[1]}; the history was rewritten`,
        );
        process.exitCode = 1;
      }
    }
  } else {
    console.error(
      `审计链在第 ${res.brokenId} 条处断裂（${res.reason}），此前 ${res.checked} 条完好\naudit chain broken at entry ${res.brokenId} (${res.reason}); ${res.checked} entries before it are intact`,
    );
    process.exitCode = 1;
  }
} finally {
  await open.close();
}

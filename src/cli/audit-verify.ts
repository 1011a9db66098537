// npm run audit:verify — proves the audit chain intact, or names the first broken entry.
import { openForCli } from './open-for-cli.ts';
import { verifyAudit } from '../features/audit/service.ts';

const open = await openForCli();
try {
  const res = await verifyAudit(open.db);
  if (res.ok) {
    console.log(`审计链完整：已校验 ${res.checked} 条，链头 ${res.head}\naudit chain intact: ${res.checked} entries checked, head ${res.head}`);
  } else {
    console.error(`审计链在第 ${res.brokenId} 条处断裂（${res.reason}），此前 ${res.checked} 条完好\naudit chain broken at entry ${res.brokenId} (${res.reason}); ${res.checked} entries before it are intact`);
    process.exitCode = 1;
  }
} finally {
  await open.close();
}

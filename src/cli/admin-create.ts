// npm run admin:create -- --phone 13800000000 --name 张三   (password from GONGZHI_ADMIN_PASSWORD or asked for)
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { openForCli } from './open-for-cli.ts';
import { createAdminInput } from '../features/accounts/schemas.ts';
import { createDistrictAdmin } from '../features/accounts/service.ts';
import { hasKey, translator, type MessageKey } from '../i18n/index.ts';

const { values } = parseArgs({ options: { phone: { type: 'string' }, name: { type: 'string' } } });
let password = process.env.GONGZHI_ADMIN_PASSWORD ?? '';
if (!password && process.stdin.isTTY) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question('密码 / password: ');
  rl.close();
}
const parsed = createAdminInput.safeParse({ phone: values.phone ?? '', displayName: values.name ?? '', password });
const zh = translator('zh');
const en = translator('en');
const say = (key: MessageKey) => `${zh(key)} / ${en(key)}`;
if (!parsed.success) {
  for (const issue of parsed.error.issues) {
    const key = hasKey(issue.message) ? issue.message : 'err.required';
    console.error(`--${String(issue.path[0])}: ${say(key)}`);
  }
  console.error('用法 / usage: npm run admin:create -- --phone 13800000000 --name 姓名 (GONGZHI_ADMIN_PASSWORD=…)');
  process.exit(2);
}
const open = await openForCli();
try {
  const res = await createDistrictAdmin(open.db, parsed.data);
  if (!res.ok) {
    console.error(say(res.error));
    process.exitCode = 2;
  } else {
    console.log(`已创建区管理员 #${res.id} / created district admin #${res.id}`);
  }
} finally {
  await open.close();
}

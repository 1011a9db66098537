// npm run admin:create -- --phone 13800000000 --name 张三 --district 410411   (or --district ZH; or --province)
// (password from GONGZHI_ADMIN_PASSWORD or asked for). A district admin administers one district, named
// by its GB/T 2260 code or its project-code prefix; a province admin reads everything and manages districts.
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { openForCli } from './open-for-cli.ts';
import { createAdminInput } from '../features/accounts/schemas.ts';
import { createDistrictAdmin } from '../features/accounts/service.ts';
import { hasKey, translator, type MessageKey } from '../i18n/index.ts';

const { values } = parseArgs({ options: { phone: { type: 'string' }, name: { type: 'string' }, district: { type: 'string' }, province: { type: 'boolean' } } });
let password = process.env.GONGZHI_ADMIN_PASSWORD ?? '';
if (!password && process.stdin.isTTY) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question('密码 / password: ');
  rl.close();
}
const parsed = createAdminInput.safeParse({ phone: values.phone ?? '', displayName: values.name ?? '', password });
const USAGE = '用法 / usage: npm run admin:create -- --phone 13800000000 --name 姓名 (--district 410411 | --province) (GONGZHI_ADMIN_PASSWORD=…)';
const zh = translator('zh');
const en = translator('en');
const say = (key: MessageKey) => `${zh(key)} / ${en(key)}`;
if (!parsed.success) {
  for (const issue of parsed.error.issues) {
    const key = hasKey(issue.message) ? issue.message : 'err.required';
    console.error(`--${String(issue.path[0])}: ${say(key)}`);
  }
  console.error(USAGE);
  process.exit(2);
}
if (Boolean(values.province) === Boolean(values.district)) {
  console.error('--district 或 --province 二选一 / give either --district CODE or --province');
  console.error(USAGE);
  process.exit(2);
}
const open = await openForCli();
try {
  let districtId: number | null = null;
  if (values.district) {
    const code = values.district.trim().toUpperCase();
    const d = await open.db
      .selectFrom('districts')
      .select(['id', 'name', 'name_en'])
      .where((eb) => eb.or([eb('code', '=', code), eb('code_prefix', '=', code)]))
      .executeTakeFirst();
    if (!d) {
      console.error(`--district ${values.district}: ${say('err.notFound')}`);
      process.exit(2);
    }
    districtId = d.id;
  }
  const res = await createDistrictAdmin(open.db, { ...parsed.data, districtId });
  if (!res.ok) {
    console.error(say(res.error));
    process.exitCode = 2;
  } else if (districtId === null) {
    console.log(`已创建省管理员 #${res.id} / created province admin #${res.id}`);
  } else {
    console.log(`已创建区管理员 #${res.id} / created district admin #${res.id}`);
  }
} finally {
  await open.close();
}

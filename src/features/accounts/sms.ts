import { createHash, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

/** Where text messages go. Production plugs in a provider; development and tests use the outbox. */
export interface SmsSender {
  send(phone: string, body: string): Promise<void>;
}

/** Writes messages to the sms_outbox table and the server log; it does not pretend to be a provider. */
export function outboxSender(db: Kysely<Database>, log: (line: string) => void = console.log): SmsSender {
  return {
    async send(phone, body) {
      await db.insertInto('sms_outbox').values({ phone, body }).execute();
      log(`[短信发件箱 / SMS outbox] ${phone}: ${body}`);
    },
  };
}

const CODE_MINUTES = 10;
const MAX_ATTEMPTS = 5;
const hashCode = (phone: string, code: string) => createHash('sha256').update(`${phone}:${code}`).digest('hex');

export async function issueCode(db: Kysely<Database>, sender: SmsSender, phone: string, purpose: 'signup' | 'reset', now = new Date()): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.updateTable('sms_codes').set({ consumed_at: now }).where('phone', '=', phone).where('purpose', '=', purpose).where('consumed_at', 'is', null).execute();
  await db.insertInto('sms_codes').values({ phone, purpose, code_hash: hashCode(phone, code), expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000) }).execute();
  const what = purpose === 'signup' ? '注册验证码' : '重置密码验证码';
  await sender.send(phone, `【共治】您的${what}是 ${code}，${CODE_MINUTES} 分钟内有效。如非本人操作请忽略。`);
}

/** Consumes a code once; wrong guesses count, and a code dies after five of them. */
export async function checkCode(db: Kysely<Database>, phone: string, purpose: 'signup' | 'reset', code: string, now = new Date()): Promise<boolean> {
  const row = await db
    .selectFrom('sms_codes')
    .select(['id', 'code_hash', 'attempts', 'expires_at'])
    .where('phone', '=', phone).where('purpose', '=', purpose).where('consumed_at', 'is', null)
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row || row.expires_at.getTime() <= now.getTime() || row.attempts >= MAX_ATTEMPTS) return false;
  if (row.code_hash !== hashCode(phone, code.trim())) {
    await db.updateTable('sms_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', row.id).execute();
    return false;
  }
  const consumed = await db.updateTable('sms_codes').set({ consumed_at: now }).where('id', '=', row.id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(consumed.numUpdatedRows) === 1;
}

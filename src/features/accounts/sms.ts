import { createHash, randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { maskMobile } from './mobile.ts';
import type { SmsSetting } from '../../lib/config.ts';

/** Where text messages go: the provider chosen by configuration (GONGZHI_SMS). */
export interface SmsSender {
  send(phone: string, body: string): Promise<void>;
}

/**
 * Writes messages to the sms_outbox table; it does not pretend to be a provider. In demo mode
 * the log shows each message (the person trying the portal reads the code there); otherwise
 * the log says only that a message to a masked number was stored: no body, no code.
 */
export function outboxSender(db: Kysely<Database>, log: (line: string) => void = console.log, showBodies = false): SmsSender {
  return {
    async send(phone, body) {
      await db.insertInto('sms_outbox').values({ phone, body }).execute();
      // never the whole number, not even in demo mode: the log holds no phone number
      log(showBodies ? `[短信发件箱 / SMS outbox] ${maskMobile(phone)}: ${body}` : `[短信发件箱 / SMS outbox] ${maskMobile(phone)}`);
    },
  };
}

/** Posts each message to the configured gateway; a failure names the HTTP status only (never the body). */
export function webhookSender(url: string, token: string | null, fetchImpl: typeof fetch = fetch): SmsSender {
  return {
    async send(phone, body) {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ to: phone, body }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`短信网关拒绝 / SMS gateway refused: HTTP ${res.status}`);
    },
  };
}

/**
 * The test provider (GONGZHI_SMS=file): appends one JSON line a text, { time, to, body }, to
 * `file`, which only the server's user may read (created with mode 0600, narrowed to it if it
 * was wider), so that the e2e suite and the staff of a staging site read the codes without
 * demo mode. The log says only that a text to a masked number was written.
 */
export function fileSender(file: string, log: (line: string) => void = console.log): SmsSender {
  let narrowed = false;
  return {
    async send(phone, body) {
      if (!narrowed) await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const handle = await fs.open(file, 'a', 0o600);
      try {
        if (!narrowed) await handle.chmod(0o600);
        narrowed = true;
        // one write of a whole line in append mode: lines of several workers never interleave
        await handle.write(`${JSON.stringify({ time: new Date().toISOString(), to: phone, body })}\n`);
      } finally {
        await handle.close();
      }
      log(`[短信测试文件 / SMS test file] ${maskMobile(phone)}`);
    },
  };
}

/**
 * The sender of the configured provider (GONGZHI_SMS), or null when none is configured:
 * texting features then refuse (err.smsUnavailable). `outbox` is the demo and test sender
 * (the sms_outbox table, read on /dev/sms-outbox in demo mode); `webhook` posts JSON
 * { to, body } to the operator's own gateway (a relay to a carrier's or a cloud SMS API)
 * with a bearer token; `file` is the test provider that works with demo mode off (fileSender).
 */
export function senderFor(provider: SmsSetting, db: Kysely<Database>, demo: boolean): SmsSender | null {
  if (provider.kind === 'outbox') return outboxSender(db, console.log, demo);
  if (provider.kind === 'webhook') return webhookSender(provider.url, provider.token);
  if (provider.kind === 'file') return fileSender(provider.path);
  return null;
}

const CODE_MINUTES = 10;
const MAX_ATTEMPTS = 5;
export const CODE_LIFETIME_MS = CODE_MINUTES * 60_000;
export const MAX_CODE_ATTEMPTS = MAX_ATTEMPTS;
export const hashCode = (scope: string, code: string) => createHash('sha256').update(`${scope}:${code}`).digest('hex');
export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
export const codeText = (purpose: 'signup' | 'reset', code: string) =>
  `【共治】您的${purpose === 'signup' ? '注册验证码' : '重置密码验证码'}是 ${code}，${CODE_MINUTES} 分钟内有效。如非本人操作请忽略。`;

export async function issueCode(db: Kysely<Database>, sender: SmsSender, phone: string, purpose: 'signup' | 'reset', now = new Date()): Promise<void> {
  const code = newCode();
  await db
    .updateTable('sms_codes')
    .set({ consumed_at: now })
    .where('phone', '=', phone)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .execute();
  await db
    .insertInto('sms_codes')
    .values({ phone, purpose, code_hash: hashCode(phone, code), expires_at: new Date(now.getTime() + CODE_LIFETIME_MS) })
    .execute();
  await sender.send(phone, codeText(purpose, code));
}

/** Consumes a code once; wrong guesses count, and a code dies after five of them. */
export async function checkCode(db: Kysely<Database>, phone: string, purpose: 'signup' | 'reset', code: string, now = new Date()): Promise<boolean> {
  const row = await db
    .selectFrom('sms_codes')
    .select(['id', 'code_hash', 'attempts', 'expires_at'])
    .where('phone', '=', phone)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= now.getTime() || row.attempts >= MAX_ATTEMPTS) return false;
  if (row.code_hash !== hashCode(phone, code.trim())) {
    await db
      .updateTable('sms_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    return false;
  }
  const consumed = await db.updateTable('sms_codes').set({ consumed_at: now }).where('id', '=', row.id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(consumed.numUpdatedRows) === 1;
}

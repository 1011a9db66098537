import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig, startupNotes } from '../../src/lib/config.ts';
import { clientAddressOf, sameOriginMutation, siteOrigin, type RequestFacts } from '../../src/lib/http/origin.ts';
import { safeNext } from '../../src/i18n/prefs.ts';
import { fileSender, outboxSender, senderFor, webhookSender } from '../../src/features/accounts/sms.ts';

// "Trust first" #11, #12 and #13 (the ?next= part): safe defaults, the site's origin behind
// a reverse proxy, and redirects that stay on the site.

describe('demo mode is on by default only on a loopback host', () => {
  it('is on for the embedded database on 127.0.0.1, ::1 and localhost', () => {
    for (const HOST of [undefined, '127.0.0.1', '::1', 'localhost', '127.1.2.3']) expect(readConfig({ HOST }).demo).toBe(true);
  });
  it('is off on any other host unless GONGZHI_DEMO=1, and the start-up log says so in both languages', () => {
    const open = readConfig({ HOST: '0.0.0.0' });
    expect(open.demo).toBe(false);
    expect(startupNotes(open).join('\n')).toMatch(/演示模式已关闭.*GONGZHI_DEMO=1.*Demo mode off/);
    const forced = readConfig({ HOST: '0.0.0.0', GONGZHI_DEMO: '1' });
    expect(forced.demo).toBe(true);
    expect(startupNotes(forced).join('\n')).toMatch(/演示模式（GONGZHI_DEMO=1）.*Demo mode \(GONGZHI_DEMO=1\)/);
    expect(readConfig({ HOST: '192.168.1.5' }).demo).toBe(false);
  });
  it('lists each missing optional setting outside demo mode, in both languages', () => {
    const c = readConfig({ HOST: '0.0.0.0' });
    expect(c.missing.map((m) => m.name)).toEqual(['GONGZHI_SMS', 'GONGZHI_ID_KEY', 'PUBLIC_BASE_URL']);
    const log = startupNotes(c);
    for (const name of ['GONGZHI_SMS', 'GONGZHI_ID_KEY', 'PUBLIC_BASE_URL'])
      expect(log.some((l) => l.includes(`缺少设置 ${name}`) && l.includes(`Missing setting ${name}`))).toBe(true);
    const complete = readConfig({
      HOST: '0.0.0.0',
      GONGZHI_SMS: 'webhook',
      GONGZHI_SMS_WEBHOOK_URL: 'https://sms.gateway.test/send',
      GONGZHI_ID_KEY: 'v1:x',
      PUBLIC_BASE_URL: 'https://gz.example',
    });
    expect(complete.missing).toEqual([]);
    expect(complete.sms).toEqual({ kind: 'webhook', url: 'https://sms.gateway.test/send', token: null });
    expect(readConfig({ HOST: '0.0.0.0', GONGZHI_SMS: 'webhook' }).missing[0]!.name).toBe('GONGZHI_SMS_WEBHOOK_URL');
    expect(readConfig({}).missing).toEqual([]); // demo mode needs none
  });
});

describe('SMS providers', () => {
  it('chooses the outbox in demo mode and none elsewhere unless configured', () => {
    expect(readConfig({}).sms).toEqual({ kind: 'outbox' });
    expect(readConfig({ HOST: '0.0.0.0' }).sms).toEqual({ kind: 'none' });
    expect(senderFor({ kind: 'none' }, null as never, false)).toBeNull();
  });
  it('keeps message bodies and codes out of the log outside demo mode', async () => {
    const lines: string[] = [];
    const fakeDb = { insertInto: () => ({ values: () => ({ execute: async () => [] }) }) } as never;
    await outboxSender(fakeDb, (l) => lines.push(l), false).send('13812345678', '【共治】您的注册验证码是 493021');
    expect(lines.join('\n')).not.toMatch(/493021|验证码|13812345678/);
    await outboxSender(fakeDb, (l) => lines.push(l), true).send('13812345678', '【共治】您的注册验证码是 493021');
    expect(lines.at(-1)).toContain('493021');
    // the demo log shows the code to the person trying the portal, never the whole number
    expect(lines.at(-1)).not.toContain('13812345678');
  });
  it('writes to the test file only with GONGZHI_SMS_FILE, demo mode on or off, and says so at start-up', () => {
    const c = readConfig({
      HOST: '0.0.0.0',
      GONGZHI_SMS: 'file',
      GONGZHI_SMS_FILE: 'tmp/sms.jsonl',
      GONGZHI_ID_KEY: 'v1:x',
      PUBLIC_BASE_URL: 'https://gz.example',
    });
    expect(c.demo).toBe(false);
    expect(c.sms).toEqual({ kind: 'file', path: path.resolve('tmp/sms.jsonl') });
    expect(c.missing).toEqual([]);
    expect(startupNotes(c).join('\n')).toContain(`SMS go to the test file ${path.resolve('tmp/sms.jsonl')} only`);
    expect(readConfig({ GONGZHI_SMS: 'file', GONGZHI_SMS_FILE: '/x/o.jsonl' }).sms).toEqual({ kind: 'file', path: '/x/o.jsonl' });
    const without = readConfig({ HOST: '0.0.0.0', GONGZHI_SMS: 'file' });
    expect(without.sms).toEqual({ kind: 'none' });
    expect(without.missing[0]!.name).toBe('GONGZHI_SMS_FILE');
  });
  it('appends one JSON line a text to a file only its owner reads, and logs neither the number nor the body', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gz-sms-'));
    try {
      const file = path.join(dir, 'sub', 'outbox.jsonl');
      const lines: string[] = [];
      const sender = fileSender(file, (l) => lines.push(l));
      await Promise.all([sender.send('13812345678', '【共治】您的注册验证码是 493021'), sender.send('13900001111', '第二条\n两行')]);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const texts = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { time: string; to: string; body: string });
      expect(texts.map(({ to, body }) => ({ to, body })).sort((a, b) => a.to.localeCompare(b.to))).toEqual([
        { to: '13812345678', body: '【共治】您的注册验证码是 493021' },
        { to: '13900001111', body: '第二条\n两行' },
      ]);
      expect(texts.every((t) => !Number.isNaN(Date.parse(t.time)))).toBe(true);
      expect(lines.join('\n')).not.toMatch(/493021|验证码|第二条|13812345678|13900001111/);
      // a file made wider by hand is narrowed again by the next server
      fs.chmodSync(file, 0o644);
      await fileSender(file, () => {}).send('13812345678', 'again');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
      expect(senderFor({ kind: 'file', path: file }, null as never, false)).not.toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('posts to the webhook with its token and reports a refusal by status only', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const ok = webhookSender(
      'https://sms.gateway.test/send',
      's3cret',
      (async (url: string, init: RequestInit) => (calls.push({ url, init }), new Response(null, { status: 204 }))) as never,
    );
    await ok.send('13812345678', 'hello 123456');
    expect(calls[0]!.url).toBe('https://sms.gateway.test/send');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ to: '13812345678', body: 'hello 123456' });
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer s3cret');
    const refused = webhookSender('https://sms.gateway.test/send', null, (async () => new Response('quota', { status: 429 })) as never);
    await expect(refused.send('13812345678', 'hello 123456')).rejects.toThrow(/HTTP 429/);
    await refused.send('13812345678', 'hello 123456').catch((e: Error) => expect(e.message).not.toContain('123456'));
  });
});

describe('the site origin behind an HTTPS reverse proxy', () => {
  const facts = (f: Partial<RequestFacts>): RequestFacts => ({
    encrypted: false,
    host: '127.0.0.1:4321',
    forwardedProto: null,
    forwardedHost: null,
    forwardedFor: null,
    peer: '127.0.0.1',
    ...f,
  });
  const plain = readConfig({});
  it('is PUBLIC_BASE_URL when set', () => {
    const c = readConfig({ PUBLIC_BASE_URL: 'https://gz.example/' });
    expect(siteOrigin(facts({}), c)).toBe('https://gz.example');
    expect(sameOriginMutation('POST', 'https://gz.example', null, siteOrigin(facts({}), c))).toBe(true);
    expect(sameOriginMutation('POST', 'http://127.0.0.1:4321', null, siteOrigin(facts({}), c))).toBe(false);
  });
  it('believes X-Forwarded-Proto and Host only from a TRUST_PROXY address', () => {
    const behind = facts({ host: 'gz.example', forwardedProto: 'https', peer: '::ffff:10.0.0.2' });
    expect(siteOrigin(behind, plain)).toBe('http://gz.example');
    expect(siteOrigin(behind, readConfig({ TRUST_PROXY: '10.0.0.2' }))).toBe('https://gz.example');
    expect(siteOrigin(facts({ forwardedProto: 'https', forwardedHost: 'gz.example', peer: '10.0.0.2' }), readConfig({ TRUST_PROXY: '10.0.0.2' }))).toBe(
      'https://gz.example',
    );
    expect(siteOrigin(facts({ forwardedProto: 'https', forwardedHost: 'evil.example', peer: '10.0.0.9' }), readConfig({ TRUST_PROXY: '10.0.0.2' }))).toBe(
      'http://127.0.0.1:4321',
    );
  });
  it('takes the client address from X-Forwarded-For only behind a trusted proxy', () => {
    const c = readConfig({ TRUST_PROXY: '10.0.0.2,10.0.0.3' });
    expect(clientAddressOf(facts({ peer: '10.0.0.2', forwardedFor: '6.6.6.6, 203.0.113.5, 10.0.0.3' }), c)).toBe('203.0.113.5');
    expect(clientAddressOf(facts({ peer: '198.51.100.1', forwardedFor: '6.6.6.6' }), c)).toBe('198.51.100.1');
  });
});

describe('?next= stays on the site', () => {
  it('refuses off-site and control-character paths, keeps same-site ones', () => {
    for (const bad of [
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\nSet-Cookie: x=1',
      '/\\/evil.example',
      '//evil.example',
      'https://evil.example',
      '/\u0000x',
    ])
      expect(safeNext(bad)).toBe('/');
    expect(safeNext('/ballots/3?tab=roll#vote')).toBe('/ballots/3?tab=roll#vote');
    expect(safeNext('/%09/evil.example')).toBe('/%09/evil.example'); // still a path here: %09 stays encoded
    expect(safeNext('/项目')).toBe('/%E9%A1%B9%E7%9B%AE');
  });
});

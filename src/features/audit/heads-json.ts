import { z } from 'zod';
import type { RecordedHead } from './chain.ts';

// The published form of the daily heads (/api/audit/heads.json), and reading a kept copy back.

export interface HeadsDocument {
  /** what the file is, for a reader who finds it without context */
  about: { zh: string; en: string };
  heads: RecordedHead[];
}

export function headsDocument(heads: RecordedHead[]): HeadsDocument {
  return {
    about: {
      zh: '审计日志哈希链的每日链头（上海时间每天首次写入或启动时记录）：第 entryId 条的哈希。请保存一份；日后可用 npm run audit:verify -- --heads 文件 核对历史未被改写。',
      en: 'Daily heads of the audit log hash chain (recorded at the first write or start-up of each Asia/Shanghai day): the hash of entry entryId. Keep a copy; `npm run audit:verify -- --heads FILE` later proves the history was not rewritten.',
    },
    heads,
  };
}

const headSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  entryId: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A kept copy of heads.json (or a bare array of heads). */
export function publishedHeads(json: unknown): { ok: true; heads: RecordedHead[] } | { ok: false; error: string } {
  const list = Array.isArray(json) ? json : (json as { heads?: unknown } | null)?.heads;
  const parsed = z.array(headSchema).safeParse(list);
  return parsed.success ? { ok: true, heads: parsed.data } : { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid' };
}

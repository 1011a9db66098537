import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { publicStore } from '../../../lib/files/private-store.ts';
import { documentById } from '../../../features/projects/disclosure.ts';
import { problem } from '../../../lib/http/responses.ts';
import { parseId } from '../../../lib/input.ts';
import { servedFileName } from '../../../lib/files/names.ts';

/** Published documents only; served with their recorded type (sniffed at upload), under a name with its extension. */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const id = parseId(params.id);
  const doc = id !== null ? await documentById(await db(), id) : null;
  if (!doc) return problem(404, '文件不存在', 'No such file', locals.lang);
  const bytes = await publicStore().get(doc.storage_key);
  if (!bytes) return problem(404, '文件不存在', 'No such file', locals.lang);
  const disposition = url.searchParams.has('download') ? 'attachment' : 'inline';
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': doc.mime,
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(servedFileName(doc.file_name, doc.mime))}`,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${doc.sha256}"`,
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
};

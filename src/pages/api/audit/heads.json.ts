import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { json } from '../../../lib/http/responses.ts';
import { auditHeads } from '../../../features/audit/service.ts';
import { headsDocument } from '../../../features/audit/heads-json.ts';

/**
 * The daily heads of the audit chain, oldest first. Not in the page cache: heads are not
 * disclosures and do not bump the disclosure version.
 */
export const GET: APIRoute = async () => json(headsDocument(await auditHeads(await db())), { headers: { 'Cache-Control': 'public, max-age=60' } });

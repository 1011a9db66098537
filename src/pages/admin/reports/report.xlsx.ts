import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { reportDownload } from '../../../features/reports/download.ts';

/** The month's report as .xlsx (see the reports feature). */
export const GET: APIRoute = async ({ url, locals }) => reportDownload(await db(), locals.user, locals.lang, url.searchParams, 'xlsx');

import { fileTypeFromBuffer } from 'file-type';
import { db, type DB } from '../../lib/db/index.ts';
import { problem } from '../../lib/http/responses.ts';
import { can, type Verb } from '../policy/can.ts';
import { ballotResource } from './web-queries.ts';
import { privateStore } from '../../lib/files/private-store.ts';
import { appendAudit } from '../audit/service.ts';
import { PROOF_TYPES } from '../../lib/files/upload-check.ts';
import type { SessionUser } from '../accounts/session.ts';
import { translator, type Lang, type MessageKey } from '../../i18n/index.ts';

const zh = translator('zh');
const en = translator('en');
const refuse = (status: number, key: MessageKey, lang: Lang) => problem(status, zh(key), en(key), lang);

/** A stored scan of a ballot's evidence (a signed paper ballot, a mandate, a committee signature): only for the office, each view in the audit log. */
export async function ballotScanResponse(input: {
  user: SessionUser | null;
  lang: Lang;
  ballotParam: string | undefined;
  itemParam: string | undefined;
  /** who may read it: staff who enter paper ballots (the default), or those who manage the ballot */
  verb?: Verb;
  /** the scan's storage key, if the item belongs to the ballot */
  find: (database: DB, ballotId: number, itemId: number) => Promise<string | null | undefined>;
  audit: (itemId: number) => { action: string; detail: Record<string, unknown> };
}): Promise<Response> {
  const { user, lang } = input;
  if (!user) return refuse(401, 'err.signInFirst', lang);
  const database = await db();
  const ballot = await ballotResource(database, Number(input.ballotParam));
  const itemId = Number(input.itemParam);
  if (!ballot || !Number.isSafeInteger(itemId) || itemId <= 0 || itemId > 2 ** 53) return refuse(404, 'err.noSuchFile', lang);
  if (!can(user, input.verb ?? 'ballot.enterPaper', ballot)) return refuse(403, 'err.forbidden', lang);
  const key = await input.find(database, ballot.ballotId, itemId);
  const bytes = key ? await privateStore().get(key) : null;
  if (!bytes) return refuse(404, 'err.noSuchFile', lang);
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !PROOF_TYPES.has(type.mime)) return refuse(404, 'err.noSuchFile', lang);
  const { action, detail } = input.audit(itemId);
  await database.transaction().execute((trx) => appendAudit(trx, { actorUserId: user.id, action, target: `ballot:${ballot.ballotId}`, detail }));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': type.mime,
      'Cache-Control': 'private, no-store',
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
}

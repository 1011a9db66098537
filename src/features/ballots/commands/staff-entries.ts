import type { z } from 'zod';
import { countedOnlineCast, recordCast } from '../service.ts';
import { recordProxy, revokeProxy } from '../proxies-service.ts';
import { MATTER_CODES, choicesOf, type paperInput, type proxyInput, type revokeProxyInput } from '../web-schemas.ts';
import { refuse, storeScan, type CommandActor, type DB } from './result.ts';

// What staff enter for owners who did not vote online themselves: paper ballots, proxies'
// ballots (授权委托书) and the developer's, and the written mandates that let a proxy vote online.

/**
 * A paper ballot, a proxy's ballot or the developer's, with the mandate and a scan. Over a
 * ballot the household cast online it is a deliberate act, confirmed with a reason. The scan
 * is stored only once every other check has passed. `now` is the database's clock unless given.
 */
export async function enterPaperCommand(db: DB, actor: CommandActor, input: z.infer<typeof paperInput>, now?: Date) {
  const ballot = await db.selectFrom('ballots').select('status').where('id', '=', input.ballotId).executeTakeFirst();
  if (ballot?.status !== 'open') return refuse('err.ballotNotOpen');
  const voter = await db
    .selectFrom('ballot_voters')
    .select(['id', 'developer'])
    .where('ballot_id', '=', input.ballotId)
    .where('code', '=', input.voter)
    .executeTakeFirst();
  if (!voter) return refuse('err.noSuchVoter', 'voter');
  if (voter.developer !== (input.channel === 'developer')) return refuse('err.developerChannel', 'channel');
  const matters = await db.selectFrom('ballot_matters').select('code').where('ballot_id', '=', input.ballotId).execute();
  const codes = matters.map((m) => m.code);
  const posted = input as Record<string, unknown>;
  if (MATTER_CODES.some((c) => !codes.includes(c) && posted[c] !== undefined && posted[c] !== 'blank')) return refuse('err.unknownMatter');
  const choices = choicesOf(input, codes);
  if (Object.keys(choices).length === 0) return refuse('err.noChoice', codes[0] ?? 'm1');
  // an empty file field is no scan at all
  if (input.scan.size === 0) return refuse('err.scanRequired', 'scan');
  const online = await countedOnlineCast(db, input.ballotId, voter.id);
  const votedOnline = online ? { at: online.at.toISOString(), right: online.right } : undefined;
  if (online && input.confirmOverride !== 'yes') return { ...refuse('err.votedOnline', 'confirmOverride'), votedOnline };
  if (online && !input.overrideReason) return { ...refuse('err.overrideReason', 'overrideReason'), votedOnline };
  const stored = await storeScan(input.scan, 'scan');
  if (!stored.ok) return stored;
  const res = await recordCast(
    db,
    {
      ballotId: input.ballotId,
      voterId: voter.id,
      castBy: actor.id,
      channel: input.channel,
      choices,
      mandate: input.mandate,
      scanStorageKey: stored.key,
      overrideReason: online ? input.overrideReason : null,
    },
    now,
  );
  return res.ok ? { ok: true as const, receipt: res.receipt, voter: input.voter } : res;
}

/** Records a written mandate checked by staff, with its scan: the named account may then cast that voter's ballot online. */
export async function recordProxyCommand(db: DB, actor: CommandActor, input: z.infer<typeof proxyInput>, now?: Date) {
  const stored = await storeScan(input.scan, 'scan');
  if (!stored.ok) return stored;
  return recordProxy(
    db,
    actor.id,
    {
      ballotId: input.ballotId,
      voterCode: input.grantor.voter,
      proxyPhone: input.proxyPhone,
      grantedByOwnerId: input.grantor.ownerId,
      mandate: input.mandate,
      scanStorageKey: stored.key,
    },
    now,
  );
}

/** Revokes a recorded mandate of this ballot. */
export async function revokeProxyCommand(db: DB, actor: CommandActor, input: z.infer<typeof revokeProxyInput>, now?: Date) {
  return revokeProxy(db, actor.id, input.ballotId, input.proxyId, now);
}

import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { holdsFlatOf } from './holdings.ts';
import { refuse } from '../../i18n/index.ts';

// Online proxy voting (授权委托书): an owner authorises someone in writing; staff check the
// signed mandate, keep its scan and name the account that may then cast that voter's
// ballot online. Each cast records the proxy as its caster and the mandate as its basis.
// A mandate lapses when the owner who signed it no longer holds a flat of the voter.

type DB = Kysely<Database>;

export interface ProxyInput {
  ballotId: number;
  voterCode: string;
  proxyPhone: string;
  grantedByOwnerId: number;
  mandate: string;
  scanStorageKey: string;
}

export async function recordProxy(db: DB, actorUserId: number, input: ProxyInput, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const ballot = await trx.selectFrom('ballots').select(['status', 'closes_at']).where('id', '=', input.ballotId).executeTakeFirst();
    if (!ballot || ballot.status !== 'open' || now >= ballot.closes_at) return refuse('err.ballotNotOpen');
    const voter = await trx
      .selectFrom('ballot_voters')
      .select(['id', 'developer'])
      .where('ballot_id', '=', input.ballotId)
      .where('code', '=', input.voterCode)
      .executeTakeFirst();
    if (!voter) return refuse('err.noSuchVoter', 'grantor');
    if (voter.developer) return refuse('err.proxyDeveloper', 'grantor');
    const grantor = await sql<{ holds: boolean }>`
      select ${holdsFlatOf(voter.id, input.grantedByOwnerId)} as holds
      from ballot_voter_owners bvo where bvo.voter_id = ${voter.id} and bvo.register_owner_id = ${input.grantedByOwnerId}`.execute(trx);
    if (!grantor.rows[0]?.holds) return refuse('err.grantorNotOwner', 'grantor');
    const proxy = await trx.selectFrom('users').select(['id', 'disabled_at']).where('phone', '=', input.proxyPhone).executeTakeFirst();
    if (!proxy || proxy.disabled_at) return refuse('err.noSuchAccount', 'proxyPhone');
    const active = await trx
      .selectFrom('ballot_proxies')
      .select('id')
      .where('voter_id', '=', voter.id)
      .where('proxy_user_id', '=', proxy.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (active) return refuse('err.proxyExists', 'proxyPhone');
    const row = await trx
      .insertInto('ballot_proxies')
      .values({
        ballot_id: input.ballotId,
        voter_id: voter.id,
        proxy_user_id: proxy.id,
        granted_by_owner_id: input.grantedByOwnerId,
        mandate: input.mandate,
        scan_storage_key: input.scanStorageKey,
        recorded_by: actorUserId,
        recorded_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.proxy.record',
      target: `ballot:${input.ballotId}`,
      detail: { proxyId: row.id, voter: input.voterCode, proxyUserId: proxy.id, grantedByOwnerId: input.grantedByOwnerId, scan: input.scanStorageKey },
    });
    return { ok: true as const, proxyId: row.id };
  });
}

export async function revokeProxy(db: DB, actorUserId: number, ballotId: number, proxyId: number, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('ballot_proxies')
      .set({ revoked_at: now, revoked_by: actorUserId })
      .where('id', '=', proxyId)
      .where('ballot_id', '=', ballotId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return refuse('err.notFound');
    await appendAudit(trx, { actorUserId, action: 'ballot.proxy.revoke', target: `ballot:${ballotId}`, detail: { proxyId } });
    return { ok: true as const };
  });
}

/** The mandates of a ballot for the office: who may cast for which voter, on whose signature. */
export function proxiesOf(db: DB, ballotId: number) {
  return db
    .selectFrom('ballot_proxies')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_proxies.voter_id')
    .innerJoin('users as proxy', 'proxy.id', 'ballot_proxies.proxy_user_id')
    .innerJoin('register_owners', 'register_owners.id', 'ballot_proxies.granted_by_owner_id')
    .innerJoin('users as staff', 'staff.id', 'ballot_proxies.recorded_by')
    .where('ballot_proxies.ballot_id', '=', ballotId)
    .select([
      'ballot_proxies.id',
      'ballot_voters.code',
      'proxy.phone as proxy_phone',
      'proxy.display_name as proxy_name',
      'register_owners.name as granted_by',
      'ballot_proxies.mandate',
      'ballot_proxies.recorded_at',
      'staff.display_name as recorded_by',
      'ballot_proxies.revoked_at',
    ])
    .orderBy('ballot_proxies.id', 'desc')
    .execute();
}

/** The owners on the frozen roll who may sign a mandate for a voter (still holding one of its flats). */
export async function grantorsOf(db: DB, ballotId: number) {
  const res = await sql<{ code: string; owner_id: number; name: string }>`
    select bv.code, ro.id as owner_id, ro.name
    from ballot_voters bv join ballot_voter_owners bvo on bvo.voter_id = bv.id join register_owners ro on ro.id = bvo.register_owner_id
    where bv.ballot_id = ${ballotId} and not bv.developer and ${holdsFlatOf(sql.ref('bv.id'), sql.ref('bvo.register_owner_id'))}
    order by bv.code, ro.id`.execute(db);
  return res.rows;
}

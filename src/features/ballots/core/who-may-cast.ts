// Who may cast a voter's ballot online, and by what right — the TypeScript form of the one
// rule whose SQL form is gz_cast_voters (db/functions/gz_cast_voters.sql). Pure: it is given
// the facts (the frozen roll, who holds which flat now, the actor's claims, the recorded
// mandates, the actor's account) and answers; tests/integration/who-may-cast-contract.test.ts
// runs both forms on the same fixtures. Change one, change the other.
//
// - owner: a verified owner on the frozen roll who still holds a flat of the voter, or a
//   verified owner of record who holds (now) a flat of the voter that an owner on the roll
//   still holds (a co-owner added during the vote: co-owners of a flat are one voter);
// - new_owner: a verified owner of record of a flat of the voter once every owner on the
//   roll of that voter holds none of its flats any more (the whole holding moved);
// - proxy: the account named in a written mandate recorded for this ballot, not revoked,
//   while the owner who signed it still holds a flat of the voter.
// Never a developer-held voter; never for an account whose owner status is held (after a
// password reset) or that is disabled. One answer per voter: the strongest right.

export type CastRight = 'owner' | 'new_owner' | 'proxy';
export type ClaimStatus = 'pending' | 'review' | 'verified' | 'rejected' | 'revoked';

export interface RollVoter {
  id: number;
  developer: boolean;
  /** the flats of the voter, as frozen on the roll */
  unitIds: readonly number[];
  /** the register owners of the voter, as frozen on the roll */
  ownerIds: readonly number[];
}

export interface CastFacts {
  /** the voters of this ballot's frozen roll */
  voters: readonly RollVoter[];
  /** the register now: which register owner holds which flat (unit_owners) */
  holdings: readonly { unitId: number; ownerId: number }[];
  /** claims (owner verifications): the flat claimed, the register owner matched, their status */
  claims: readonly { userId: number; unitId: number; registerOwnerId: number | null; status: ClaimStatus }[];
  /** written mandates recorded for this ballot */
  proxies: readonly { voterId: number; proxyUserId: number; grantedByOwnerId: number; mandate: string; revoked: boolean }[];
}

export interface CastActor {
  id: number;
  /** owner status held for review after a password reset (users.owner_status_held_since) */
  ownerStatusHeld: boolean;
  disabled: boolean;
}

export interface CastVoter {
  voterId: number;
  right: CastRight;
  mandate: string | null;
}

const RANK: Record<CastRight, number> = { owner: 1, new_owner: 2, proxy: 3 };

/** The voters the actor may cast for, by voter id, each with its strongest right. */
export function whoMayCast(facts: CastFacts, actor: CastActor): CastVoter[] {
  if (actor.ownerStatusHeld || actor.disabled) return [];
  const holds = new Set(facts.holdings.map((h) => `${h.unitId}:${h.ownerId}`));
  const held = (unitId: number, ownerId: number) => holds.has(`${unitId}:${ownerId}`);
  const unitsOf = new Map<number, number[]>();
  for (const h of facts.holdings) unitsOf.set(h.ownerId, [...(unitsOf.get(h.ownerId) ?? []), h.unitId]);
  const mine = facts.claims.filter((c) => c.userId === actor.id && c.status === 'verified' && c.registerOwnerId !== null).map((c) => c.registerOwnerId!);

  const found: CastVoter[] = [];
  for (const v of facts.voters) {
    if (v.developer) continue;
    const units = new Set(v.unitIds);
    const stillHeld = v.ownerIds.some((f) => v.unitIds.some((u) => held(u, f)));
    for (const r of mine) {
      // on the roll, still holding a flat of the voter
      if (v.ownerIds.includes(r) && v.unitIds.some((u) => held(u, r))) found.push({ voterId: v.id, right: 'owner', mandate: null });
      for (const u of unitsOf.get(r) ?? []) {
        if (!units.has(u)) continue;
        // a co-owner of a flat an owner on the roll still holds
        if (v.ownerIds.some((f) => held(u, f))) found.push({ voterId: v.id, right: 'owner', mandate: null });
        // the whole holding moved
        if (v.ownerIds.length > 0 && !stillHeld) found.push({ voterId: v.id, right: 'new_owner', mandate: null });
      }
    }
    for (const p of facts.proxies) {
      if (p.voterId !== v.id || p.proxyUserId !== actor.id || p.revoked) continue;
      if (v.unitIds.some((u) => held(u, p.grantedByOwnerId))) found.push({ voterId: v.id, right: 'proxy', mandate: p.mandate });
    }
  }
  const best = new Map<number, CastVoter>();
  for (const c of found) {
    const b = best.get(c.voterId);
    if (!b || RANK[c.right] < RANK[b.right]) best.set(c.voterId, c);
  }
  return [...best.values()].sort((a, b) => a.voterId - b.voterId);
}

export type NotVoterReason = 'held' | 'review' | 'pending' | 'notOnRoll' | 'sellerHolds' | 'unverified';

/**
 * Why an actor for whom whoMayCast found no voter may not cast, exactly: their owner status
 * is held for review; an automatic verification waits for staff review; a claim still waits
 * for staff; their verified flats are not on this vote's roll; a verified flat is on the roll
 * but the previous owners still hold part of that household; or they are not verified at all.
 */
export function whyNotCast(facts: Pick<CastFacts, 'voters' | 'claims'>, actor: Pick<CastActor, 'id' | 'ownerStatusHeld'>): NotVoterReason {
  if (actor.ownerStatusHeld) return 'held';
  const claims = facts.claims.filter((c) => c.userId === actor.id);
  const verified = claims.filter((c) => c.status === 'verified');
  if (verified.length === 0 && claims.some((c) => c.status === 'review')) return 'review';
  if (verified.length === 0) return claims.some((c) => c.status !== 'rejected' && c.status !== 'revoked') ? 'pending' : 'unverified';
  const onRoll = new Set(facts.voters.flatMap((v) => v.unitIds));
  return verified.some((c) => onRoll.has(c.unitId)) ? 'sellerHolds' : 'notOnRoll';
}

import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { can, type Verb } from '../features/policy/can.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { hit, LIMITS } from '../features/accounts/rate-limit.ts';
import { ballotResource } from '../features/ballots/web-queries.ts';
import {
  cosignVerdict,
  lodgeObjection,
  objectionFacts,
  recordCosignature,
  recordWrittenObjection,
  respondToObjection,
} from '../features/ballots/objections-service.ts';
import { cosignInput, lodgeObjectionInput, respondInput, writtenObjectionInput } from '../features/ballots/objection-schemas.ts';
import { privateStore } from '../lib/files/private-store.ts';

// The objection period of a preliminary result (公示期) and the owners' committee's
// co-signatures. A verified owner on the frozen roll objects online for their own flat
// (rate-limited); staff, for the convener, record paper letters received, answer
// objections and record co-signatures. The rules live in objection-period.ts; the
// services write each change with its audit entry.

const forbidden = { ok: false as const, error: 'err.forbidden' };
const SCAN_MAX = 5 * 1024 * 1024;

async function authorised(user: SessionUser | null, verb: Verb, ballotId: number) {
  const database = await db();
  const ballot = await ballotResource(database, ballotId);
  if (!user || !ballot || !can(user, verb, ballot)) return null;
  return { database, ballot, user };
}

export const ballotObjectionActions = {
  /** A verified owner on the roll objects online during the objection period, for one of their flats. */
  lodge: defineAction({
    accept: 'form',
    input: lodgeObjectionInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) return { ok: false as const, error: 'err.signInFirst' };
      if (!can(user, 'ballot.object', {})) return forbidden;
      const database = await db();
      // every attempt counts: the limit also slows down someone probing for flats
      if (!(await hit(database, LIMITS.objection, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      return lodgeObjection(database, { ballotId: input.ballotId, userId: user.id, version: input.version, unitId: input.unitId, body: input.body });
    },
  }),

  /** A paper letter handed to the office, dated the day it was received (inside the period, recorded even later). */
  recordWritten: defineAction({
    accept: 'form',
    input: writtenObjectionInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      return recordWrittenObjection(a.database, a.user.id, { ...input, ballotId: a.ballot.ballotId });
    },
  }),

  /** The office's answer to an objection: public, dated, written once. */
  respond: defineAction({
    accept: 'form',
    input: respondInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      return respondToObjection(a.database, a.user.id, { ballotId: a.ballot.ballotId, objectionId: input.objectionId, response: input.response });
    },
  }),

  /** An owners' committee member's signature of a result version, with an optional scan kept privately. */
  cosign: defineAction({
    accept: 'form',
    input: cosignInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      const facts = await objectionFacts(a.database, a.ballot.ballotId);
      if (!facts) return { ok: false as const, error: 'err.notFound' };
      // refused before any file is stored
      const may = cosignVerdict(facts, input.version, input.signedOn);
      if (!may.ok) return may;
      let scanStorageKey: string | null = null;
      if (input.scan && input.scan.size > 0) {
        const checked = await checkUpload(input.scan, PROOF_TYPES, SCAN_MAX);
        if (!checked.ok) return { ok: false as const, error: checked.error, field: 'scan' };
        scanStorageKey = (await privateStore().put(checked.bytes)).key;
      }
      return recordCosignature(a.database, a.user.id, {
        ballotId: a.ballot.ballotId,
        version: input.version,
        memberName: input.memberName,
        role: input.role,
        signedOn: input.signedOn,
        scanStorageKey,
      });
    },
  }),
};

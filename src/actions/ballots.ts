import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can, type Verb } from '../features/policy/can.ts';
import { estateResource } from '../features/geography/scope.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { ballotResource } from '../features/ballots/web-queries.ts';
import {
  bulletinInput,
  cancelInput,
  castInput,
  closeInput,
  createBallotInput,
  noticeInput,
  openInput,
  paperInput,
  proxyInput,
  revokeProxyInput,
} from '../features/ballots/web-schemas.ts';
import { createBallotCommand } from '../features/ballots/commands/create-ballot.ts';
import {
  cancelBallotCommand,
  closeBallotCommand,
  openBallotCommand,
  publishBulletinCommand,
  publishNoticeCommand,
} from '../features/ballots/commands/lifecycle.ts';
import { enterPaperCommand, recordProxyCommand, revokeProxyCommand } from '../features/ballots/commands/staff-entries.ts';
import { castCommand } from '../features/ballots/commands/cast.ts';
import { forbidden, notFound, signedOut } from './errors.ts';
import { authorise } from './authorise.ts';

// Owners' votes. Staff act for the convener (create, post the meeting notice, open, close,
// cancel, enter paper/proxy/developer ballots, publish bulletins); owners cast online. Each
// action finds the ballot, authorises the caller for it with can() (401 signed out, 404 no
// such ballot, 403 without the right), then runs one command of features/ballots/commands,
// which holds the rules and writes in one transaction with its audit entry. Who may cast for
// which voter is settled by the frozen roll; every open/close decision and every cast time is
// taken from the database's clock, never this server's.

/** The caller, the database and the ballot, once the caller may do `verb` to it. */
export async function authorisedForBallot(user: SessionUser | null, verb: Verb, ballotId: number) {
  const a = await authorise(user, verb, (d) => ballotResource(d, ballotId));
  return { database: a.database, ballot: a.where, user: a.user };
}

export const ballotActions = {
  create: defineAction({
    accept: 'form',
    input: createBallotInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const estates = await Promise.all([...new Set(input.estateIds)].map((id) => estateResource(database, id)));
      if (estates.some((e) => !e)) throw notFound();
      if (estates.some((e) => !can(user, 'ballot.manage', e!))) throw forbidden();
      return createBallotCommand(database, user, { ...input, estates: estates.map((e) => ({ estateId: e!.estateId, subdistrictId: e!.subdistrictId! })) });
    },
  }),

  publishNotice: defineAction({
    accept: 'form',
    input: noticeInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      const res = await publishNoticeCommand(a.database, a.user, input);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  open: defineAction({
    accept: 'form',
    input: openInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      const res = await openBallotCommand(a.database, a.user, input);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  close: defineAction({
    accept: 'form',
    input: closeInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      const res = await closeBallotCommand(a.database, a.user, input);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  cancel: defineAction({
    accept: 'form',
    input: cancelInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      const res = await cancelBallotCommand(a.database, a.user, input);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  enterPaper: defineAction({
    accept: 'form',
    input: paperInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.enterPaper', input.ballotId);
      return enterPaperCommand(a.database, a.user, input);
    },
  }),

  recordProxy: defineAction({
    accept: 'form',
    input: proxyInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.enterPaper', input.ballotId);
      return recordProxyCommand(a.database, a.user, input);
    },
  }),

  revokeProxy: defineAction({
    accept: 'form',
    input: revokeProxyInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.enterPaper', input.ballotId);
      return revokeProxyCommand(a.database, a.user, input);
    },
  }),

  publishBulletin: defineAction({
    accept: 'form',
    input: bulletinInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      const res = await publishBulletinCommand(a.database, a.user, input);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  cast: defineAction({
    accept: 'form',
    input: castInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.cast', input.ballotId);
      return castCommand(a.database, a.user, input);
    },
  }),
};

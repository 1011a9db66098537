import { defineAction } from 'astro:actions';
import { cosignInput, lodgeObjectionInput, respondInput, writtenObjectionInput } from '../features/ballots/objection-schemas.ts';
import { cosignCommand, lodgeObjectionCommand, recordWrittenCommand, respondCommand } from '../features/ballots/commands/objections.ts';
import { authorisedForBallot } from './ballots.ts';

// The objection period of a preliminary result (公示期) and the owners' committee's
// co-signatures. A verified owner on the frozen roll objects online for their own flat
// (rate-limited); staff, for the convener, record paper letters received, answer
// objections and record co-signatures. Each action authorises the caller for the ballot
// (401/404/403 as for the ballot actions) and runs one command of features/ballots/commands.

export const ballotObjectionActions = {
  lodge: defineAction({
    accept: 'form',
    input: lodgeObjectionInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.object', input.ballotId);
      return lodgeObjectionCommand(a.database, a.user, input);
    },
  }),

  recordWritten: defineAction({
    accept: 'form',
    input: writtenObjectionInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      return recordWrittenCommand(a.database, a.user, input);
    },
  }),

  respond: defineAction({
    accept: 'form',
    input: respondInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      return respondCommand(a.database, a.user, input);
    },
  }),

  cosign: defineAction({
    accept: 'form',
    input: cosignInput,
    handler: async (input, ctx) => {
      const a = await authorisedForBallot(ctx.locals.user, 'ballot.manage', input.ballotId);
      return cosignCommand(a.database, a.user, input);
    },
  }),
};

import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can } from '../features/policy/can.ts';
import { hit, LIMITS } from '../features/accounts/rate-limit.ts';
import { decideInput, offerInput, receiveInput } from '../features/donations/core/schemas.ts';
import { decideDonation, offerDonation, receiveDonation } from '../features/donations/commands/index.ts';
import { donationResource } from '../features/donations/queries/index.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

// Donations (捐资、捐物、投劳): any signed-in account offers (rate-limited per person);
// staff of the project's office accept, decline with a reason, and record receipt, each
// with its audit entry. Only a receipt changes what the public sees (the project's board and
// budget, and the money received in the CSV and OC4IDS feeds): it drops those cached pages
// here at once, and the database's trigger tells the other instances (migration 0029). An
// offer or a decision shows on no cached page.

export const donationActions = {
  offer: defineAction({
    accept: 'form',
    input: offerInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'donation.offer', {})) throw forbidden();
      const database = await db();
      if (!(await hit(database, LIMITS.donationOffer, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      return offerDonation(database, user.id, input);
    },
  }),

  decide: defineAction({
    accept: 'form',
    input: decideInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const r = await donationResource(database, input.donationId);
      if (!r) throw notFound();
      if (!can(user, 'donation.manage', r)) throw forbidden();
      return decideDonation(database, user.id, { donationId: r.donationId, decision: input.decision, reason: input.reason });
    },
  }),

  receive: defineAction({
    accept: 'form',
    input: receiveInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const r = await donationResource(database, input.donationId);
      if (!r) throw notFound();
      if (!can(user, 'donation.manage', r)) throw forbidden();
      const res = await receiveDonation(database, user.id, { donationId: r.donationId, receivedOn: input.receivedOn, receiptNo: input.receiptNo });
      if (res.ok) pageCache.invalidateProject(r.projectId, { funds: true });
      return res;
    },
  }),
};

import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { can } from '../features/policy/can.ts';
import { markReadInput, preferencesInput } from '../features/notifications/schemas.ts';
import { notificationResource } from '../features/notifications/queries/inbox.ts';
import { markRead, setPreferences } from '../features/notifications/commands/preferences.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

// The inbox on the account page: a person marks their own messages read and chooses what
// they are told. Nothing here is public: no page cache to drop.

export const notificationActions = {
  markRead: defineAction({
    accept: 'form',
    input: markReadInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      if (input.id !== null) {
        const message = await notificationResource(database, input.id);
        if (!message) throw notFound();
        if (!can(user, 'notification.manage', message)) throw forbidden();
        return markRead(database, user.id, input.id);
      }
      if (!can(user, 'notification.manage', { userId: user.id })) throw forbidden();
      return markRead(database, user.id, null);
    },
  }),
  savePreferences: defineAction({
    accept: 'form',
    input: preferencesInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'notification.manage', { userId: user.id })) throw forbidden();
      return setPreferences(await db(), user.id, input);
    },
  }),
};

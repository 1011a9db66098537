import { accountActions } from './accounts.ts';
import { registerActions } from './register.ts';

export const server = {
  accounts: accountActions,
  register: registerActions,
};

import { accountActions } from './accounts.ts';
import { registerActions } from './register.ts';
import { verificationActions } from './verification.ts';
import { projectActions } from './projects.ts';

export const server = {
  accounts: accountActions,
  register: registerActions,
  verification: verificationActions,
  projects: projectActions,
};

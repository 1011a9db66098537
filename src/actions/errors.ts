import { ActionError } from 'astro:actions';

// The three refusals every action gives before its command runs, as HTTP says them: signed
// out 401, no right 403, no such thing 404. Thrown (`throw forbidden()`), so a script sees
// the status and a page posted without JavaScript renders again with it and the message
// (src/lib/http/form-errors.ts translates the key). A command's own refusals (a rule, a
// state) stay results with a message key.

/** Signed out (401): sign in first. */
export const signedOut = () => new ActionError({ code: 'UNAUTHORIZED', message: 'err.signInFirst' });
/** Signed in, but this account may not do it here (403). */
export const forbidden = () => new ActionError({ code: 'FORBIDDEN', message: 'err.forbidden' });
/** The thing the action is about (a project, an import, a claim) does not exist (404). */
export const notFound = () => new ActionError({ code: 'NOT_FOUND', message: 'err.notFound' });

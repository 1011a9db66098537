import { ActionError } from 'astro:actions';

// Refusals that are not a form's business but the request's: answered with an HTTP status
// (Astro's ActionError). The message is a dictionary key, so a form posted without
// JavaScript shows it translated (formErrors) on the page, rendered with that status.

/** 401: nobody is signed in. */
export const signedOut = () => new ActionError({ code: 'UNAUTHORIZED', message: 'err.signInFirst' });
/** 403: signed in, without the right for this resource. */
export const forbidden = () => new ActionError({ code: 'FORBIDDEN', message: 'err.forbidden' });
/** 404: the resource the action names does not exist. */
export const notFound = () => new ActionError({ code: 'NOT_FOUND', message: 'err.notFound' });

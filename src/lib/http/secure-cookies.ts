import { config } from '../config.ts';

/** Cookies are Secure when the request came over HTTPS, or the public address is HTTPS (TLS ended at a proxy). */
export const secureCookies = (url: URL): boolean => url.protocol === 'https:' || config().publicBaseUrl.startsWith('https:');

/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    lang: import('./i18n/index.ts').Lang;
    elder: boolean;
    user: import('./features/accounts/session.ts').SessionUser | null;
    /** Set by a page whose response may be served from the page cache. */
    cacheable?: boolean;
    /** What a cacheable page shows beyond the public disclosure (`projectTag(id)`, `FUNDS_TAG`): a change to one of them invalidates it. */
    cacheTags?: string[];
    /** Set by a cacheable page that streams its body: the page cache passes it through as it comes and keeps a copy only while it is small. */
    streamed?: boolean;
  }
}

/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    lang: import('./features/i18n/index.ts').Lang;
    elder: boolean;
    /** Set by a page whose response may be served from the page cache. */
    cacheable?: boolean;
  }
}

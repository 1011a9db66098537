// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import svelte from '@astrojs/svelte';

// Map tiles may come from any HTTPS tile server (TILE_URL), so img-src allows https:.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  integrations: [svelte()],
  server: { host: '127.0.0.1', port: 4321 },
  devToolbar: { enabled: false },
  security: {
    // Every mutation's origin is checked in src/middleware.ts (src/lib/http/origin.ts), by a
    // rule that also holds behind an HTTPS reverse proxy (PUBLIC_BASE_URL, or TRUST_PROXY's
    // X-Forwarded-*); Astro's own check compares with the connection's http:// origin and
    // would refuse every form there. Astro runs actions after that middleware.
    checkOrigin: false,
    actionBodySizeLimit: 11 * 1024 * 1024, // register files and documents up to 10 MB
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ],
    },
  },
  vite: {
    build: { assetsInlineLimit: 0 },
  },
});

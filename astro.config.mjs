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
    checkOrigin: true,
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

import { defineConfig } from '@playwright/test';
import fs from 'node:fs';

const PORT = Number(process.env.E2E_PORT ?? 4517);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
/** Inside the data directory, which tests/e2e/support/prepare-data.ts empties before each run. */
export const SERVER_LOG = `.tmp/e2e-data-${PORT}/server.log`;
/** The test SMS provider's file (GONGZHI_SMS=file): the stories read the codes texted to them here. */
export const SMS_FILE = `.tmp/e2e-data-${PORT}/sms-outbox.jsonl`;
const chromium = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => fs.existsSync(p));

// The e2e suite drives the built server (npm test builds it first) on its own embedded
// database, prepared with the demo data and a few hostile records (tests/e2e/support/prepare-data.ts
// seeds it: the server does not). The server runs as in production, demo mode off (no /dev pages,
// no demo banner, no generated ID key), with the test SMS provider: texts go to SMS_FILE.
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  // The fuzzing run goes last, after every other spec, so that what it writes cannot
  // disturb theirs.
  // The server's log is read last, after every story has written to it.
  projects: [
    { name: 'main', testIgnore: [/fuzz/, /\.last\.spec/] },
    { name: 'fuzz', testMatch: /fuzz/, dependencies: ['main'] },
    { name: 'log', testMatch: /\.last\.spec/, dependencies: ['fuzz'] },
  ],
  use: {
    baseURL: BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: {
    command: 'node tests/e2e/support/prepare-data.ts && node src/cli/serve.ts',
    url: `${BASE_URL}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      GONGZHI_DATA_DIR: `.tmp/e2e-data-${PORT}`,
      // the whole server output, for the last spec's check that it holds no personal data
      GONGZHI_LOG_FILE: SERVER_LOG,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      GONGZHI_DEMO: '0',
      GONGZHI_SMS: 'file',
      GONGZHI_SMS_FILE: SMS_FILE,
      // a fixed test key (demo mode off generates none): prepare-data.ts hashes the demo register with it
      GONGZHI_ID_KEY: 'v1:ZTJlLXRlc3Qta2V5LW5vdC1mb3ItcmVhbC1kYXRhLTAwMDA=',
      // the notification loop looks for due messages every second (stories wait for the inbox)
      GONGZHI_NOTIFY_EVERY_MS: '1000',
      // residents of the stories sign up from addresses of their own (X-Forwarded-For, see
      // tests/e2e/pages/ballot-page.ts), as real ones do: 20 sign-ups an hour per address
      // would otherwise be spent by the suite from 127.0.0.1
      TRUST_PROXY: '127.0.0.1',
      DATABASE_URL: '',
      TILE_URL: 'https://tiles.test.invalid/{z}/{x}/{y}.png',
      TILE_ATTRIBUTION: '© test tiles',
      PUBLIC_BASE_URL: BASE_URL,
    },
  },
});

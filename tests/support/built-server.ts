import { spawn, type ChildProcess } from 'node:child_process';

/** The built server (`node src/cli/serve.ts`) on PostgreSQL, in production mode, on 127.0.0.1:`port`. */
export function spawnBuiltServer(
  databaseUrl: string,
  port: number,
  dataDir: string,
  options: { env?: Record<string, string>; showErrors?: boolean } = {},
): ChildProcess {
  return spawn(process.execPath, ['src/cli/serve.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      GONGZHI_DEMO: '0',
      GONGZHI_DATA_DIR: dataDir,
      ASTRO_NODE_LOGGING: 'disabled',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', options.showErrors ? 'inherit' : 'ignore'],
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createQueueBackend } from '@sentral/queues';
import { loadConfig } from '../../services/hub/src/config.ts';
import { createLogger } from '../../services/hub/src/logger.ts';
import { createApp, type App } from '../../services/hub/src/app.ts';
import { hashPassword } from '../../services/hub/src/auth/passwords.ts';
import { seedDemoTenant } from '../../services/hub/src/seed/demo-tenant.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testRedisUrl } from './env.ts';

export type Backend = 'postgres' | 'redis';
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface TestHub {
  url: string;
  app: App;
  database: TestDatabase;
  prefix: string;
  stop(): Promise<void>;
}

export const uniquePrefix = () => `t${randomBytes(5).toString('hex')}`;
export const testSecret = 'test-secret-test-secret-test-secret-0123';

/** Environment shared by in-process and spawned hubs of one test. */
export function hubEnv(backend: Backend, database: TestDatabase, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    ...(backend === 'redis' ? { REDIS_URL: testRedisUrl } : {}),
    QUEUE_PREFIX: prefix,
    // Spawned hubs: several run at once in some tests, on a server with 100 connections.
    DATABASE_POOL_SIZE: '4',
    LOG_LEVEL: 'silent',
    JWT_SECRET: testSecret,
    DISPATCH_SWEEP_MS: '200',
    AGENT_DISCONNECT_GRACE_MS: '60000',
    SEED_DEMO: 'false',
    // The test mail servers (Dovecot, the SMTP sink) listen on 127.0.0.1.
    MAILBOX_ALLOW_LOOPBACK: 'true',
    ...extra,
  };
}

export async function seed(database: TestDatabase, customers = 150): Promise<void> {
  await seedDemoTenant(database.db, { customers, hashPassword, currencyRates: loadConfig({}).currencyRates });
}

/** A hub inside the test process, built through the same composition root as `npm start`. */
export async function startTestHub(options: { backend: Backend; database?: TestDatabase; prefix?: string; env?: Record<string, string> }): Promise<TestHub> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  if (ownsDatabase) await seed(database);
  const prefix = options.prefix ?? uniquePrefix();
  const config = loadConfig(hubEnv(options.backend, database, prefix, options.env));
  const queues = createQueueBackend(
    config.redisUrl ? { kind: 'redis', redisUrl: config.redisUrl, prefix } : { kind: 'postgres', databaseUrl: database.url, schema: `${prefix}_jobs` },
  );
  const app = createApp({ config, db: database.db, pool: database.pool, databaseUrl: database.url, queues, logger: createLogger('silent'), jwtSecret: testSecret });
  const port = await app.start();
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    prefix,
    async stop() {
      await app.stop();
      await queues.close();
      if (options.backend === 'redis') await clearRedisPrefix(prefix);
      if (ownsDatabase) await database.drop();
    },
  };
}

export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface HubProcess {
  child: ChildProcess;
  url: string | null;
  logs: Array<Record<string, unknown>>;
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** What the process wrote to stderr so far. */
  stderr(): string;
}

/** A real `services/hub/src/main.ts` process, as operators run it, with JSON logs parsed for the test. */
export async function spawnHub(
  env: Record<string, string>,
  options: { waitForListen?: boolean; root?: string; /** Its own process group, as a shell starts it, so a test can signal the group like Ctrl-C. */ processGroup?: boolean } = {},
): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/hub/src/main.ts'], {
    // Another checkout when given: a benchmark runs an earlier version of the hub beside this one.
    cwd: options.root ?? repoRoot,
    // The test reads the hub's JSON log lines, so they are always on.
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup ?? false,
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A test that dies before its clean-up must not leave a hub holding database connections.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  void exited.then(() => process.off('exit', reap));
  const handle: HubProcess = {
    child,
    url: null,
    logs,
    waitForLog(match, timeoutMs = 60_000) {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`hub log not seen in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`hub exited with ${code} before the log line; stderr: ${stderr.slice(-2000)}`));
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    stderr: () => stderr,
  };
  if (options.waitForListen !== false) {
    const line = await handle.waitForLog((l) => l['msg'] === 'Sentral is listening');
    handle.url = `http://127.0.0.1:${String(line['port'])}`;
  }
  return handle;
}

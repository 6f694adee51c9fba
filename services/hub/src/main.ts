import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations, createDatabase, startEmbeddedPostgres, withAdvisoryLock, advisoryLocks, type EmbeddedDatabase } from '@sentral/db';
import { createQueueBackend } from '@sentral/queues';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, prettyDestination } from './logger.ts';
import { startupBanner } from './banner.ts';
import { loadOrCreateSecret } from './auth/tokens.ts';
import { hashPassword } from './auth/passwords.ts';
import { seedDemoTenant } from './seed/demo-tenant.ts';
import { createApp } from './app.ts';

/** Builds the real dependencies from the environment and runs the hub until SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const development = config.env === 'development';
  // Pretty lines only for a person at a terminal; piped or collected output stays JSON.
  const logger = createLogger(config.logLevel, development && process.stdout.isTTY ? prettyDestination() : undefined);

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(join(config.dataDir, 'pg'), (line) => logger.debug({ line }, 'embedded postgres'));
    databaseUrl = embedded.url;
    logger.info('using the embedded PostgreSQL in %s', join(config.dataDir, 'pg'));
  }
  const migrations = await applyMigrations(databaseUrl);
  if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'migrations applied');

  const pool = new pg.Pool({ connectionString: databaseUrl, max: config.databasePoolSize, idleTimeoutMillis: 10_000 });
  pool.on('error', (error) => logger.warn({ err: error }, 'database pool error'));
  const db = createDatabase(databaseUrl, { pool });
  const queues = createQueueBackend(
    config.redisUrl
      ? { kind: 'redis', redisUrl: config.redisUrl, prefix: config.queuePrefix }
      : { kind: 'postgres', databaseUrl, schema: `${config.queuePrefix}_jobs` },
  );
  logger.info({ queueBackend: queues.kind, roles: config.roles }, 'starting');

  if (config.seed.enabled) {
    const seeded = await withAdvisoryLock(databaseUrl, advisoryLocks.startupSeed, () =>
      seedDemoTenant(db, { customers: config.seed.customers, hashPassword, currencyRates: config.currencyRates }),
    );
    if (seeded.seeded) logger.info({ customers: seeded.customers, agents: seeded.agents }, 'demo tenant seeded');
  }

  const jwtSecret = config.jwtSecret ?? (await loadOrCreateSecret(config.dataDir));
  // Outside production the mailbox-password key is generated once and kept beside the JWT secret.
  const secretsKey = config.secretsKey ?? (config.env === 'production' ? null : await loadOrCreateSecret(config.dataDir, 'secrets-key'));
  const app = createApp({ config, db, pool, databaseUrl, queues, logger, jwtSecret, secretsKey });
  const port = await app.start();
  if (port !== null) logger.info({ port, url: `http://localhost:${port}` }, 'Sentral is listening');
  if (port !== null && development) {
    process.stdout.write(
      startupBanner({
        url: `http://localhost:${port}`,
        database: embedded ? { embedded: true, dataDir: join(config.dataDir, 'pg') } : { embedded: false, url: databaseUrl },
        queue: config.redisUrl ? { kind: 'redis', url: config.redisUrl } : { kind: 'postgres' },
        demoLogins: config.seed.enabled,
      }),
    );
  }

  let stopping = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['hub', () => app.stop()],
      ['queues', () => queues.close()],
      ['database', async () => {
        await db.$disconnect();
        await pool.end();
      }],
      ['embedded database', async () => embedded?.stop()],
    ];
    let failed = false;
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        failed = true;
        logger.error({ err: error, step: name }, 'shutdown step failed');
      }
    }
    logger.info({ failed }, 'stopped');
    process.exit(failed ? 1 : exitCode);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  // Socket handlers, routes, jobs and timers catch their own failures; these are the last resort.
  // A rejection nobody handled has already unwound: nothing was left half-done by it, so it is
  // logged and the hub keeps serving. An exception that escaped to the event loop may have left
  // in-memory state (the routing board, a lock) half-changed, and Node does not promise that
  // resuming is safe: it is logged, the hub stops in order and exits 1 for its supervisor to restart it.
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection; the hub keeps running');
  });
  process.on('uncaughtException', (error: Error, origin: string) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; stopping so the hub restarts clean');
    void shutdown('uncaughtException', 1);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`Sentral failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});

import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Database } from '@sentral/db';
import { queueNames, type ContactJobData, type QueueBackend } from '@sentral/queues';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createTokenService } from './auth/tokens.ts';
import { createMetrics } from './metrics.ts';
import { createConnectorRegistry, connectorFactories } from './connectors/registry.ts';
import { createNotifier } from './realtime/notifier.ts';
import { createDispatcher } from './routing/dispatcher.ts';
import { createAgentWork } from './contacts/service.ts';
import { createIntake } from './pipeline/intake.ts';
import { createQueueDirectory } from './pipeline/queue-directory.ts';
import { createContactProcessor } from './pipeline/contact-worker.ts';
import { startRecovery } from './pipeline/recovery.ts';
import { attachAgentNamespace } from './realtime/agent-namespace.ts';
import { attachSupervisorNamespace } from './realtime/supervisor-namespace.ts';
import { createWallboard } from './reporting/wallboard.ts';
import { scheduleSegmentRecompute } from './reporting/segmentation.ts';
import { createSupervisorActions } from './supervision/actions.ts';
import { createSatisfaction, surveyAfterAgentEnd, surveyAfterCustomerEnd } from './supervision/satisfaction.ts';
import { csatPages } from './supervision/csat-pages.ts';
import { supervisorRoutes } from './http/supervisor-routes.ts';
import { apiRoutes } from './http/routes.ts';
import { attachmentRoutes } from './http/attachment-routes.ts';
import { voiceRoutes } from './http/voice-routes.ts';
import { createSelfServicePorts } from './self-service/ports.ts';
import { createSecretBox } from './channels/secrets.ts';
import { createMailboxes } from './channels/mailboxes.ts';
import { createConnectorState } from './channels/connector-state.ts';
import { channelContext } from './channels/wiring.ts';
import { createConversations } from './pipeline/conversations.ts';
import { createOutbound } from './outbound/outbound.ts';
import { createHttpApp } from './http/server.ts';
import { createRateLimits } from './limits/rate-limits.ts';
import { createApiKeys } from './integration/api-keys.ts';
import { createOutboundHttp } from './integration/outbound-http.ts';
import { createWebhooks } from './integration/webhooks.ts';
import { createInboundEvents } from './integration/events.ts';
import { importRoutes } from './integration/import-routes.ts';
import { dataRightsRoutes, scheduleRetention } from './integration/data-rights.ts';
import { createLookups, httpJsonLookup } from './integration/lookups.ts';

export interface AppDeps {
  config: Readonly<Config>;
  db: Database;
  /** The database URL the app may open extra raw connections to (Socket.IO's PostgreSQL adapter). */
  databaseUrl: string;
  queues: QueueBackend;
  logger: Logger;
  jwtSecret: string;
  /** Encrypts mailbox passwords; falls back to config.secretsKey. Without either, mailboxes cannot be added. */
  secretsKey?: string | null;
}

export interface App {
  httpServer: HttpServer | null;
  io: Server;
  /** Listens (web role) and starts workers (worker role); resolves with the bound port. */
  start(): Promise<number | null>;
  /** HTTP first, then workers, then queues and connections: nothing half-done is left behind. */
  stop(): Promise<void>;
}

const webAgentDir = fileURLToPath(new URL('../../../web-agent/dist/', import.meta.url));

/** The composition root: every collaborator is built here and passed down explicitly. */
export function createApp(deps: AppDeps): App {
  const { config, db, queues, logger } = deps;
  const metrics = createMetrics(db);
  const tokens = createTokenService(deps.jwtSecret);
  const httpServer = config.roles.web ? createServer() : null;
  // Large enough that an oversized chat message reaches validation and gets a clear error back.
  const io = new Server({ maxHttpBufferSize: 2_000_000, serveClient: false, cors: { origin: true } });
  const adapterResources = attachAdapter(io, deps);
  const limitStore = createLimitStore(deps);
  const limits = createRateLimits(limitStore, config.rateLimits, logger);
  const apiKeys = createApiKeys({ db, limits });
  const outsideHttp = createOutboundHttp({ allowPrivate: config.webhooks.allowPrivate });
  const lookups = config.lookup
    ? createLookups({
        db,
        connector: httpJsonLookup(config.lookup, outsideHttp),
        settings: { ...config.lookup, breakAfterFailures: 5, halfOpenAfterMs: 30_000 },
        logger: logger.child({ component: 'lookups' }),
      })
    : null;
  const webhooks = createWebhooks({ db, queues, http: outsideHttp, settings: config.webhooks, logger: logger.child({ component: 'webhooks' }) });

  // Connectors need the intake and the notifier needs the connectors: the lookup closes over the registry built below.
  const channelNotifier = createNotifier(io, (channel) => registry.forChannel(channel), logger.child({ component: 'notifier' }));
  // With a back-office lookup configured, every offer is followed by the system's live facts.
  const notifier = lookups ? lookups.decorate(channelNotifier) : channelNotifier;
  const dispatcher = createDispatcher({ db, databaseUrl: deps.databaseUrl, notifier, logger: logger.child({ component: 'router' }), metrics, sweepMs: config.dispatchSweepMs });
  const secretsKey = deps.secretsKey ?? config.secretsKey;
  const mailboxes = createMailboxes({ db, box: secretsKey ? createSecretBox(secretsKey) : null });
  const outbound = createOutbound({
    db,
    queues,
    notifier,
    connectorFor: (channel) => registry.forChannel(channel),
    logger: logger.child({ component: 'outbound' }),
    retry: config.outbound,
  });
  const conversations = createConversations({ db, notifier, dispatcher, logger: logger.child({ component: 'conversations' }) });
  const satisfaction = createSatisfaction({ db, notifier, secret: deps.jwtSecret, publicBaseUrl: config.publicBaseUrl, logger: logger.child({ component: 'satisfaction' }) });
  const work = surveyAfterAgentEnd(createAgentWork({ db, notifier, dispatcher, logger, metrics, dispositions: config.wrapUp.dispositions, outbound }), satisfaction);
  const jobs = queues.producer<ContactJobData>(queueNames.contacts);
  const intake = surveyAfterCustomerEnd(
    createIntake({ db, jobs, queues: createQueueDirectory(db), notifier, dispatcher, logger: logger.child({ component: 'intake' }), metrics, conversations, onOpened: outbound.acknowledge }),
    satisfaction,
  );
  const inboundEvents = createInboundEvents({ db, queues, intake, outbound, logger: logger.child({ component: 'inbound-events' }) });
  const contextFor = channelContext(config, {
    mailboxes: mailboxes.accounts,
    state: createConnectorState(db),
    selfService: (connectorId) => createSelfServicePorts(db, connectorId, config.defaultCountry),
  });
  const registry = createConnectorRegistry(connectorFactories, (factory) => ({
    ...contextFor(factory.id),
    intake,
    logger: logger.child({ connector: factory.id }),
    realtime: { namespace: (name: string) => io.of(name) },
  }));

  const wallboard = createWallboard({ db, timeZone: config.reportTimeZone, wrapUpSeconds: config.wrapUp.seconds });
  const supervision = createSupervisorActions({ db, work, dispatcher, notifier, connectorFor: (channel) => registry.forChannel(channel) });

  const stoppers: Array<() => Promise<void> | void> = [];

  return {
    httpServer,
    io,
    async start() {
      let port: number | null = null;
      if (httpServer) {
        const routes = [
          ...apiRoutes({ db, tokens, work, dispatcher, limits, defaultCountry: config.defaultCountry, wrapUp: config.wrapUp }),
          ...mailboxes.routes(),
          ...attachmentRoutes({ db }),
          ...voiceRoutes({ db, voice: () => registry.forChannel('voice'), defaultCountry: config.defaultCountry }),
          ...supervisorRoutes({ db, wallboard, actions: supervision, timeZone: config.reportTimeZone, wrapUpSeconds: config.wrapUp.seconds, segments: config.segments }),
          ...apiKeys.routes(),
          ...webhooks.routes(),
          ...inboundEvents.routes(),
          ...importRoutes({ db, logger: logger.child({ component: 'import' }), defaultCountry: config.defaultCountry }),
          ...dataRightsRoutes({ db, logger: logger.child({ component: 'data-rights' }) }),
        ];
        const http = createHttpApp({
          routes,
          tokens,
          integrationKey: config.integrationApiKey,
          apiKeys,
          publicBaseUrl: config.publicBaseUrl,
          metrics,
          logger: logger.child({ component: 'http' }),
          webAgentDir,
          webhooks: registry.all().flatMap((connector) => connector.webhooks ?? []),
          pages: [csatPages({ db, satisfaction })],
          readiness: async () => {
            const failed: string[] = [];
            await db.$queryRaw`SELECT 1`.catch(() => failed.push('database'));
            await queues.ping().catch(() => failed.push('queue'));
            return { ok: failed.length === 0, failed };
          },
        });
        httpServer.on('request', http);
        io.attach(httpServer);
        const agents = attachAgentNamespace(io, { tokens, work, dispatcher, db, logger: logger.child({ component: 'agent-socket' }), disconnectGraceMs: config.agentDisconnectGraceMs });
        stoppers.push(() => agents.stop());
        const supervisors = attachSupervisorNamespace(io, { tokens, wallboard, logger: logger.child({ component: 'supervisor-socket' }) });
        stoppers.push(() => supervisors.stop());
      }
      await registry.startAll();
      if (config.roles.worker) {
        // Any worker process may become the one that routes; it hands over when it stops.
        await dispatcher.start();
        stoppers.push(() => dispatcher.stop());
        const consumer = queues.consumer<ContactJobData>(
          queueNames.contacts,
          createContactProcessor({ db, dispatcher, logger: logger.child({ component: 'contact-worker' }), metrics, defaultCountry: config.defaultCountry }),
          { concurrency: config.worker.concurrency, lockDurationMs: config.worker.lockDurationMs, stalledIntervalMs: Math.max(500, Math.floor(config.worker.lockDurationMs / 2)) },
        );
        consumer.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id }, 'contact job failed'));
        const recovery = startRecovery({ db, jobs, dispatcher, notifier, logger: logger.child({ component: 'recovery' }), sweepMs: config.dispatchSweepMs });
        stoppers.push(() => recovery.stop(), () => consumer.close());
        const sender = outbound.startWorker({ concurrency: config.worker.concurrency, lockDurationMs: config.worker.lockDurationMs, sweepMs: config.dispatchSweepMs });
        stoppers.push(() => sender.stop());
        const webhookWorker = webhooks.startWorker({ lockDurationMs: config.worker.lockDurationMs });
        stoppers.push(() => webhookWorker.stop());
        if (config.retentionDays > 0) {
          const retention = scheduleRetention({ db, days: config.retentionDays, logger: logger.child({ component: 'retention' }) });
          stoppers.push(() => retention.stop());
        }
        const eventWorker = inboundEvents.startWorker({ concurrency: config.worker.concurrency, lockDurationMs: config.worker.lockDurationMs });
        stoppers.push(() => eventWorker.stop());
        const segments = scheduleSegmentRecompute({ db, thresholds: config.segments.thresholds, everyMinutes: config.segments.recomputeMinutes, logger: logger.child({ component: 'segments' }) });
        stoppers.push(() => segments.stop());
      }
      if (httpServer) {
        await new Promise<void>((resolve, reject) => {
          httpServer.once('error', reject);
          httpServer.listen(config.port, () => resolve());
        });
        const address = httpServer.address();
        port = typeof address === 'object' && address ? address.port : config.port;
      }
      for (const warning of await queues.warnings()) logger.warn(warning);
      return port;
    },
    async stop() {
      if (httpServer) {
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeAllConnections();
      }
      for (const stop of stoppers.reverse()) await stop();
      // Work already under way finishes before the connections it uses are closed.
      await dispatcher.settle();
      await registry.stopAll();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await jobs.close();
      await outbound.close();
      await webhooks.close();
      await inboundEvents.close();
      outsideHttp.close();
      await adapterResources.close();
      await limitStore.close();
    },
  };
}

/** Where rate-limit counters live: the Redis the hub already uses, else a small pool on its database. */
function createLimitStore(deps: AppDeps): { redis: Redis | null; pool: pg.Pool | null; prefix: string; close(): Promise<void> } {
  const { config, logger } = deps;
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', (error) => logger.warn({ err: error }, 'rate limit redis error'));
    return { redis, pool: null, prefix: config.queuePrefix, close: async () => void redis.disconnect() };
  }
  const pool = new pg.Pool({ connectionString: deps.databaseUrl, max: 2 });
  pool.on('error', (error) => logger.warn({ err: error }, 'rate limit pool error'));
  return { redis: null, pool, prefix: config.queuePrefix, close: () => pool.end() };
}

function attachAdapter(io: Server, deps: AppDeps): { close(): Promise<void> } {
  const { config, logger } = deps;
  if (config.redisUrl) {
    const client = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    client.on('error', (error) => logger.warn({ err: error }, 'socket adapter redis error'));
    io.adapter(createRedisStreamsAdapter(client, { streamName: `${config.queuePrefix}:socket.io` }));
    return { close: async () => void client.disconnect() };
  }
  const pool = new pg.Pool({ connectionString: deps.databaseUrl, max: 3 });
  pool.on('error', (error) => logger.warn({ err: error }, 'socket adapter pool error'));
  // The adapter keeps payloads over NOTIFY's 8 kB limit (a screen pop easily is) in this table.
  pool
    .query('CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT now(), payload bytea)')
    .catch((error: unknown) => logger.warn({ err: error }, 'could not create the socket adapter table'));
  io.adapter(
    createPostgresAdapter(pool, {
      channelPrefix: `${config.queuePrefix}_socketio`,
      errorHandler: (error) => logger.warn({ err: error }, 'socket adapter error'),
    }),
  );
  return { close: () => pool.end() };
}

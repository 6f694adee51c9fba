import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ContactIntake, KnowledgeBase } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { rooms } from '@sentral/contract';
import { queueNames, type ContactJobData, type QueueBackend } from '@sentral/queues';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createTokenService } from './auth/tokens.ts';
import { createAccountVersions } from './auth/account-versions.ts';
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
import { presenceRoutes } from './http/presence-routes.ts';
import { cannedAnswerRoutes } from './http/canned-answer-routes.ts';
import { migratePlainPins } from './self-service/pin-migration.ts';
import { botRoutes } from './http/bot-routes.ts';
import { createSelfServicePorts } from './self-service/ports.ts';
import { createChatBot } from './self-service/chat-bot.ts';
import { createSelfService } from './self-service/back-office.ts';
import { createSessionStore } from './self-service/sessions.ts';
import { createSecretBox } from './channels/secrets.ts';
import { createMailboxes } from './channels/mailboxes.ts';
import { createConnectorState } from './channels/connector-state.ts';
import { channelContext } from './channels/wiring.ts';
import { createConversations } from './pipeline/conversations.ts';
import { createOutbound } from './outbound/outbound.ts';
import { createHttpApp } from './http/server.ts';
import { createRateLimits } from './limits/rate-limits.ts';
import { createClientAddress } from './http/client-address.ts';
import { accountRoutes } from './http/account-routes.ts';
import { createArticles } from './knowledge-base/articles.ts';
import { createKnowledgeBase } from './knowledge-base/search.ts';
import { knowledgeBaseRoutes } from './http/kb-routes.ts';
import { createIntentClassifier, type TrainedIntents } from './self-service/intents/classifier.ts';
import { createWebChatPorts } from './web-chat/ports.ts';
import { widgetRouter } from './web-chat/widget-routes.ts';
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
  /** The database URL the app may open extra raw connections to (the router's lock and LISTEN connection). */
  databaseUrl: string;
  /**
   * The pool `db` runs on, shared with the socket adapter and rate limits so one figure bounds them.
   * Without it the app opens a small pool of its own for them.
   */
  pool?: pg.Pool;
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
  /** Published articles by search, for a bot to answer from (the `KnowledgeBase` port). */
  knowledgeBase: KnowledgeBase;
  /** The intent classifier a bot reads customers' texts with (the `IntentClassifier` port); `warm()` trains it. */
  intents: TrainedIntents;
}

/**
 * How long a process trusts what it read of an account's token version, and how often open sockets are checked
 * again: a change of role, password or enabled state takes effect within about this long everywhere.
 */
const ACCOUNT_CHECK_MS = 3000;

const webAgentDir = fileURLToPath(new URL('../../../web-agent/dist/', import.meta.url));
const webWidgetDir = fileURLToPath(new URL('../../../web-widget/dist/', import.meta.url));

/** The composition root: every collaborator is built here and passed down explicitly. */
export function createApp(deps: AppDeps): App {
  const { config, db, queues, logger } = deps;
  const metrics = createMetrics(db);
  const accountVersions = createAccountVersions(db, ACCOUNT_CHECK_MS);
  const tokens = createTokenService(deps.jwtSecret, accountVersions);
  const clientAddress = createClientAddress(config.trustProxy);
  const httpServer = config.roles.web ? createServer() : null;
  // Large enough that an oversized chat message reaches validation and gets a clear error back.
  const io = new Server({ maxHttpBufferSize: 2_000_000, serveClient: false, cors: { origin: true } });
  const sharedPool = deps.pool ? { pool: deps.pool, close: async () => undefined } : ownPool(deps);
  const adapterResources = attachAdapter(io, deps, sharedPool.pool);
  const limitStore = createLimitStore(deps, sharedPool.pool);
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
  const mailboxes = createMailboxes({ db, box: secretsKey ? createSecretBox(secretsKey) : null, hosts: config.mailboxHosts, logger: logger.child({ component: 'mailboxes' }) });
  const outbound = createOutbound({
    db,
    queues,
    notifier,
    connectorFor: (channel) => registry.forChannel(channel),
    logger: logger.child({ component: 'outbound' }),
    retry: config.outbound,
  });
  const conversations = createConversations({ db, notifier, dispatcher, logger: logger.child({ component: 'conversations' }), documentLimits: config.faxDocuments });
  const satisfaction = createSatisfaction({ db, notifier, secret: deps.jwtSecret, publicBaseUrl: config.publicBaseUrl, logger: logger.child({ component: 'satisfaction' }) });
  const work = surveyAfterAgentEnd(createAgentWork({ db, notifier, dispatcher, logger, metrics, dispositions: config.wrapUp.dispositions, outbound }), satisfaction);
  const jobs = queues.producer<ContactJobData>(queueNames.contacts);
  const knowledgeBase = createKnowledgeBase(db);
  const intents = createIntentClassifier({
    articleTitles: async (language) => (await knowledgeBase.publishedTitles(language)).map((article) => article.title),
    onError: (error) => logger.warn({ err: error }, 'intent training failed'),
  });
  // Published titles teach the classifier what `faq` questions look like: a changed article trains it again.
  const articles = createArticles(db, { onChange: () => intents.refresh() });
  // The bot answers through the intake it is part of: the reference is filled in right below.
  let intakeForBot: ContactIntake | null = null;
  const bot = createChatBot({
    db,
    sessions: createSessionStore(db, 'chat-bot'),
    selfService: createSelfService(db, config.defaultCountry, limits),
    notifier,
    intake: () => intakeForBot!,
    logger: logger.child({ component: 'chat-bot' }),
    // Trained lazily on a worker thread: until it is ready, buttons and keywords answer.
    classifier: intents,
    knowledge: knowledgeBase,
    idleSeconds: config.bot.idleSeconds,
  });
  const intake = surveyAfterCustomerEnd(
    createIntake({
      db,
      jobs,
      queues: createQueueDirectory(db),
      notifier,
      dispatcher,
      logger: logger.child({ component: 'intake' }),
      metrics,
      conversations,
      onOpened: outbound.acknowledge,
      defaultCountry: config.defaultCountry,
      bot,
    }),
    satisfaction,
  );
  intakeForBot = intake;
  const webChat = createWebChatPorts({
    db,
    limits,
    intake,
    queues: createQueueDirectory(db),
    email: () => registry.forChannel('email'),
    secret: deps.jwtSecret,
    identitySecret: config.widget.identitySecret,
    maxWaitSeconds: config.widget.maxWaitSeconds,
    logger: logger.child({ component: 'web-chat' }),
  });
  const inboundEvents = createInboundEvents({ db, queues, intake, outbound, logger: logger.child({ component: 'inbound-events' }) });
  const contextFor = channelContext(config, {
    mailboxes: mailboxes.accounts,
    state: createConnectorState(db),
    selfService: (connectorId) => createSelfServicePorts(db, connectorId, config.defaultCountry, limits),
    webChat,
  });
  const registry = createConnectorRegistry(connectorFactories, (factory) => ({
    ...contextFor(factory.id),
    intake,
    logger: logger.child({ connector: factory.id }),
    realtime: { namespace: (name: string) => io.of(name), clientAddress: (request: unknown) => clientAddress(request as IncomingMessage) },
  }));


  const wallboard = createWallboard({ db, timeZone: config.reportTimeZone, wrapUpSeconds: config.wrapUp.seconds });
  const supervision = createSupervisorActions({ db, work, dispatcher, notifier, connectorFor: (channel) => registry.forChannel(channel) });

  const stoppers: Array<() => Promise<void> | void> = [];

  return {
    httpServer,
    io,
    knowledgeBase,
    intents,
    async start() {
      let port: number | null = null;
      // Before any call can be verified: PINs from before they were hashed are hashed now.
      await migratePlainPins(db, logger.child({ component: 'pins' }));
      if (httpServer) {
        const routes = [
          ...accountRoutes({
            db,
            tokens,
            work,
            limits,
            clientAddress,
            async endSessions(agentId) {
              accountVersions.forget(agentId);
              // Through the adapter, so sockets held by other hub processes close too. Should the broadcast fail,
              // every process's own session check closes them within ACCOUNT_CHECK_MS: the change itself stands.
              await Promise.all(['/agent', '/supervisor'].map((name) => io.of(name).in(rooms.agent(agentId)).disconnectSockets(true))).catch((error: unknown) =>
                logger.warn({ err: error }, 'could not close the sockets of a changed account at once'),
              );
            },
          }),
          ...apiRoutes({ db, work, dispatcher, limits, defaultCountry: config.defaultCountry, wrapUp: config.wrapUp }),
          ...mailboxes.routes(),
          ...attachmentRoutes({ db }),
          ...voiceRoutes({ db, voice: () => registry.forChannel('voice'), defaultCountry: config.defaultCountry }),
          ...botRoutes({ db }),
          ...supervisorRoutes({ db, wallboard, actions: supervision, timeZone: config.reportTimeZone, wrapUpSeconds: config.wrapUp.seconds, segments: config.segments, currencyRates: config.currencyRates }),
          ...presenceRoutes({ db, timeZone: config.reportTimeZone }),
          ...cannedAnswerRoutes({ db }),
          ...knowledgeBaseRoutes({ articles, knowledgeBase, limits }),
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
          trustProxy: config.trustProxy,
          apiKeys,
          publicBaseUrl: config.publicBaseUrl,
          metrics,
          logger: logger.child({ component: 'http' }),
          webAgentDir,
          webhooks: registry.all().flatMap((connector) => connector.webhooks ?? []),
          webhookConcurrentReads: config.webhookConcurrentReads,
          pages: [
            csatPages({ db, satisfaction }),
            // The demo shop is for trying Sentral out: never served in production.
            widgetRouter({ distDir: webWidgetDir, allowedOrigins: config.widget.allowedOrigins, demo: config.env !== 'production', logger: logger.child({ component: 'widget' }) }),
          ],
          readiness: async () => {
            const failed: string[] = [];
            await db.$queryRaw`SELECT 1`.catch(() => failed.push('database'));
            await queues.ping().catch(() => failed.push('queue'));
            return { ok: failed.length === 0, failed };
          },
        });
        httpServer.on('request', http);
        io.attach(httpServer);
        const agents = attachAgentNamespace(io, {
          tokens,
          work,
          dispatcher,
          db,
          logger: logger.child({ component: 'agent-socket' }),
          disconnectGraceMs: config.agentDisconnectGraceMs,
          sessionCheckMs: ACCOUNT_CHECK_MS,
          onAgentTyping: (contactId, typing) => notifier.toCustomer('chat', { kind: 'typing', contactId, typing }),
        });
        stoppers.push(() => agents.stop());
        const supervisors = attachSupervisorNamespace(io, { tokens, wallboard, logger: logger.child({ component: 'supervisor-socket' }), sessionCheckMs: ACCOUNT_CHECK_MS });
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
        consumer.on('error', (error) => logger.warn({ err: error }, 'contact worker error'));
        const recovery = startRecovery({ db, jobs, dispatcher, notifier, logger: logger.child({ component: 'recovery' }), sweepMs: config.dispatchSweepMs });
        stoppers.push(() => recovery.stop(), () => consumer.close());
        const selfServiceSweep = bot.startSweep(Math.max(config.dispatchSweepMs, 1000));
        stoppers.push(() => selfServiceSweep.stop());
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
        const segments = scheduleSegmentRecompute({ db, thresholds: config.segments.thresholds, currencyRates: config.currencyRates, everyMinutes: config.segments.recomputeMinutes, logger: logger.child({ component: 'segments' }) });
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
      await intents.stop();
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
      await sharedPool.close();
    },
  };
}

/** Where rate-limit counters live: the Redis the hub already uses, else its database. */
function createLimitStore(deps: AppDeps, pool: pg.Pool): { redis: Redis | null; pool: pg.Pool | null; prefix: string; close(): Promise<void> } {
  const { config, logger } = deps;
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', (error) => logger.warn({ err: error }, 'rate limit redis error'));
    return { redis, pool: null, prefix: config.queuePrefix, close: async () => void redis.disconnect() };
  }
  return { redis: null, pool, prefix: config.queuePrefix, close: async () => undefined };
}

function ownPool(deps: AppDeps): { pool: pg.Pool; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: deps.databaseUrl, max: 3, idleTimeoutMillis: 10_000 });
  pool.on('error', (error) => deps.logger.warn({ err: error }, 'socket adapter pool error'));
  return { pool, close: () => pool.end() };
}

function attachAdapter(io: Server, deps: AppDeps, pool: pg.Pool): { close(): Promise<void> } {
  const { config, logger } = deps;
  if (config.redisUrl) {
    const client = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    client.on('error', (error) => logger.warn({ err: error }, 'socket adapter redis error'));
    io.adapter(createRedisStreamsAdapter(client, { streamName: `${config.queuePrefix}:socket.io` }));
    return { close: async () => void client.disconnect() };
  }
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
  return { close: async () => undefined };
}

import { existsSync } from 'node:fs';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { SentralError, type ConnectorWebhook } from '@sentral/contract';
import { retryAfterOf } from '../limits/rate-limits.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { TokenService } from '../auth/tokens.ts';
import { faviconHandler } from './favicon.ts';
import { mount, openApiDocument, type ApiKeyResolver, type RouteDefinition } from './route.ts';
import { securityHeaders } from './security-headers.ts';
import { webhookOpenApi } from '../integration/webhook-schema.ts';

const JSON_LIMIT = '256kb';
const DEFAULT_CONCURRENT_READS = 4;
const READ_RETRY_AFTER_SECONDS = 5;
const BODY_READ_TIMEOUT_MS = 60_000;

/** A counting semaphore that never waits: a caller either gets a slot now or is told to come back. */
function readSlots(size: number): { take(): boolean; give(): void } {
  let free = size;
  return {
    take: () => (free > 0 ? (free--, true) : false),
    give: () => void (free = Math.min(size, free + 1)),
  };
}

export function createHttpApp(deps: {
  routes: RouteDefinition[];
  tokens: TokenService;
  integrationKey: string | null;
  /** Proxies in front of the hub whose X-Forwarded-For is believed (see `client-address.ts`). */
  trustProxy: number | false;
  /** Managed API keys (`X-Api-Key`); without it only the bootstrap key is known. */
  apiKeys?: ApiKeyResolver;
  publicBaseUrl: string;
  metrics: Metrics;
  logger: Logger;
  readiness: () => Promise<{ ok: boolean; failed: string[] }>;
  webAgentDir: string;
  /** Connectors' inbound webhooks (outside /api); their raw body is kept for signature checks. */
  webhooks?: readonly ConnectorWebhook[];
  /** Webhook bodies read at once, per webhook, before their signature is checked; more are answered 429. */
  webhookConcurrentReads?: number;
  /** Pages for customers outside /api (e.g. the satisfaction rating page a link opens). */
  pages?: readonly RequestHandler[];
}): Express {
  const { routes, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Believing every X-Forwarded-For would let any client choose the address its limits are counted under.
  app.set('trust proxy', deps.trustProxy);

  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'other', status: String(res.statusCode) }));
    next();
  });

  app.use(faviconHandler());
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ok, failed } = await deps.readiness();
    res.status(ok ? 200 : 503).json(ok ? { status: 'ready' } : { status: 'unavailable', failed });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const document = { ...openApiDocument(routes, deps.publicBaseUrl), webhooks: webhookOpenApi() };
  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  for (const hook of deps.webhooks ?? []) {
    // A webhook's body is read whole before its signature can be checked, so anyone can make the hub
    // buffer it: too large is refused by its declared length unread, and only a few are read at once.
    const reading = readSlots(deps.webhookConcurrentReads ?? DEFAULT_CONCURRENT_READS);
    const admit: RequestHandler = (req, res, next) => {
      const declared = Number(req.get('content-length'));
      if (Number.isFinite(declared) && declared > hook.maxBytes) {
        res.setHeader('Connection', 'close');
        next(new SentralError('PAYLOAD_TOO_LARGE', `body: larger than ${hook.maxBytes} bytes`));
        return;
      }
      if (!reading.take()) {
        next(new SentralError('RATE_LIMITED', 'too many webhook bodies are being received; retry shortly', { retryAfterSeconds: READ_RETRY_AFTER_SECONDS }));
        return;
      }
      // A sender trickling its body would otherwise keep the slot until Node's own request timeout.
      const deadline = setTimeout(() => req.destroy(), BODY_READ_TIMEOUT_MS);
      deadline.unref();
      let held = true;
      const release = () => {
        clearTimeout(deadline);
        if (held) reading.give();
        held = false;
      };
      res.locals['releaseReadSlot'] = release;
      // A client that goes away mid-body, or a body over the limit, frees the slot too.
      res.once('close', release);
      next();
    };
    const bodyRead: RequestHandler = (_req, res, next) => {
      (res.locals['releaseReadSlot'] as (() => void) | undefined)?.();
      next();
    };
    app.post(hook.path, admit, express.raw({ type: () => true, limit: hook.maxBytes }), bodyRead, (req, res, next) => {
      const rawBody: Uint8Array = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      hook
        // Providers sign the URL they called: PUBLIC_BASE_URL plus the path and query, never the Host header.
        .handle({ method: req.method, headers: req.headers, rawBody, url: `${deps.publicBaseUrl}${req.originalUrl}` })
        .then((result) => {
          if (result.status === 204) res.status(204).end();
          else if (result.contentType) res.status(result.status).type(result.contentType).send(String(result.body));
          else res.status(result.status).json(result.body);
        })
        .catch(next);
    });
  }

  // Scoped by path, so routes other groups add (the embeddable chat widget) keep their own headers.
  app.use('/csat', securityHeaders.page);
  for (const pages of deps.pages ?? []) app.use(pages);

  const api = express.Router();
  api.use('/api', securityHeaders.api);
  api.use(express.json({ limit: JSON_LIMIT, strict: true }));
  for (const route of routes) api[route.method](route.path, mount(route, deps));
  api.use('/api', (_req, _res, next) => next(new SentralError('NOT_FOUND', 'no such route')));
  app.use(api);

  if (existsSync(deps.webAgentDir)) {
    // Built files carry a content hash in their name and never change; index.html names the current ones,
    // so it is revalidated on every load and a new release reaches agents with their next reload.
    app.use(
      express.static(deps.webAgentDir, {
        index: 'index.html',
        setHeaders(res, path) {
          res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
          // Only on files the desktop build serves; helmet sets its headers synchronously.
          securityHeaders.desktop(res.req, res, () => undefined);
        },
      }),
    );
  }

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const known = toSentralError(error);
    if (known.code === 'INTERNAL') logger.error({ err: error, path: req.path }, 'request failed');
    const retryAfter = retryAfterOf(known);
    if (retryAfter !== null) res.setHeader('Retry-After', String(retryAfter));
    res.status(known.status).json({ error: known.toJSON() });
  };
  app.use(onError);
  return app;
}

function toSentralError(error: unknown): SentralError {
  if (error instanceof SentralError) return error;
  const status = (error as { status?: number; type?: string }).status;
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return new SentralError('PAYLOAD_TOO_LARGE', `body: larger than ${typeof limit === 'number' ? `${limit} bytes` : JSON_LIMIT}`);
  }
  if (type === 'entity.parse.failed') return new SentralError('VALIDATION_FAILED', 'body: not valid JSON');
  if (status && status >= 400 && status < 500) return new SentralError('VALIDATION_FAILED', (error as Error).message);
  return new SentralError('INTERNAL', 'internal error');
}

import { existsSync } from 'node:fs';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { SentralError, type ConnectorWebhook } from '@sentral/contract';
import { retryAfterOf } from '../limits/rate-limits.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { TokenService } from '../auth/tokens.ts';
import { webhookOpenApi } from '../integration/webhook-schema.ts';
import { mount, openApiDocument, type ApiKeyResolver, type RouteDefinition } from './route.ts';

const JSON_LIMIT = '256kb';

export function createHttpApp(deps: {
  routes: RouteDefinition[];
  tokens: TokenService;
  integrationKey: string | null;
  /** Managed API keys (`X-Api-Key`); without it only the bootstrap key is known. */
  apiKeys?: ApiKeyResolver;
  publicBaseUrl: string;
  metrics: Metrics;
  logger: Logger;
  readiness: () => Promise<{ ok: boolean; failed: string[] }>;
  webAgentDir: string;
  /** Connectors' inbound webhooks (outside /api); their raw body is kept for signature checks. */
  webhooks?: readonly ConnectorWebhook[];
  /** Pages for customers outside /api (e.g. the satisfaction rating page a link opens). */
  pages?: readonly RequestHandler[];
}): Express {
  const { routes, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'other', status: String(res.statusCode) }));
    next();
  });

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
    app.post(hook.path, express.raw({ type: () => true, limit: hook.maxBytes }), (req, res, next) => {
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

  for (const pages of deps.pages ?? []) app.use(pages);

  const api = express.Router();
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
  if (type === 'entity.too.large') return new SentralError('PAYLOAD_TOO_LARGE', `body: larger than ${JSON_LIMIT}`);
  if (type === 'entity.parse.failed') return new SentralError('VALIDATION_FAILED', 'body: not valid JSON');
  if (status && status >= 400 && status < 500) return new SentralError('VALIDATION_FAILED', (error as Error).message);
  return new SentralError('INTERNAL', 'internal error');
}

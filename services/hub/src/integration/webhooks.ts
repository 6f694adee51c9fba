import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { SentralError, webhookEventTypes, type WebhookDeliveryView, type WebhookEndpointView, type WebhookEventType } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { queueNames, webhookJobs, type JobConsumer, type JobProducer, type QueueBackend, type WebhookJobData } from '@sentral/queues';
import type { Logger } from '../logger.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { audit } from './audit.ts';
import { refuseUrl, type OutboundHttp } from './outbound-http.ts';

/** A rotated-out secret keeps signing beside the new one this long. */
const SECRET_OVERLAP_MS = 24 * 3600 * 1000;
/** Delivery log and relayed outbox rows are kept this long. */
const LOG_RETENTION_DAYS = 30;
/** An attempt that has not finished this long after its deadline is taken to have died with its worker. */
const LEASE_MARGIN_MS = 5_000;
/** A due delivery with no attempt after this long gets a new job (its job was lost, e.g. with Redis). */
const OVERDUE_GRACE_MS = 3_000;
/** An endpoint answering within this is quick: a delivery to it waits this long for a free slot of its own. */
const QUICK_ENDPOINT_MS = 500;

export interface WebhookSettings {
  allowPrivate: boolean;
  timeoutMs: number;
  retryScheduleMs: readonly number[];
  disableAfterMs: number;
  concurrency: number;
  endpointConcurrency: number;
  relayMs: number;
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  createdAt: Date;
}

function endpointView(row: EndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    events: row.events.filter((type): type is WebhookEventType => (webhookEventTypes as readonly string[]).includes(type)),
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: bigint;
  type: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

function deliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId.toString(),
    type: row.type,
    status: row.status === 'succeeded' || row.status === 'failed' ? row.status : 'pending',
    attempts: row.attempts,
    responseCode: row.responseCode,
    latencyMs: row.latencyMs,
    error: row.error,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before retry number `attempt` (1-based): the schedule's step with ±20 % jitter. */
export function retryDelayMs(schedule: readonly number[], attempt: number, random = Math.random): number | null {
  const step = schedule[attempt - 1];
  if (step === undefined) return null;
  return Math.round(step * (0.8 + 0.4 * random()));
}

/**
 * Outbound event webhooks. Triggers write each event into `WebhookOutbox` in the transaction of the
 * change; the relay turns outbox rows into one `WebhookDelivery` per subscribed endpoint and a BullMQ
 * job per attempt. PostgreSQL holds the truth (what is due when), so a lost job or a crashed worker
 * only delays an attempt: the sweep re-adds whatever is overdue.
 */
export function createWebhooks(deps: { db: Database; queues: QueueBackend; http: OutboundHttp; settings: WebhookSettings; logger: Logger }) {
  const { db, http, settings, logger } = deps;
  const jobs: JobProducer<WebhookJobData> = deps.queues.producer<WebhookJobData>(queueNames.webhooks);
  const inFlight = new Map<string, number>();
  /** Each endpoint's latest attempt time in this process (a failed connection counts as slow). */
  const recentLatency = new Map<string, number>();

  async function enqueue(deliveryId: string, endpointId: string, attempt: number, dueAt: Date): Promise<void> {
    await jobs.add(
      webhookJobs.deliver.name,
      { deliveryId, endpointId, attempt },
      { jobId: webhookJobs.deliver.jobId(deliveryId, attempt, dueAt), delay: Math.max(0, dueAt.getTime() - Date.now()), attempts: 3, backoff: { type: 'exponential', delay: 500 } },
    );
  }

  /** Moves outbox rows to deliveries in one statement, then adds their jobs; returns how many rows moved. */
  async function relay(): Promise<number> {
    const created = await db.$queryRaw<Array<{ id: string; endpointId: string; nextAttemptAt: Date; moved: number }>>`
      WITH picked AS (
        SELECT id, type FROM "WebhookOutbox" WHERE "relayedAt" IS NULL ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
      ), marked AS (
        UPDATE "WebhookOutbox" o SET "relayedAt" = now() FROM picked WHERE o.id = picked.id RETURNING o.id
      ), created AS (
        INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", type, status, attempts, "nextAttemptAt", "createdAt", "updatedAt")
        SELECT gen_random_uuid(), e.id, p.id, p.type, 'pending', 0, now(), now(), now()
        FROM picked p JOIN "WebhookEndpoint" e ON e.enabled AND p.type = ANY(e.events)
        ON CONFLICT ("endpointId", "eventId") DO NOTHING
        RETURNING id, "endpointId", "nextAttemptAt"
      )
      SELECT id::text AS id, "endpointId"::text AS "endpointId", "nextAttemptAt", (SELECT count(*)::int FROM marked) AS moved FROM created
      UNION ALL SELECT NULL, NULL, NULL, (SELECT count(*)::int FROM marked) WHERE NOT EXISTS (SELECT 1 FROM created)`;
    // Added together: the queue client pipelines them instead of waiting for each in turn.
    await Promise.all(
      created
        .filter((row) => row.id)
        .map((row) => enqueue(row.id, row.endpointId, 0, row.nextAttemptAt).catch((error: unknown) => logger.warn({ err: error, deliveryId: row.id }, 'could not enqueue a delivery; the sweep retries'))),
    );
    return created[0]?.moved ?? 0;
  }

  /** Due deliveries whose job has not run (lost with Redis, or its worker died mid-attempt) get a new one. */
  async function sweep(): Promise<void> {
    const overdue = await db.$queryRaw<Array<{ id: string; endpointId: string; attempts: number; nextAttemptAt: Date }>>`
      UPDATE "WebhookDelivery" d SET "nextAttemptAt" = now(), "updatedAt" = now()
      FROM (
        SELECT id FROM "WebhookDelivery"
        WHERE status = 'pending' AND "nextAttemptAt" < now() - make_interval(secs => ${OVERDUE_GRACE_MS / 1000})
        ORDER BY "nextAttemptAt" LIMIT 1000 FOR UPDATE SKIP LOCKED
      ) due
      WHERE d.id = due.id
      RETURNING d.id::text AS id, d."endpointId"::text AS "endpointId", d.attempts, d."nextAttemptAt"`;
    for (const row of overdue) await enqueue(row.id, row.endpointId, row.attempts, row.nextAttemptAt);
    if (overdue.length) logger.info({ deliveries: overdue.length }, 'overdue webhook deliveries enqueued again');
  }

  async function cleanup(): Promise<void> {
    const cutoff = new Date(Date.now() - LOG_RETENTION_DAYS * 86_400_000);
    const deliveries = await db.webhookDelivery.deleteMany({ where: { createdAt: { lt: cutoff }, status: { not: 'pending' } } });
    const events = await db.$executeRaw`
      DELETE FROM "WebhookOutbox" o WHERE o."relayedAt" < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = o.id)`;
    if (deliveries.count || events) logger.info({ deliveries: deliveries.count, events }, 'old webhook deliveries removed');
  }

  async function disable(endpointId: string, reason: 'gone' | 'failing', detail: Record<string, unknown>): Promise<void> {
    const changed = await db.webhookEndpoint.updateMany({ where: { id: endpointId, enabled: true }, data: { enabled: false, disabledReason: reason } });
    if (changed.count === 0) return;
    await audit(db, null, 'webhook.endpoint.disabled', 'webhook-endpoint', endpointId, { reason, ...detail });
    logger.warn({ endpointId, reason, ...detail }, 'webhook endpoint disabled; an admin must enable it again');
  }

  function sign(endpoint: { secret: string; previousSecret: string | null; previousSecretUntil: Date | null }, messageId: string, at: Date, body: string): string {
    const signatures = [new Webhook(endpoint.secret).sign(messageId, at, body)];
    if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil.getTime() > at.getTime()) {
      signatures.push(new Webhook(endpoint.previousSecret).sign(messageId, at, body));
    }
    return signatures.join(' ');
  }

  /** One attempt of one delivery. Claiming bumps the attempt count, so two jobs for one attempt send once. */
  async function attempt(job: WebhookJobData): Promise<void> {
    // A slow endpoint may hold only so many of this process's slots; its other deliveries wait their turn.
    // A quick one is worth waiting for a moment in the slot; a slow or dead one is put back in the queue.
    if ((inFlight.get(job.endpointId) ?? 0) >= settings.endpointConcurrency && (recentLatency.get(job.endpointId) ?? Infinity) < QUICK_ENDPOINT_MS) {
      const waitUntil = Date.now() + QUICK_ENDPOINT_MS;
      while ((inFlight.get(job.endpointId) ?? 0) >= settings.endpointConcurrency && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if ((inFlight.get(job.endpointId) ?? 0) >= settings.endpointConcurrency) {
      const dueAt = new Date(Date.now() + 100 + Math.round(Math.random() * 200));
      const moved = await db.webhookDelivery.updateMany({ where: { id: job.deliveryId, status: 'pending', attempts: job.attempt }, data: { nextAttemptAt: dueAt } });
      if (moved.count) await enqueue(job.deliveryId, job.endpointId, job.attempt, dueAt);
      return;
    }
    // Claim, endpoint and event in one round trip: the hot path of every delivery.
    const leaseUntil = new Date(Date.now() + settings.timeoutMs + LEASE_MARGIN_MS);
    const [claimed] = await db.$queryRaw<
      Array<{ id: string; endpointId: string; url: string; secret: string; previousSecret: string | null; previousSecretUntil: Date | null; failingSince: Date | null; eventId: bigint | null; type: string | null; at: Date | null; data: unknown }>
    >`
      WITH claimed AS (
        UPDATE "WebhookDelivery" d SET attempts = d.attempts + 1, "nextAttemptAt" = ${leaseUntil}, "updatedAt" = now()
        FROM "WebhookEndpoint" e
        WHERE d.id = ${job.deliveryId}::uuid AND d.status = 'pending' AND d.attempts = ${job.attempt} AND e.id = d."endpointId" AND e.enabled
        RETURNING d.id, d."eventId", e.id AS "endpointId", e.url, e.secret, e."previousSecret", e."previousSecretUntil", e."failingSince"
      )
      SELECT c.id::text AS id, c."endpointId"::text AS "endpointId", c.url, c.secret, c."previousSecret", c."previousSecretUntil", c."failingSince",
             o.id AS "eventId", o.type, o.at, o.data
      FROM claimed c LEFT JOIN "WebhookOutbox" o ON o.id = c."eventId"`;
    if (!claimed) {
      // Already attempted or finished (a duplicate job), or its endpoint was disabled meanwhile.
      await db.$executeRaw`
        UPDATE "WebhookDelivery" d SET status = 'failed', error = 'endpoint disabled', "nextAttemptAt" = NULL, "updatedAt" = now()
        FROM "WebhookEndpoint" e WHERE d.id = ${job.deliveryId}::uuid AND d.status = 'pending' AND e.id = d."endpointId" AND NOT e.enabled`;
      return;
    }
    const delivery = { id: claimed.id };
    const endpoint = { id: claimed.endpointId, url: claimed.url, secret: claimed.secret, previousSecret: claimed.previousSecret, previousSecretUntil: claimed.previousSecretUntil, failingSince: claimed.failingSince };
    if (claimed.eventId === null || claimed.type === null || claimed.at === null) {
      await db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'failed', error: 'event no longer kept', nextAttemptAt: null } });
      return;
    }
    const event = { id: claimed.eventId, type: claimed.type, at: claimed.at, data: claimed.data };
    const attemptNumber = job.attempt + 1;
    const messageId = `msg_${event.id.toString()}`;
    const body = JSON.stringify({ type: event.type, timestamp: event.at.toISOString(), data: event.data });
    const now = new Date();
    inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 0) + 1);
    let outcome: { status: number | null; latencyMs: number | null; error: string | null; retryAfter: number | null };
    const started = performance.now();
    try {
      const answer = await http.request({
        url: endpoint.url,
        method: 'POST',
        timeoutMs: settings.timeoutMs,
        maxBodyBytes: 2048,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Sentral-Webhooks/1',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': sign(endpoint, messageId, now, body),
        },
        body,
      });
      const ok = answer.status >= 200 && answer.status < 300;
      outcome = { status: answer.status, latencyMs: answer.latencyMs, error: ok ? null : `HTTP ${answer.status}`, retryAfter: answer.status === 429 ? retryAfterMs(answer.headers['retry-after']) : null };
    } catch (error) {
      outcome = { status: null, latencyMs: Math.round(performance.now() - started), error: (error as Error).message.slice(0, 300), retryAfter: null };
    } finally {
      inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 1) - 1);
    }
    recentLatency.set(endpoint.id, outcome.status !== null ? (outcome.latencyMs ?? Infinity) : Infinity);

    const log = { deliveryId: delivery.id, endpointId: endpoint.id, type: event.type, attempt: attemptNumber, status: outcome.status, latencyMs: outcome.latencyMs };
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      await db.webhookDelivery.update({
        where: { id: delivery.id },
        data: { status: 'succeeded', responseCode: outcome.status, latencyMs: outcome.latencyMs, error: null, nextAttemptAt: null, deliveredAt: new Date() },
      });
      if (endpoint.failingSince) await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: null } });
      logger.debug(log, 'webhook delivered');
      return;
    }
    if (outcome.status === 410) {
      await db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'failed', responseCode: 410, latencyMs: outcome.latencyMs, error: 'HTTP 410: the receiver is gone', nextAttemptAt: null } });
      await disable(endpoint.id, 'gone', { deliveryId: delivery.id });
      return;
    }
    const failingSince = endpoint.failingSince ?? new Date();
    if (!endpoint.failingSince) await db.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: null }, data: { failingSince } });
    const scheduled = retryDelayMs(settings.retryScheduleMs, attemptNumber);
    // 429 names its own wait; it is honoured, but never beyond the schedule's longest step.
    const delay = scheduled === null ? null : outcome.retryAfter !== null ? Math.min(Math.max(outcome.retryAfter, 0), Math.max(...settings.retryScheduleMs)) : scheduled;
    const givingUp = delay === null;
    const nextAttemptAt = givingUp ? null : new Date(Date.now() + delay);
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: givingUp ? 'failed' : 'pending', responseCode: outcome.status, latencyMs: outcome.latencyMs, error: outcome.error, nextAttemptAt },
    });
    logger.info({ ...log, error: outcome.error, nextAttemptAt }, givingUp ? 'webhook delivery failed for good' : 'webhook delivery failed; retrying');
    if (nextAttemptAt) await enqueue(delivery.id, endpoint.id, attemptNumber, nextAttemptAt).catch((error: unknown) => logger.warn({ err: error }, 'could not enqueue a retry; the sweep retries'));
    if (Date.now() - failingSince.getTime() >= settings.disableAfterMs) {
      await disable(endpoint.id, 'failing', { failingSince: failingSince.toISOString() });
    }
  }

  function startWorker(tuning: { lockDurationMs: number }): { stop(): Promise<void> } {
    const consumer: JobConsumer = deps.queues.consumer<WebhookJobData>(queueNames.webhooks, (job) => attempt(job.data), {
      concurrency: settings.concurrency,
      lockDurationMs: Math.max(tuning.lockDurationMs, settings.timeoutMs * 2),
      stalledIntervalMs: Math.max(500, Math.floor(Math.max(tuning.lockDurationMs, settings.timeoutMs * 2) / 2)),
    });
    consumer.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id }, 'webhook job failed'));
    let stopped = false;
    let relaying: Promise<void> = Promise.resolve();
    const loop = async () => {
      while (!stopped) {
        const moved = await relay().catch((error: unknown) => {
          logger.warn({ err: error }, 'webhook relay failed');
          return 0;
        });
        // A full batch means more is waiting: go again at once.
        if (moved < 500) await new Promise((resolve) => setTimeout(resolve, settings.relayMs));
      }
    };
    relaying = loop();
    const sweeper = setInterval(() => void sweep().catch((error: unknown) => logger.warn({ err: error }, 'webhook sweep failed')), Math.max(1000, settings.relayMs * 5));
    const cleaner = setInterval(() => void cleanup().catch((error: unknown) => logger.warn({ err: error }, 'webhook log cleanup failed')), 3600_000);
    void cleanup().catch((error: unknown) => logger.warn({ err: error }, 'webhook log cleanup failed'));
    return {
      async stop() {
        stopped = true;
        clearInterval(sweeper);
        clearInterval(cleaner);
        await relaying;
        await consumer.close();
      },
    };
  }

  const manage = { roles: ['admin' as const], scopes: ['webhooks:manage' as const] };
  const idParam = z.object({ id: z.string().uuid('must be a UUID') });
  const events = z.array(z.enum(webhookEventTypes)).min(1, 'must name at least one event type').max(webhookEventTypes.length);

  async function checkedUrl(url: string): Promise<string> {
    const refusal = await refuseUrl(url, settings.allowPrivate);
    if (refusal) throw new SentralError('VALIDATION_FAILED', `url: ${refusal}`, { field: 'url' });
    return url;
  }

  async function endpointOr404(id: string) {
    const row = await db.webhookEndpoint.findUnique({ where: { id } });
    if (!row) throw new SentralError('NOT_FOUND', 'no such webhook endpoint');
    return row;
  }

  function routes(): RouteDefinition[] {
    return [
      defineRoute({
        method: 'post',
        path: '/api/webhooks/endpoints',
        summary: 'Add a webhook endpoint; its signing secret is in this response only',
        access: manage,
        body: z.object({ url: z.string().trim().min(1).max(2000), events, description: z.string().trim().max(500).optional(), enabled: z.boolean().optional() }).strict(),
        responses: { 201: '{"id","secret","url","events","description","enabled",...}', 403: 'Not an admin or a key with webhooks:manage' },
        async handler({ body, caller }) {
          const url = await checkedUrl(body.url);
          const secret = newSecret();
          const row = await db.webhookEndpoint.create({
            data: { url, events: [...new Set(body.events)], description: body.description ?? null, enabled: body.enabled ?? true, secret, createdBy: caller?.kind === 'agent' ? caller.agent.id : null },
          });
          await audit(db, caller, 'webhook.endpoint.create', 'webhook-endpoint', row.id, { url, events: row.events });
          return { status: 201, body: { ...endpointView(row), secret } };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/api/webhooks/endpoints',
        summary: 'The webhook endpoints (never their secrets)',
        access: manage,
        responses: { 200: '[{"id","url","events","description","enabled","disabledReason","failingSince","createdAt"}]' },
        async handler() {
          return { body: (await db.webhookEndpoint.findMany({ orderBy: { createdAt: 'asc' } })).map(endpointView) };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/api/webhooks/endpoints/:id',
        summary: 'One webhook endpoint',
        access: manage,
        params: idParam,
        responses: { 200: 'The endpoint', 404: 'No such endpoint' },
        async handler({ params }) {
          return { body: endpointView(await endpointOr404(params.id)) };
        },
      }),
      defineRoute({
        method: 'put',
        path: '/api/webhooks/endpoints/:id',
        summary: 'Change an endpoint (fields left out keep their value); `rotateSecret` issues a new secret, the old one signs too for 24 h',
        access: manage,
        params: idParam,
        body: z
          .object({ url: z.string().trim().min(1).max(2000).optional(), events: events.optional(), description: z.string().trim().max(500).nullable().optional(), enabled: z.boolean().optional(), rotateSecret: z.boolean().optional() })
          .strict(),
        responses: { 200: 'The endpoint, with `secret` when it was rotated', 404: 'No such endpoint' },
        async handler({ params, body, caller }) {
          const existing = await endpointOr404(params.id);
          const url = body.url === undefined ? undefined : await checkedUrl(body.url);
          const secret = body.rotateSecret ? newSecret() : null;
          const row = await db.webhookEndpoint.update({
            where: { id: existing.id },
            data: {
              ...(url !== undefined ? { url } : {}),
              ...(body.events ? { events: [...new Set(body.events)] } : {}),
              ...(body.description !== undefined ? { description: body.description } : {}),
              ...(body.enabled !== undefined ? { enabled: body.enabled, ...(body.enabled ? { disabledReason: null, failingSince: null } : {}) } : {}),
              ...(secret ? { secret, previousSecret: existing.secret, previousSecretUntil: new Date(Date.now() + SECRET_OVERLAP_MS) } : {}),
            },
          });
          const { rotateSecret: _rotate, ...changed } = body;
          await audit(db, caller, secret ? 'webhook.endpoint.rotate' : 'webhook.endpoint.update', 'webhook-endpoint', row.id, changed);
          return { body: { ...endpointView(row), ...(secret ? { secret } : {}) } };
        },
      }),
      defineRoute({
        method: 'delete',
        path: '/api/webhooks/endpoints/:id',
        summary: 'Remove an endpoint and its delivery log',
        access: manage,
        params: idParam,
        responses: { 200: '{"id","deleted":true}', 404: 'No such endpoint' },
        async handler({ params, caller }) {
          const existing = await endpointOr404(params.id);
          await db.webhookEndpoint.delete({ where: { id: existing.id } });
          await audit(db, caller, 'webhook.endpoint.delete', 'webhook-endpoint', existing.id, { url: existing.url });
          return { body: { id: existing.id, deleted: true } };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/api/webhooks/endpoints/:id/deliveries',
        summary: 'The endpoint’s delivery log, newest first (kept 30 days)',
        access: manage,
        params: idParam,
        query: z.object({ status: z.enum(['pending', 'succeeded', 'failed']).optional(), type: z.enum(webhookEventTypes).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
        responses: { 200: '[{"id","eventId","type","status","attempts","responseCode","latencyMs","error","nextAttemptAt","createdAt","deliveredAt"}]', 404: 'No such endpoint' },
        async handler({ params, query }) {
          await endpointOr404(params.id);
          const rows = await db.webhookDelivery.findMany({
            where: { endpointId: params.id, ...(query.status ? { status: query.status } : {}), ...(query.type ? { type: query.type } : {}) },
            orderBy: [{ createdAt: 'desc' }, { eventId: 'desc' }],
            take: query.limit,
          });
          return { body: rows.map(deliveryView) };
        },
      }),
      defineRoute({
        method: 'post',
        path: '/api/webhooks/deliveries/:id/redeliver',
        summary: 'Send a delivered or failed event to its endpoint again, now, with a fresh retry schedule',
        access: manage,
        params: idParam,
        responses: { 202: 'The delivery, pending again', 404: 'No such delivery', 409: 'Still pending, or the endpoint is disabled' },
        async handler({ params, caller }) {
          const delivery = await db.webhookDelivery.findUnique({ where: { id: params.id }, include: { endpoint: { select: { enabled: true } } } });
          if (!delivery) throw new SentralError('NOT_FOUND', 'no such delivery');
          if (!delivery.endpoint.enabled) throw new SentralError('CONFLICT', 'the endpoint is disabled; enable it first');
          const dueAt = new Date();
          const reset = await db.webhookDelivery.updateMany({
            where: { id: delivery.id, status: { not: 'pending' } },
            data: { status: 'pending', attempts: 0, nextAttemptAt: dueAt, error: null, deliveredAt: null },
          });
          if (reset.count === 0) throw new SentralError('CONFLICT', 'the delivery is still pending');
          await enqueue(delivery.id, delivery.endpointId, 0, dueAt);
          await audit(db, caller, 'webhook.delivery.redeliver', 'webhook-delivery', delivery.id, { endpointId: delivery.endpointId, eventId: delivery.eventId.toString() });
          return { status: 202, body: deliveryView({ ...delivery, status: 'pending', attempts: 0, nextAttemptAt: dueAt, error: null, deliveredAt: null }) };
        },
      }),
    ];
  }

  return {
    routes,
    startWorker,
    /** For the benchmark and tests that drive the relay by hand. */
    relay,
    sweep,
    cleanup,
    async close(): Promise<void> {
      await jobs.close();
    },
  };
}


import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '@sentral/db';

export interface Metrics {
  registry: Registry;
  contactTransitions: Counter<'channel' | 'state'>;
  offerLatency: Histogram<'channel'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/** One registry per app instance, so several hubs in one test process do not collide. */
export function createMetrics(db: Database): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sentral_' });
  const contactTransitions = new Counter({
    name: 'sentral_contacts_total',
    help: 'Contacts entering a state, by channel and state',
    labelNames: ['channel', 'state'] as const,
    registers: [registry],
  });
  const offerLatency = new Histogram({
    name: 'sentral_offer_latency_seconds',
    help: 'Time from a contact arriving to its offer being pushed to an agent',
    labelNames: ['channel'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'sentral_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'sentral_queue_waiting',
    help: 'Contacts waiting in each queue (queued or being offered)',
    labelNames: ['queue', 'channel'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.$queryRaw<Array<{ queueId: string; channel: string; waiting: bigint }>>`
        SELECT "queueId", channel::text AS channel, count(*) AS waiting FROM "Contact"
        WHERE status IN ('arrived', 'queued', 'offered') GROUP BY "queueId", channel`;
      for (const row of rows) this.set({ queue: row.queueId, channel: row.channel }, Number(row.waiting));
    },
  });
  return { registry, contactTransitions, offerLatency, httpDuration };
}

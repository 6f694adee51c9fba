import { Queue, Worker, createPostgresBackend, withBackend, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { QueueName } from './topology.ts';

export type QueueBackendConfig =
  | { kind: 'redis'; redisUrl: string; prefix: string }
  | { kind: 'postgres'; databaseUrl: string; schema: string };

export interface WorkerTuning {
  concurrency: number;
  /** How long a job's lock lives; a crashed worker's job returns to the queue after this. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export type JobProcessor<D> = (job: Job<D>) => Promise<void>;

export interface JobProducer<D> {
  add(name: string, data: D, opts: JobsOptions & { jobId: string }): Promise<void>;
  close(): Promise<void>;
}

export interface JobConsumer {
  close(): Promise<void>;
  on(event: 'failed', listener: (job: Job | undefined, error: Error) => void): void;
  /** Connection and lock trouble; without a listener an EventEmitter's 'error' ends the process. */
  on(event: 'error', listener: (error: Error) => void): void;
}

/** One code path for both backends: callers never learn which one is underneath. */
export interface QueueBackend {
  readonly kind: QueueBackendConfig['kind'];
  producer<D>(name: QueueName): JobProducer<D>;
  consumer<D>(name: QueueName, processor: JobProcessor<D>, tuning: WorkerTuning): JobConsumer;
  /** Rejects when the backend does not answer; used by readiness checks. */
  ping(): Promise<void>;
  /** Warnings about the backend's configuration an operator should fix (e.g. Redis eviction). */
  warnings(): Promise<string[]>;
  close(): Promise<void>;
}

const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** PostgreSQL connections the PostgreSQL backend opens at most, per producer and per consumer (LISTEN included). */
export const postgresConnections = { perProducer: 1, perConsumer: 3 } as const;

export function createQueueBackend(config: QueueBackendConfig): QueueBackend {
  return backendOf(config.kind === 'redis' ? redisConnections(config) : postgresConnectionsOf(config));
}

/** What the shared code needs of a BullMQ queue and worker, whichever backend made them. */
interface QueueHandle {
  add(name: string, data: unknown, opts: JobsOptions): Promise<unknown>;
  getJobCounts(...types: 'waiting'[]): Promise<unknown>;
  close(): Promise<void>;
}

/** What differs between the backends: how a queue and a worker are built, and the health checks. */
interface Connections {
  kind: QueueBackendConfig['kind'];
  newQueue(name: QueueName): QueueHandle;
  newWorker(name: QueueName, processor: JobProcessor<unknown>, tuning: WorkerOptions): JobConsumer;
  ping(firstQueue: QueueHandle | undefined): Promise<void>;
  warnings(): Promise<string[]>;
  close(): Promise<void>;
}

type WorkerOptions = { concurrency: number; lockDuration: number; stalledInterval: number };

function redisConnections(config: Extract<QueueBackendConfig, { kind: 'redis' }>): Connections {
  // One connection shared by producers; each worker gets its own blocking connection.
  const shared = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  return {
    kind: 'redis',
    newQueue: (name) => new Queue(name, { connection: shared, prefix: config.prefix, defaultJobOptions }),
    newWorker: (name, processor, tuning) =>
      new Worker(name, processor, { connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }), prefix: config.prefix, ...tuning }),
    async ping() {
      await shared.ping();
    },
    async warnings() {
      const reply = (await shared.config('GET', 'maxmemory-policy')) as string[];
      const policy = reply[1];
      return policy && policy !== 'noeviction'
        ? [`Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or jobs can be silently evicted`]
        : [];
    },
    async close() {
      shared.disconnect();
    },
  };
}

function postgresConnectionsOf(config: Extract<QueueBackendConfig, { kind: 'postgres' }>): Connections {
  const classes = withBackend(createPostgresBackend);
  // Each queue and worker owns a pool (a worker also keeps one LISTEN connection). They stay small, and idle
  // connections close, so a hub on this backend holds a bounded, documented number of connections.
  const connection = (max: number) => ({ connectionString: config.databaseUrl, schema: config.schema, migrate: true, max, idleTimeoutMillis: 10_000 });
  return {
    kind: 'postgres',
    newQueue: (name) => new classes.Queue(name, { connection: connection(postgresConnections.perProducer), defaultJobOptions }),
    // The pool beside the worker's own LISTEN connection.
    newWorker: (name, processor, tuning) => new classes.Worker(name, processor, { connection: connection(postgresConnections.perConsumer - 1), ...tuning }),
    async ping(firstQueue) {
      if (!firstQueue) throw new Error('no queue opened on the PostgreSQL backend yet');
      await firstQueue.getJobCounts('waiting');
    },
    async warnings() {
      return [];
    },
    async close() {},
  };
}

function backendOf(connections: Connections): QueueBackend {
  const closers: Array<() => Promise<void>> = [];
  let firstQueue: QueueHandle | undefined;
  return {
    kind: connections.kind,
    producer<D>(name: QueueName) {
      const queue = connections.newQueue(name);
      firstQueue ??= queue;
      const close = () => queue.close();
      closers.push(close);
      return {
        async add(jobName: string, data: D, opts: JobsOptions & { jobId: string }) {
          await queue.add(jobName, data, opts);
        },
        close,
      };
    },
    consumer<D>(name: QueueName, processor: JobProcessor<D>, tuning: WorkerTuning) {
      const worker = connections.newWorker(name, processor as JobProcessor<unknown>, {
        concurrency: tuning.concurrency,
        lockDuration: tuning.lockDurationMs,
        stalledInterval: tuning.stalledIntervalMs,
      });
      closers.push(() => worker.close());
      return worker;
    },
    ping: () => connections.ping(firstQueue),
    warnings: () => connections.warnings(),
    async close() {
      for (const close of closers.reverse()) await close();
      await connections.close();
    },
  };
}

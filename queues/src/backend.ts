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

export function createQueueBackend(config: QueueBackendConfig): QueueBackend {
  return config.kind === 'redis' ? redisBackend(config) : postgresBackend(config);
}

function redisBackend(config: Extract<QueueBackendConfig, { kind: 'redis' }>): QueueBackend {
  // One connection shared by producers; each worker gets its own blocking connection.
  const shared = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  const closers: Array<() => Promise<void>> = [];
  return {
    kind: 'redis',
    producer<D>(name: QueueName) {
      const queue = new Queue<D>(name, { connection: shared, prefix: config.prefix, defaultJobOptions });
      const close = () => queue.close();
      closers.push(close);
      return {
        async add(jobName, data, opts) {
          await (queue as Queue).add(jobName, data, opts);
        },
        close,
      };
    },
    consumer<D>(name: QueueName, processor: JobProcessor<D>, tuning: WorkerTuning) {
      const worker = new Worker<D>(name, processor, {
        connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }),
        prefix: config.prefix,
        concurrency: tuning.concurrency,
        lockDuration: tuning.lockDurationMs,
        stalledInterval: tuning.stalledIntervalMs,
      });
      const close = () => worker.close();
      closers.push(close);
      return worker as unknown as JobConsumer;
    },
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
      for (const close of closers.reverse()) await close();
      shared.disconnect();
    },
  };
}

function postgresBackend(config: Extract<QueueBackendConfig, { kind: 'postgres' }>): QueueBackend {
  const classes = withBackend(createPostgresBackend);
  const connection = { connectionString: config.databaseUrl, schema: config.schema, migrate: true, max: 10 };
  const closers: Array<() => Promise<void>> = [];
  let pingQueue: InstanceType<typeof classes.Queue> | undefined;
  return {
    kind: 'postgres',
    producer<D>(name: QueueName) {
      const queue = new classes.Queue<D>(name, { connection, defaultJobOptions });
      pingQueue ??= queue as InstanceType<typeof classes.Queue>;
      const close = () => queue.close();
      closers.push(close);
      return {
        async add(jobName, data, opts) {
          await (queue as InstanceType<typeof classes.Queue>).add(jobName, data, opts);
        },
        close,
      };
    },
    consumer<D>(name: QueueName, processor: JobProcessor<D>, tuning: WorkerTuning) {
      const worker = new classes.Worker<D>(name, processor, {
        connection,
        concurrency: tuning.concurrency,
        lockDuration: tuning.lockDurationMs,
        stalledInterval: tuning.stalledIntervalMs,
      });
      const close = () => worker.close();
      closers.push(close);
      return worker as unknown as JobConsumer;
    },
    async ping() {
      if (!pingQueue) throw new Error('no queue opened on the PostgreSQL backend yet');
      await pingQueue.getJobCounts('waiting');
    },
    async warnings() {
      return [];
    },
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}

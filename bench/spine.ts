import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { createQueueBackend, queueNames, type QueueBackend } from '@sentral/queues';
import { runSimulation, type SimulationSummary } from '@sentral/simulator';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix, type Backend } from '../test/support/hub.ts';
import { testRedisUrl } from '../test/support/env.ts';
import { latencyFigures, paced, progress, sleep, type BenchResult } from './lib.ts';

// The first target: Redis backend, offer p99 ≤ 50 ms at this rate (reported, not asserted).
const TARGET_RATE = 100;
const STEADY_SECONDS = 10;
// Rates tried from the bottom up until one is not kept up with; the highest kept up with is the
// sustained figure.
const LADDER = [5, 10, 15, 20, 25, 35, 50, 100, 200];
const STEP_SECONDS = 4;
// A rate is kept up with when nothing failed or was abandoned, every contact was offered, offers came
// as fast as contacts arrived, and no customer waited long for their offer. Arrivals are random, so a
// 4-second step may bring a few contacts fewer than the rate: that says nothing about the hub.
const KEPT_UP_P99_MS = 1000;
const CUSTOMERS = 1000;
// Room for every contact in flight: at 100/s and about a second per contact (answer, the customer's
// reply, end), ~100 conversations run at once; the seeded agents' own capacities are 1-5.
const CHAT_CAPACITY = 10;
const WORKER_CONCURRENCY = 20;

/**
 * The spine under load: chat customers through the public `/chat` endpoint, identified, routed and
 * offered by a real hub process, with simulated agents accepting every offer. Measured per queue
 * backend beside the floor under it: a no-op BullMQ job and a bare Socket.IO round trip.
 */
export async function run(): Promise<BenchResult[]> {
  const results = [await socketIoRoundTrip()];
  for (const backend of ['postgres', 'redis'] as const) results.push(...(await backendRun(backend)));
  return results;
}

async function backendRun(backend: Backend): Promise<BenchResult[]> {
  const database = await createTestDatabase();
  const prefix = uniquePrefix();
  try {
    await seed(database, CUSTOMERS);
    await database.db.agent.updateMany({ where: { role: 'agent' }, data: { capacityChat: CHAT_CAPACITY } });
    const agents = await database.db.agent.count({ where: { role: 'agent' } });
    progress(`${backend}: no-op BullMQ jobs`);
    const results = await bullmqBaseline(backend, database, prefix);

    progress(`${backend}: starting a hub`);
    const hub = await spawnHub(hubEnv(backend, database, prefix, { LOG_LEVEL: 'info', DISPATCH_SWEEP_MS: '1000', WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) }));
    try {
      const chat = async (rate: number, seconds: number) => {
        progress(`${backend}: chat at ${rate}/s for ${seconds} s`);
        const cpuBefore = await cpuSeconds(hub.child.pid!);
        const transactionsBefore = await transactions(database);
        const generatorBefore = process.cpuUsage();
        const summary = await runSimulation({
          url: hub.url!,
          rate,
          durationSeconds: seconds,
          agents,
          channels: ['chat'],
          acceptRatio: 1,
          handleTimeSeconds: 0.3,
          knownRatio: 0.8,
          patienceSeconds: 10,
          drainSeconds: 10,
        });
        const generator = process.cpuUsage(generatorBefore);
        const hubCpuSeconds = (await cpuSeconds(hub.child.pid!)) - cpuBefore;
        const databaseTransactions = (await transactions(database)) - transactionsBefore;
        await closeLeftovers(database);
        await settled(hub.child.pid!);
        return { ...summary, hubCpuSeconds, databaseTransactions, generatorCpuSeconds: (generator.user + generator.system) / 1e6 };
      };
      // A fresh process compiles its queries and code on first use; that is not what is measured.
      await chat(10, 3);
      // The ladder first: a run the hub could not keep up with leaves work behind that would slow the next.
      const ladder = await sustained(backend, (rate) => chat(rate, STEP_SECONDS));
      const steady = await chat(TARGET_RATE, STEADY_SECONDS);
      results.push(chatResult(`chat arrival → offer @${TARGET_RATE}/s`, backend, steady), ladder);
    } finally {
      await hub.kill();
    }
    return results;
  } finally {
    if (backend === 'redis') await clearRedisPrefix(prefix);
    await database.drop();
  }
}

type ChatRun = SimulationSummary & { hubCpuSeconds: number; databaseTransactions: number; generatorCpuSeconds: number };

/** Waits until the hub is nearly idle (under a tenth of a core for a second), at most half a minute. */
async function settled(pid: number): Promise<void> {
  const deadline = performance.now() + 30_000;
  let before = await cpuSeconds(pid);
  while (performance.now() < deadline) {
    await sleep(1000);
    const now = await cpuSeconds(pid);
    if (now - before < 0.1) return;
    before = now;
  }
}

/** Transactions the database has run (each statement outside a transaction counts as one). */
async function transactions(database: TestDatabase): Promise<number> {
  // PostgreSQL publishes a backend's counts when it goes idle, at most once a second.
  await sleep(1100);
  const [row] = await database.db.$queryRaw<Array<{ count: bigint }>>`
    SELECT xact_commit + xact_rollback AS count FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row?.count ?? 0);
}

/**
 * CPU time a process has used (user + system). Per contact it is a figure other work on the
 * machine hardly changes, unlike latency: it shows what the hub itself spends.
 */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks of 1/100 s on Linux.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const hubCpuPerContact = (run: ChatRun) => (run.counts.contacts ? `${((run.hubCpuSeconds * 1000) / run.counts.contacts).toFixed(1)} ms` : '-');
const generatorCpuPerContact = (run: ChatRun) => (run.counts.contacts ? `${((run.generatorCpuSeconds * 1000) / run.counts.contacts).toFixed(1)} ms` : '-');
const transactionsPerContact = (run: ChatRun) => (run.counts.contacts ? (run.databaseTransactions / run.counts.contacts).toFixed(0) : '-');

function keptUp(summary: SimulationSummary): boolean {
  const { counts, offerLatency, offeredPerSecond } = summary;
  return (
    counts.failed === 0 &&
    counts.abandoned === 0 &&
    counts.contacts > 0 &&
    offerLatency.n >= counts.contacts &&
    (offeredPerSecond ?? 0) >= 0.9 * summary.contactsPerSecond &&
    (offerLatency.p99Ms ?? Infinity) <= KEPT_UP_P99_MS
  );
}

/** The highest arrival rate the hub kept up with, climbing the ladder until it falls behind. */
async function sustained(backend: Backend, chat: (rate: number) => Promise<ChatRun>): Promise<BenchResult> {
  const tried: string[] = [];
  let best: ChatRun | null = null;
  for (const rate of LADDER) {
    const summary = await chat(rate);
    const ok = keptUp(summary);
    const { counts, offerLatency } = summary;
    tried.push(
      ok
        ? `${rate}/s kept up`
        : `${rate}/s fell behind (offer p99 ${offerLatency.p99Ms === null ? '-' : offerLatency.p99Ms.toFixed(0)} ms, ${counts.abandoned} abandoned, ${counts.failed} failed)`,
    );
    if (!ok) break;
    best = summary;
  }
  const summary = best;
  return {
    name: 'chat contacts/s sustained',
    backend,
    n: summary?.counts.contacts ?? 0,
    p50Ms: summary?.offerLatency.p50Ms ?? null,
    p99Ms: summary?.offerLatency.p99Ms ?? null,
    throughputPerSec: summary?.offeredPerSecond ?? null,
    notes:
      `${STEP_SECONDS} s steps: ${tried.join(', ')}; kept up = no failure or abandon, offers as fast as arrivals, p99 ≤ ${KEPT_UP_P99_MS} ms` +
      (summary ? `; per contact: hub process CPU ${hubCpuPerContact(summary)}, ${transactionsPerContact(summary)} database transactions` : ''),
  };
}

function chatResult(name: string, backend: Backend, summary: ChatRun): BenchResult {
  const { counts } = summary;
  return {
    name,
    backend,
    n: summary.offerLatency.n,
    p50Ms: summary.offerLatency.p50Ms,
    p99Ms: summary.offerLatency.p99Ms,
    throughputPerSec: summary.offeredPerSecond,
    notes:
      `${counts.contacts} contacts at ${summary.contactsPerSecond.toFixed(0)}/s, ${summary.agents} agents; per s = contacts offered per second; ` +
      `per contact: hub process CPU ${hubCpuPerContact(summary)}, ${transactionsPerContact(summary)} database transactions, simulated customers and agents CPU ${generatorCpuPerContact(summary)}; ` +
      `${counts.ended} ended, ${counts.abandoned} abandoned, ${counts.failed} failed` +
      (summary.errors[0] ? ` (mostly ${summary.errors[0].reason})` : ''),
  };
}

/**
 * Closes what a run left open (customers who gave up while the hub was behind, ends that failed),
 * so the next run starts with an empty queue rather than the previous run's backlog.
 */
async function closeLeftovers(database: TestDatabase): Promise<void> {
  await database.db.$transaction([
    database.db.offer.updateMany({ where: { status: 'pending' }, data: { status: 'cancelled', pendingKey: null, respondedAt: new Date() } }),
    database.db.contact.updateMany({
      where: { status: { notIn: ['ended', 'abandoned'] } },
      data: { status: 'abandoned', openKey: null, endedAt: new Date(), agentId: null },
    }),
  ]);
}

/** A job that does nothing, added and processed on the same backend the hub uses. */
async function bullmqBaseline(backend: Backend, database: TestDatabase, prefix: string): Promise<BenchResult[]> {
  const queues: QueueBackend = createQueueBackend(
    backend === 'redis' ? { kind: 'redis', redisUrl: testRedisUrl, prefix: `${prefix}b` } : { kind: 'postgres', databaseUrl: database.url, schema: `${prefix}_bench` },
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let processed = 0;
  const producer = queues.producer<{ n: number }>(queueNames.contacts);
  const consumer = queues.consumer<{ n: number }>(
    queueNames.contacts,
    async (job) => {
      const started = sentAt.get(job.id!);
      if (started !== undefined) latencies.push(performance.now() - started);
      processed++;
    },
    { concurrency: WORKER_CONCURRENCY, lockDurationMs: 30_000, stalledIntervalMs: 15_000 },
  );
  const add = async (id: string) => {
    sentAt.set(id, performance.now());
    await producer.add('noop', { n: 0 }, { jobId: id });
  };
  try {
    await paced(50, 1, (index) => add(`warm-${index}`));
    await waitFor(() => processed >= 50);
    latencies.length = 0;

    await paced(TARGET_RATE, 5, (index) => add(`paced-${index}`));
    await waitFor(() => latencies.length >= TARGET_RATE * 5);
    const pacedFigures = latencyFigures(latencies);

    // As fast as the backend takes them, 50 adds in flight, for three seconds.
    const before = processed;
    const started = performance.now();
    let burst = 0;
    while (performance.now() - started < 3000) {
      await Promise.all(Array.from({ length: 50 }, (_, index) => add(`burst-${burst + index}`)));
      burst += 50;
    }
    await waitFor(() => processed - before >= burst);
    const throughput = burst / ((performance.now() - started) / 1000);

    return [
      { name: `no-op BullMQ job add → process @${TARGET_RATE}/s`, backend, ...pacedFigures, throughputPerSec: null, notes: `baseline; worker concurrency ${WORKER_CONCURRENCY}` },
      { name: 'no-op BullMQ jobs, as fast as possible', backend, n: burst, p50Ms: null, p99Ms: null, throughputPerSec: throughput, notes: 'baseline; 50 adds in flight' },
    ];
  } finally {
    await consumer.close();
    await producer.close();
    await queues.close();
  }
}

/** The floor of any push to an agent: one acknowledged event over loopback, no hub logic in between. */
export async function socketIoRoundTrip(): Promise<BenchResult> {
  const http = createServer();
  const server = new Server(http, { serveClient: false });
  server.on('connection', (socket) => socket.on('echo', (payload: unknown, ack: (answer: unknown) => void) => ack(payload)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    const roundTrips = 5000;
    const latencies: number[] = [];
    for (let index = 0; index < roundTrips + 500; index++) {
      const started = performance.now();
      await client.emitWithAck('echo', { index });
      if (index >= 500) latencies.push(performance.now() - started);
    }
    const figures = latencyFigures(latencies);
    const total = latencies.reduce((sum, value) => sum + value, 0);
    return { name: 'bare Socket.IO round trip (ack)', backend: '-', ...figures, throughputPerSec: roundTrips / (total / 1000), notes: 'baseline; one client, sequential, in the bench process' };
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('the benchmark did not finish in time');
    await sleep(20);
  }
}

import { readFile } from 'node:fs/promises';
import type { Channel } from '@sentral/contract';
import { runSimulation } from '@sentral/simulator';
import { RoutingBoard, type BoardAgent, type BoardContact } from '../services/hub/src/routing/board.ts';
import { claimOffers } from '../services/hub/src/routing/claim.ts';
import { plainStep, type PlanStep } from '../services/hub/src/routing/rules.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix } from '../test/support/hub.ts';
import { spawnBaselineHub } from './routing-baseline.ts';
import { latencyFigures, progress, type BenchResult } from './lib.ts';

const AGENT_COUNTS = [100, 1_000, 10_000];
const WAITING = 50_000;
const DECISIONS = 20_000;
const WARM_UP = 2_000;
const QUEUES = ['support', 'sales', 'billing', 'enterprise', 'second-line'];
const SKILLS = ['technical', 'sales', 'billing'];
const DECISION_CHANNELS: Channel[] = ['chat', 'email'];

/** A reproducible pseudo-random sequence, so every run measures the same picture. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Routing decision latency and throughput, beside the spine's own matcher measured in the same run:
 * - a decision on the in-memory board (an agent frees a slot → the best waiting contact → the best agent
 *   for it; a contact arrives → the best free agent) with 100, 1,000 and 10,000 agents online and 50,000
 *   contacts waiting;
 * - the same question asked the spine's way, one SQL matching query per contact, at the same sizes;
 * - the atomic claim in PostgreSQL that confirms a decision;
 * - chat contacts end to end through a real hub process, the routing engine against the spine's hub.
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const agents of AGENT_COUNTS) results.push(...boardDecisions(agents));
  results.push(...(await databaseDecisions()));
  results.push(...(await endToEnd()));
  return results;
}

// ---- in memory ------------------------------------------------------------------------------

function buildBoard(agentCount: number, free: boolean): { board: RoutingBoard; agents: BoardAgent[]; now: number } {
  const random = sequence(agentCount);
  const now = Date.now();
  const board = new RoutingBoard();
  for (const id of QUEUES) board.setQueue({ id, channels: ['voice', 'chat', 'email', 'fax'], agingWeight: 0.1, maxWaitSeconds: 600 }, now);
  const agents: BoardAgent[] = [];
  for (let i = 0; i < agentCount; i++) {
    const queues = QUEUES.filter((_, q) => q === i % QUEUES.length || random() < 0.3);
    const capacity = { voice: 1, chat: 1 + Math.floor(random() * 5), email: 1 + Math.floor(random() * 3), fax: 1 };
    const agent: BoardAgent = {
      id: `agent-${i}`,
      state: 'available',
      queues,
      skills: Object.fromEntries(SKILLS.map((skill) => [skill, 1 + Math.floor(random() * 5)])),
      capacity,
      // Busy agents: with 50,000 contacts waiting, a decision starts when one of them frees a slot.
      load: free ? { voice: 0, chat: 0, email: 0, fax: 0 } : { ...capacity },
      idleSince: now - Math.floor(random() * 3_600_000),
      wrapUpUntil: 0,
      // Everyone speaks Norwegian; some Danish, some English.
      languages: ['nb', ...(random() < 0.3 ? ['da'] : []), ...(random() < 0.4 ? ['en'] : [])],
    };
    agents.push(agent);
    board.upsertAgent(agent, now);
  }
  for (let i = 0; i < WAITING; i++) {
    const queue = QUEUES[Math.floor(random() * QUEUES.length)]!;
    const skilled = random() < 0.3;
    const plain: PlanStep = skilled
      ? { ...plainStep(queue, 'bench'), skills: { [SKILLS[Math.floor(random() * SKILLS.length)]!]: 3 + Math.floor(random() * 2) } }
      : plainStep(queue, 'bench');
    const language = (['nb', 'nb', 'nb', 'nb', 'nb', 'nb', 'nb', 'da', 'da', 'en'] as const)[Math.floor(random() * 10)]!;
    const step: PlanStep = random() < 0.1 ? { ...plain, language: 'required' } : plain;
    const contact: BoardContact = {
      id: `contact-${i}`,
      channel: DECISION_CHANNELS[i % DECISION_CHANNELS.length]!,
      priority: [10, 20, 30][Math.floor(random() * 3)]!,
      queuedAt: now - Math.floor(random() * 900_000),
      stepIndex: 0,
      step,
      stickyAgentId: random() < 0.1 ? `agent-${Math.floor(random() * agentCount)}` : null,
      excluded: new Set(),
      language,
    };
    board.upsertContact(contact);
  }
  return { board, agents, now };
}

function timed(samples: number[], work: () => void): void {
  const started = process.hrtime.bigint();
  work();
  samples.push(Number(process.hrtime.bigint() - started) / 1e6);
}

function boardDecisions(agentCount: number): BenchResult[] {
  progress(`routing: ${agentCount} agents, ${WAITING} contacts waiting, in memory`);
  const busy = buildBoard(agentCount, false);
  const random = sequence(7);
  const freed: number[] = [];
  // The first decisions build the per-skill heaps and warm the JIT; they are not what is measured.
  for (let i = -WARM_UP; i < DECISIONS; i++) {
    const agent = busy.agents[Math.floor(random() * busy.agents.length)]!;
    const channel = DECISION_CHANNELS[i % DECISION_CHANNELS.length]!;
    // The agent ends a conversation: one slot frees, the board decides who gets it, and the picture goes back.
    busy.board.upsertAgent({ ...agent, load: { ...agent.load, [channel]: agent.load[channel] - 1 } }, busy.now);
    timed(i < 0 ? [] : freed, () => {
      const contact = busy.board.nextContactFor(agent.id, channel, busy.now);
      if (contact) busy.board.chooseAgent(contact.id, busy.now);
    });
    busy.board.upsertAgent(agent, busy.now);
  }
  const free = buildBoard(agentCount, true);
  const arriving: number[] = [];
  const contacts = free.board.contacts();
  for (let i = -WARM_UP; i < DECISIONS; i++) {
    const contact = contacts[Math.floor(random() * contacts.length)]!;
    timed(i < 0 ? [] : arriving, () => free.board.chooseAgent(contact.id, free.now));
  }
  const row = (name: string, samples: number[], notes: string): BenchResult => {
    const figures = latencyFigures(samples);
    const seconds = samples.reduce((sum, ms) => sum + ms, 0) / 1000;
    return { name, backend: '-', ...figures, throughputPerSec: Math.round(samples.length / seconds), notes };
  };
  return [
    row(`decision: slot freed, ${agentCount} agents`, freed, `${WAITING} contacts waiting (30 % needing a skill, 10 % with a last agent, 30 % in Danish or English, 10 % requiring their language); every agent busy until one frees a slot: best contact across their queues, then the best agent for it; per s = decisions per second of one core`),
    row(`decision: contact arrives, ${agentCount} agents`, arriving, `every agent free; best agent for a waiting contact (language, last agent, preferred, skill, longest idle); per s = decisions per second of one core`),
  ];
}

// ---- in PostgreSQL --------------------------------------------------------------------------

/**
 * The spine's matcher asked, for each waiting contact, this question of the database (routing/dispatcher.ts
 * before the routing engine): the longest-idle available member of the queue with a free slot on the channel.
 */
async function spineQuestion(database: TestDatabase, contact: { id: string; queueId: string; channel: string }): Promise<void> {
  await database.db.$queryRaw`
    SELECT a.id FROM "Agent" a
    JOIN "AgentQueue" aq ON aq."agentId" = a.id AND aq."queueId" = ${contact.queueId}
    WHERE a.state = 'available'
      AND NOT EXISTS (SELECT 1 FROM "Offer" o WHERE o."contactId" = ${contact.id}::uuid AND o."agentId" = a.id)
      AND (SELECT count(*) FROM "Contact" busy
           WHERE busy."agentId" = a.id AND busy.channel = ${contact.channel}::"Channel"
             AND busy.status IN ('offered', 'accepted'))
          < CASE ${contact.channel}::text WHEN 'voice' THEN a."capacityVoice" WHEN 'chat' THEN a."capacityChat"
                                          WHEN 'email' THEN a."capacityEmail" ELSE a."capacityFax" END
    ORDER BY a."idleSince" ASC, a.id
    LIMIT 1`;
}

async function databaseDecisions(): Promise<BenchResult[]> {
  const database = await createTestDatabase();
  const results: BenchResult[] = [];
  try {
    await seed(database, 0);
    const db = database.db;
    progress(`routing: ${AGENT_COUNTS.at(-1)} agents with full chat slots and ${WAITING} contacts waiting, in PostgreSQL`);
    await db.$executeRaw`
      INSERT INTO "Agent" (id, email, name, "passwordHash", state, "capacityChat", "capacityEmail", "idleSince")
      SELECT gen_random_uuid(), 'bench-' || i || '@routing.test', 'Bench ' || i, '-', 'available', 2, 2, now() - (i || ' seconds')::interval
      FROM generate_series(1, ${AGENT_COUNTS.at(-1)!}) AS i`;
    const agentIds = (await db.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM "Agent" WHERE email LIKE 'bench-%' ORDER BY email`).map((row) => row.id);
    // Every agent is busy: two accepted chats each, the load the spine's query counts per member.
    await db.$executeRaw`
      INSERT INTO "Contact" (id, channel, status, "externalId", "queueId", "agentId", "queuedAt", "acceptedAt")
      SELECT gen_random_uuid(), 'chat', 'accepted', 'busy-' || a.id || '-' || n, 'support', a.id, now(), now()
      FROM "Agent" a CROSS JOIN generate_series(1, 2) AS n WHERE a.email LIKE 'bench-%'`;
    await db.$executeRaw`
      INSERT INTO "Contact" (id, channel, status, "externalId", "queueId", "queuedAt", priority)
      SELECT gen_random_uuid(), 'chat', 'queued', 'waiting-' || i, 'support', now() - (i || ' seconds')::interval, 10 + 10 * (i % 3)
      FROM generate_series(1, ${WAITING}) AS i`;
    await db.$executeRaw`ANALYZE`;
    const waiting = await db.$queryRaw<Array<{ id: string; queueId: string; channel: string }>>`
      SELECT id::text AS id, "queueId", channel::text AS channel FROM "Contact" WHERE status = 'queued' ORDER BY random() LIMIT 400`;

    for (const count of AGENT_COUNTS) {
      await db.$executeRaw`DELETE FROM "AgentQueue"`;
      await db.$executeRaw`INSERT INTO "AgentQueue" ("agentId", "queueId") SELECT unnest(${agentIds.slice(0, count)}::uuid[]), 'support'`;
      const samples: number[] = [];
      for (const contact of waiting.slice(0, 200)) {
        const started = performance.now();
        await spineQuestion(database, contact);
        samples.push(performance.now() - started);
      }
      results.push({
        name: `spine decision (SQL), ${count} agents`,
        backend: 'postgres',
        ...latencyFigures(samples),
        throughputPerSec: null,
        notes: `baseline: the spine's per-contact matching query with ${WAITING} contacts waiting and every queue member busy; it visits every member, so it grows with the agents`,
      });
    }

    // The claim: one decision confirmed in PostgreSQL (agent row lock, load count, conditional move, offer).
    await db.$executeRaw`UPDATE "Contact" SET status = 'ended', "endedAt" = now() WHERE status = 'accepted' AND "agentId" = ANY(${agentIds.slice(0, 400)}::uuid[])`;
    const claims: number[] = [];
    for (let i = 0; i < 400; i++) {
      const contact = waiting[i]!;
      const started = performance.now();
      const outcome = await claimOffers(
        db,
        [{ contactId: contact.id, agentId: agentIds[i]!, channel: 'chat', queueId: 'support', step: 0, offerTimeoutSeconds: 20, trace: { why: 'bench' } }],
        { voiceBlocksOtherChannels: false },
      );
      claims.push(performance.now() - started);
      if (outcome.claimed.length !== 1) throw new Error(`the bench claim was refused: ${outcome.refused[0]?.reason}`);
    }
    results.push({
      name: 'claim of one decision',
      backend: 'postgres',
      ...latencyFigures(claims),
      throughputPerSec: null,
      notes: `one transaction: agent row locked, load counted, contact moved only if still waiting, offer and trace written; ${AGENT_COUNTS.at(-1)} agents, ${WAITING} waiting; the router claims up to 200 decisions per transaction`,
    });
  } finally {
    await database.drop();
  }
  return results;
}

// ---- end to end -----------------------------------------------------------------------------

const E2E_RATES = [10, 25];

/** CPU seconds a process has used (user + system): per contact it shows what the hub spends, little moved by other work on the machine. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const E2E_SECONDS = 6;

/** Chat contacts through a real hub on Redis, with simulated agents: the routing engine, then the spine's hub on the same machine. */
async function endToEnd(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const variant of ['engine', 'spine'] as const) {
    const database = await createTestDatabase();
    const prefix = uniquePrefix();
    try {
      await seed(database, 500);
      await database.db.agent.updateMany({ where: { role: 'agent' }, data: { capacityChat: 10 } });
      const agents = await database.db.agent.count({ where: { role: 'agent' } });
      const env = hubEnv('redis', database, prefix, { LOG_LEVEL: 'info', DISPATCH_SWEEP_MS: '1000', WORKER_CONCURRENCY: '20' });
      progress(`routing: end to end through the ${variant === 'engine' ? 'routing engine' : "spine's hub"}`);
      const hub = variant === 'engine' ? await spawnHub(env) : await spawnBaselineHub(env).catch((error: unknown) => error as Error);
      if (hub instanceof Error) {
        results.push({ name: 'chat end to end, spine baseline', backend: 'redis', n: 0, p50Ms: null, p99Ms: null, throughputPerSec: null, notes: `not measured: ${hub.message}` });
        continue;
      }
      try {
        await runSimulation({ url: hub.url!, rate: 10, durationSeconds: 2, agents, channels: ['chat'], acceptRatio: 1, handleTimeSeconds: 0.3, knownRatio: 0.8, patienceSeconds: 10, drainSeconds: 5 });
        for (const rate of E2E_RATES) {
          const cpuBefore = await cpuSeconds(hub.child.pid!);
          const summary = await runSimulation({
            url: hub.url!,
            rate,
            durationSeconds: E2E_SECONDS,
            agents,
            channels: ['chat'],
            acceptRatio: 1,
            handleTimeSeconds: 0.3,
            knownRatio: 0.8,
            patienceSeconds: 15,
            drainSeconds: 10,
          });
          const cpuPerContact = summary.counts.contacts ? (((await cpuSeconds(hub.child.pid!)) - cpuBefore) * 1000) / summary.counts.contacts : null;
          await database.db.$executeRaw`
            WITH open AS (UPDATE "Offer" SET status = 'cancelled', "pendingKey" = NULL, "respondedAt" = now() WHERE status = 'pending' RETURNING id)
            UPDATE "Contact" SET status = 'abandoned', "openKey" = NULL, "endedAt" = now(), "agentId" = NULL WHERE status NOT IN ('ended', 'abandoned')`;
          results.push({
            name: `chat end to end @${rate}/s, ${variant === 'engine' ? 'routing engine' : 'spine baseline'}`,
            backend: 'redis',
            n: summary.offerLatency.n,
            p50Ms: summary.offerLatency.p50Ms,
            p99Ms: summary.offerLatency.p99Ms,
            throughputPerSec: summary.offeredPerSecond,
            notes: `${'ref' in hub ? `the hub at ${hub.ref} (before the routing engine); ` : ''}${summary.counts.contacts} chats arriving at ${summary.contactsPerSecond.toFixed(0)}/s for ${E2E_SECONDS} s, ${agents} agents accepting everything; latency = first message → offer at the agent; per s = contacts offered per second; hub process CPU ${cpuPerContact?.toFixed(1) ?? '-'} ms per contact; ${summary.counts.abandoned} abandoned, ${summary.counts.failed} failed` +
              (summary.errors[0] ? ` (mostly ${summary.errors[0].reason})` : ''),
          });
        }
      } finally {
        await hub.kill();
      }
    } finally {
      await clearRedisPrefix(prefix);
      await database.drop();
    }
  }
  return results;
}

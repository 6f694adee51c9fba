import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '@sentral/contract';
import { createDatabase } from '@sentral/db';
import { contactJobs, createQueueBackend, queueNames, type ContactJobData } from '@sentral/queues';
import { claimOffers, type Decision } from '../services/hub/src/routing/claim.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix, type Backend, type HubProcess } from './support/hub.ts';
import { testRedisUrl } from './support/env.ts';
import { until } from './support/sockets.ts';

const AGENTS = 200;
// Enough that every agent is offered many contacts over and over; more only makes the run longer.
const CONTACTS = 1_500;
const WORKERS = 4;

interface OfferRow {
  contactId: string;
  agentId: string;
  channel: Channel;
  status: string;
  createdAt: Date;
  respondedAt: Date | null;
}

/** Loads, from the stored timelines, every moment an agent held more than their capacity, and every contact offered twice at once. */
async function violations(database: TestDatabase): Promise<{ capacity: string[]; doubled: string[]; offers: OfferRow[] }> {
  const db = database.db;
  const offers = await db.$queryRaw<OfferRow[]>`
    SELECT o."contactId"::text AS "contactId", o."agentId"::text AS "agentId", c.channel::text AS channel, o.status::text AS status, o."createdAt", o."respondedAt"
    FROM "Offer" o JOIN "Contact" c ON c.id = o."contactId"`;
  const agents = await db.agent.findMany({ select: { id: true, capacityVoice: true, capacityChat: true, capacityEmail: true, capacityFax: true } });
  const capacityOf = new Map(agents.map((a) => [a.id, { voice: a.capacityVoice, chat: a.capacityChat, email: a.capacityEmail, fax: a.capacityFax }]));

  // Nobody accepts in these runs, so an agent's load on a channel is exactly their open offers on it.
  const capacity: string[] = [];
  const byAgentChannel = new Map<string, Array<{ at: number; delta: number }>>();
  for (const offer of offers) {
    const key = `${offer.agentId}|${offer.channel}`;
    const events = byAgentChannel.get(key) ?? [];
    events.push({ at: offer.createdAt.getTime(), delta: 1 });
    if (offer.respondedAt) events.push({ at: offer.respondedAt.getTime(), delta: -1 });
    byAgentChannel.set(key, events);
  }
  for (const [key, events] of byAgentChannel) {
    const [agentId, channel] = key.split('|') as [string, Channel];
    const limit = capacityOf.get(agentId)![channel];
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let load = 0;
    for (const event of events) {
      load += event.delta;
      if (load > limit) capacity.push(`${agentId} held ${load} ${channel} contacts (capacity ${limit}) at ${new Date(event.at).toISOString()}`);
    }
  }

  const doubled: string[] = [];
  const byContact = new Map<string, OfferRow[]>();
  for (const offer of offers) byContact.set(offer.contactId, [...(byContact.get(offer.contactId) ?? []), offer]);
  for (const [contactId, list] of byContact) {
    list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1]!;
      if (!before.respondedAt || before.respondedAt > list[i]!.createdAt) doubled.push(`${contactId} offered to ${before.agentId} and ${list[i]!.agentId} at once`);
    }
  }
  return { capacity, doubled, offers };
}

/** 200 agents with mixed capacities on two queues; every agent is free. */
async function staff(database: TestDatabase): Promise<void> {
  const db = database.db;
  const agents = Array.from({ length: AGENTS }, (_, i) => ({
    email: `race-${i}@race.test`,
    name: `Race Agent ${i}`,
    passwordHash: 'not-used',
    state: 'available' as const,
    capacityChat: 1 + (i % 5),
    capacityEmail: i % 4,
    capacityVoice: 0,
    capacityFax: 0,
  }));
  await db.agent.createMany({ data: agents });
  const ids = await db.agent.findMany({ where: { email: { endsWith: '@race.test' } }, select: { id: true, email: true } });
  await db.agentQueue.createMany({
    data: ids.flatMap(({ id, email }) => {
      const i = Number(email.slice(5, email.indexOf('@')));
      return i % 2 === 0 ? [{ agentId: id, queueId: 'support' }, { agentId: id, queueId: 'billing' }] : [{ agentId: id, queueId: 'support' }];
    }),
  });
}

describe.each<Backend>(['postgres', 'redis'])('routing under a race on the %s backend', (backend) => {
  let database: TestDatabase;
  let prefix: string;
  const hubs: HubProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    prefix = uniquePrefix();
    await seed(database, 20);
    await staff(database);
    const db = database.db;
    // Short offers that nobody answers: contacts keep moving between agents while the workers race.
    await db.queue.updateMany({ where: { id: { in: ['support', 'billing'] } }, data: { offerTimeoutSeconds: 2 } });
    await db.routingRuleSet.create({ data: { definition: { filters: [], overflow: {}, settings: { stickyWindowHours: 0, missedOffersBeforeAway: 1000, voiceBlocksOtherChannels: false } } } });
  });

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.kill('SIGKILL')));
    if (backend === 'redis') await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it(`keeps every capacity and offers no contact twice with ${WORKERS} worker processes, ${AGENTS} agents and ${CONTACTS} contacts at once, and survives losing the router`, async () => {
    const db = database.db;
    const env = hubEnv(backend, database, prefix, { HUB_ROLES: 'worker', LOG_LEVEL: 'info', WORKER_CONCURRENCY: '10', DISPATCH_SWEEP_MS: '1000' });
    hubs.push(...(await Promise.all(Array.from({ length: WORKERS }, () => spawnHub(env, { waitForListen: false })))));
    const routing = (hub: HubProcess) => hub.logs.some((line) => line['msg'] === 'this process routes contacts now');
    await until(async () => hubs.some(routing), 90_000, 100);

    // Every contact arrives at once: stored, then handed to the pipeline like a connector would.
    const created = await db.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "Contact" (id, channel, status, "externalId", "queueId", "fromAddress")
      SELECT gen_random_uuid(), (CASE WHEN i % 3 = 0 THEN 'email' ELSE 'chat' END)::"Channel", 'arrived', 'race-' || i,
             CASE WHEN i % 4 = 0 THEN 'billing' ELSE 'support' END, 'race-visitor-' || i
      FROM generate_series(1, ${CONTACTS}) AS i RETURNING id::text AS id`;
    const queues = createQueueBackend(backend === 'redis' ? { kind: 'redis', redisUrl: testRedisUrl, prefix } : { kind: 'postgres', databaseUrl: database.url, schema: `${prefix}_jobs` });
    const jobs = queues.producer<ContactJobData>(queueNames.contacts);
    try {
      for (let i = 0; i < created.length; i += 250) {
        await Promise.all(created.slice(i, i + 250).map(({ id }) => jobs.add(contactJobs.identify.name, { contactId: id }, { jobId: contactJobs.identify.jobId(id) })));
      }
    } finally {
      await jobs.close();
      await queues.close();
    }

    const started = Date.now();
    await until(async () => {
      const arrived = await db.contact.count({ where: { status: 'arrived' } });
      if (process.env['DEBUG_RACE']) process.stderr.write(`${Math.round((Date.now() - started) / 1000)} s: ${arrived} arrived\n`);
      return arrived === 0;
    }, 240_000, 1_000);
    const firstRouter = hubs.find(routing)!;
    await until(async () => (await db.offer.count({ where: { status: 'expired' } })) > 0, 60_000, 250);

    // The process that routes dies without a goodbye; another takes over and offers go on.
    await firstRouter.kill('SIGKILL');
    const killedAt = new Date();
    const survivors = hubs.filter((hub) => hub !== firstRouter);
    await until(async () => survivors.some(routing), 60_000, 100);
    await until(async () => (await db.offer.count({ where: { createdAt: { gt: killedAt } } })) > 100, 90_000, 250);
    // Everything below is read from the database: the processes may as well die mid-work.
    await Promise.all(survivors.map((hub) => hub.kill('SIGKILL')));

    const statuses = await db.contact.groupBy({ by: ['status'], _count: true });
    const count = Object.fromEntries(statuses.map((row) => [row.status, row._count]));
    expect((count['queued'] ?? 0) + (count['offered'] ?? 0)).toBe(CONTACTS);

    const { capacity, doubled, offers } = await violations(database);
    expect(capacity).toEqual([]);
    expect(doubled).toEqual([]);
    // Offers were made, timed out and made again, before and after the router was lost.
    expect(offers.length).toBeGreaterThan(500);
    expect(offers.some((offer) => offer.createdAt > killedAt)).toBe(true);
    // Each offered contact has exactly one open offer, to the agent the contact names.
    const pending = offers.filter((offer) => offer.status === 'pending');
    const offered = await db.contact.findMany({ where: { status: 'offered' }, select: { id: true, agentId: true } });
    expect(pending.length).toBe(offered.length);
    const open = new Map(pending.map((offer) => [offer.contactId, offer.agentId]));
    expect(offered.every((contact) => open.get(contact.id) === contact.agentId)).toBe(true);
  }, 400_000);
});

/**
 * The claim on its own, without the single router in front of it: several routers at once,
 * each with its own connections, fire conflicting decisions while offers are answered, and the
 * database still never lets an agent exceed a capacity or a contact be offered twice.
 */
describe('the atomic claim with several routers at once', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database, 0);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('refuses whatever would exceed a capacity or double an offer', async () => {
    const db = database.db;
    await db.agent.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({ email: `claim-${i}@race.test`, name: `Claim ${i}`, passwordHash: 'not-used', state: 'available' as const, capacityChat: 1 + (i % 3) })),
    });
    const agents = (await db.agent.findMany({ where: { email: { endsWith: '@race.test' } }, select: { id: true } })).map((a) => a.id);
    const contacts = (
      await db.$queryRaw<Array<{ id: string }>>`
        INSERT INTO "Contact" (id, channel, status, "externalId", "queueId", "queuedAt")
        SELECT gen_random_uuid(), 'chat', 'queued', 'claim-' || i, 'support', now() FROM generate_series(1, 300) AS i RETURNING id::text AS id`
    ).map((c) => c.id);

    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
    const routers = Array.from({ length: 6 }, () => createDatabase(database.url, { poolSize: 3 }));
    let refusals = 0;
    try {
      await Promise.all(
        routers.map(async (router) => {
          for (let round = 0; round < 40; round++) {
            const decisions: Decision[] = Array.from({ length: 8 }, () => ({
              contactId: pick(contacts),
              agentId: pick(agents),
              channel: 'chat',
              queueId: 'support',
              step: 0,
              offerTimeoutSeconds: 60,
              trace: { why: 'race' },
            }));
            const outcome = await claimOffers(router, decisions, { voiceBlocksOtherChannels: false });
            refusals += outcome.refused.length;
            // Agents answer some offers at once (a rejection frees the capacity and requeues the contact).
            for (const offer of outcome.claimed.filter(() => Math.random() < 0.5)) {
              await router.$transaction(async (tx) => {
                const answered = await tx.offer.updateMany({ where: { id: offer.offerId, status: 'pending' }, data: { status: 'rejected', pendingKey: null, respondedAt: new Date() } });
                if (answered.count) await tx.contact.updateMany({ where: { id: offer.contactId, status: 'offered' }, data: { status: 'queued', agentId: null } });
              });
            }
          }
        }),
      );
    } finally {
      await Promise.all(routers.map((router) => router.$disconnect()));
    }
    const { capacity, doubled, offers } = await violations(database);
    expect(offers.length).toBeGreaterThan(50);
    expect(refusals).toBeGreaterThan(0);
    expect(capacity).toEqual([]);
    expect(doubled).toEqual([]);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { call, connect, login, next, record, until } from './support/sockets.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix, type HubProcess } from './support/hub.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

type Ack = { ok: boolean; contactId?: string; seq?: number; error?: { code: string; message: string } };

const CONVERSATIONS_PER_ADDRESS = 10;
const MESSAGES_PER_VISITOR = 15;
const CONNECTIONS_PER_ADDRESS = 70;

/** A customer behind a proxy that names the client's address (the hub trusts X-Forwarded-For, as its HTTP edge does). */
function connectFrom(address: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = io(`${urlOf.current}/chat`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { 'x-forwarded-for': address }, auth });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
const urlOf = { current: '' };

/*
 * A hub process of its own, so the flood the test sends and the latency it measures are not the
 * same event loop. Limits are lowered through RATE_LIMITS exactly as an operator would.
 */
describe('chat abuse across sockets and typing floods', () => {
  let database: TestDatabase;
  let hub: HubProcess;
  let url: string;
  const prefix = uniquePrefix();
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database, 20);
    hub = await spawnHub(
      hubEnv('redis', database, prefix, {
        RATE_LIMITS: JSON.stringify({
          'chat:conversation:address': { points: CONVERSATIONS_PER_ADDRESS, durationSeconds: 3600 },
          'chat:message:address': { points: 5000, durationSeconds: 60 },
          'chat:message:visitor': { points: MESSAGES_PER_VISITOR, durationSeconds: 60 },
          'chat:connect:address': { points: CONNECTIONS_PER_ADDRESS, durationSeconds: 60 },
        }),
      }),
    );
    url = hub.url!;
    urlOf.current = url;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hub?.kill('SIGKILL');
    await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it('50 sockets sending 20 messages each open only as many conversations as one address may', async () => {
    const visitors = await Promise.all(Array.from({ length: 50 }, () => connect(url, '/chat', { name: 'Flood' })));
    sockets.push(...visitors);
    const acks = await Promise.all(
      visitors.map(async (socket, index) => {
        const results: Ack[] = [];
        for (let i = 0; i < 20; i++) results.push(await call<Ack>(socket, 'message', { text: `junk ${index}-${i}` }));
        return results;
      }),
    );
    const all = acks.flat();
    const stored = all.filter((ack) => ack.ok);
    const refused = all.filter((ack) => !ack.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((ack) => ack.error?.code))).toEqual(new Set(['RATE_LIMITED']));
    // Only the sockets that got a conversation stored anything; everyone else was refused.
    const conversations = new Set(stored.map((ack) => ack.contactId));
    expect(conversations.size).toBe(CONVERSATIONS_PER_ADDRESS);
    expect(await database.db.contact.count({ where: { channel: 'chat' } })).toBe(CONVERSATIONS_PER_ADDRESS);
    // The flood's conversations end, so the agent below is offered only the conversation it is about.
    for (const socket of visitors) expect(await call(socket, 'end', {})).toEqual({ ok: true });
    for (const socket of visitors) socket.close();
  });

  it('counts one visitor\'s messages over all of its tabs, and refuses sockets past the address limit', async () => {
    const visitorId = 'tabs-visitor-0001';
    const tabs = await Promise.all(Array.from({ length: 5 }, () => connectFrom('198.51.100.20', { visitorId })));
    sockets.push(...tabs);
    const acks = (await Promise.all(tabs.map(async (tab, t) => Promise.all(Array.from({ length: 6 }, (_, i) => call<Ack>(tab, 'message', { text: `tab ${t} message ${i}` })))))).flat();
    expect(acks.filter((ack) => ack.ok)).toHaveLength(MESSAGES_PER_VISITOR);
    expect(acks.filter((ack) => !ack.ok).map((ack) => ack.error?.code)).toEqual(Array(30 - MESSAGES_PER_VISITOR).fill('RATE_LIMITED'));
    // Every tab wrote into the visitor's one conversation.
    const { db } = database;
    expect(await db.contact.count({ where: { fromAddress: visitorId } })).toBe(1);
    expect(await db.message.count({ where: { contact: { fromAddress: visitorId } } })).toBe(MESSAGES_PER_VISITOR);

    // 127.0.0.1 opened 50 sockets above; past the address limit the handshake is refused.
    const outcomes: string[] = [];
    for (let i = 0; i < CONNECTIONS_PER_ADDRESS - 50 + 3; i++) {
      await connect(url, '/chat', {}).then(
        (socket) => {
          sockets.push(socket);
          outcomes.push('connected');
        },
        (error: Error & { data?: { code: string } }) => outcomes.push(error.data?.code ?? error.message),
      );
    }
    expect(outcomes.filter((outcome) => outcome === 'connected')).toHaveLength(CONNECTIONS_PER_ADDRESS - 50);
    expect(outcomes.slice(-3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(await call(tabs[0]!, 'end', {})).toEqual({ ok: true });
    for (const tab of tabs) tab.close();
  });

  it('a typing flood reaches the agent about once a second and does not slow /healthz', async () => {
    // A new address for this customer: the flood above used up 127.0.0.1's budget.
    const agent = await login(url, 'agent@demo.test', 'agent');
    const agentSocket = await connect(url, '/agent', { token: agent.token });
    sockets.push(agentSocket);
    await call(agentSocket, 'agent:state', { state: 'available' });
    const customer = await connectFrom('198.51.100.7', { name: 'Typist' });
    sockets.push(customer);
    const offers = record<{ offerId: string; contact: { id: string } }>(agentSocket, 'contact:offer');
    const sent = await call<Ack>(customer, 'message', { text: 'Hei, jeg skriver mye' });
    expect(sent.ok).toBe(true);
    const joined = next(customer, 'agent');
    const offer = await until(async () => offers.find((o) => o.contact.id === sent.contactId));
    expect(await call(agentSocket, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    await joined;

    const typingSeen = record<{ contactId: string; typing: boolean }>(agentSocket, 'contact:typing');
    const timeHealthz = async () => {
      const started = performance.now();
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      return performance.now() - started;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // The same probe on the same (shared, busy) machine without the flood: what "not slower" is measured against.
    const baseline: number[] = [];
    for (let i = 0; i < 15; i++) {
      baseline.push(await timeHealthz());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const healthz: number[] = [];
    let flooding = true;
    const probe = (async () => {
      while (flooding) {
        healthz.push(await timeHealthz());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const floodStarted = Date.now();
    for (let i = 0; i < 50_000; i++) {
      customer.emit('typing', { typing: i % 2 === 0 });
      // Yield now and then so the probe's requests go out while the flood runs.
      if (i % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // The last event said "stopped": it arrives after the interval, whatever came before it.
    const lastState = await until(async () => {
      const last = typingSeen.at(-1);
      return last && last.typing === false && Date.now() - floodStarted > 1000 ? last : null;
    });
    flooding = false;
    await probe;
    const floodSeconds = (Date.now() - floodStarted) / 1000;
    expect(lastState).toEqual({ contactId: sent.contactId, typing: false });
    expect(typingSeen.length).toBeLessThanOrEqual(Math.ceil(floodSeconds) + 2);
    expect(healthz.length).toBeGreaterThan(3);
    // Each event used to cost a database query and pushed /healthz to a second; now the flood costs only
    // parsing (in the hub and in this test process, which sends it), so the typical answer stays far below that.
    expect(median(healthz)).toBeLessThan(3 * median(baseline) + 250);
  });
});

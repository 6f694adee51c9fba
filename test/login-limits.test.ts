import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { seed, startTestHub, uniquePrefix, type TestHub } from './support/hub.ts';
import { login } from './support/sockets.ts';

// Small figures keep the test quick; the mechanics are the same as with the defaults.
const limits = JSON.stringify({
  'login:pair': { points: 4, durationSeconds: 900, blockSeconds: 900 },
  'login:account': { points: 8, durationSeconds: 900, blockSeconds: 900 },
  'login:address': { points: 12, durationSeconds: 900, blockSeconds: 900 },
});

async function attempt(url: string, email: string, password: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { token?: string; error?: { code: string; message: string } };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('sign-in limits across hub processes', () => {
  let database: TestDatabase;
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database, 10);
    // Two hubs of one deployment: one database, one prefix, limits held in PostgreSQL.
    const prefix = uniquePrefix();
    first = await startTestHub({ backend: 'postgres', database, prefix, env: { RATE_LIMITS: limits } });
    second = await startTestHub({ backend: 'postgres', database, prefix, env: { RATE_LIMITS: limits } });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await database?.drop();
  });

  it('refuses an account guessed at from one address with 429 and Retry-After, counting guesses on both hubs, and refuses even the right password while blocked', async () => {
    const results = [];
    // Alternating hubs: the count is shared, so the fifth guess is refused wherever it lands.
    for (let i = 0; i < 6; i++) results.push(await attempt(i % 2 ? second.url : first.url, 'supervisor@demo.test', `guess-${i}`));
    expect(results.slice(0, 4).map((result) => result.status)).toEqual([401, 401, 401, 401]);
    for (const refused of results.slice(4)) {
      expect(refused.status).toBe(429);
      expect(refused.body.error?.code).toBe('RATE_LIMITED');
      expect(Number(refused.retryAfter)).toBeGreaterThan(800);
    }
    // Even the right password is refused while the pair is blocked: a guesser learns nothing from it.
    expect((await attempt(first.url, 'supervisor@demo.test', 'supervisor')).status).toBe(429);
    // Nothing was recorded as a sign-in.
    const supervisor = await database.db.agent.findUniqueOrThrow({ where: { email: 'supervisor@demo.test' } });
    expect(await database.db.auditLog.count({ where: { action: 'auth.login', entityId: supervisor.id } })).toBe(0);
  });

  it('keeps an agent signing in from the same address while a flood of wrong passwords against other accounts is refused', async () => {
    // The agent worked from this address before.
    expect((await attempt(first.url, 'agent@demo.test', 'agent')).status).toBe(200);

    const emails = Array.from({ length: 10 }, (_, i) => `nobody-${i}@demo.test`).concat('admin@demo.test');
    const flood = Promise.all(
      emails.flatMap((email) => Array.from({ length: 3 }, (_, i) => attempt(i % 2 ? second.url : first.url, email, `wrong-${i}`))),
    );
    const during = attempt(second.url, 'agent@demo.test', 'agent');
    const [floodResults, signIn] = await Promise.all([flood, during]);
    const statuses = floodResults.map((result) => result.status);
    // Over the address's limit of wrong passwords, the flood is refused, whichever hub it reaches.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(signIn.status).toBe(200);
    expect(signIn.body.token).toEqual(expect.any(String));

    // After the flood the address is blocked for guessers ...
    const guess = await attempt(first.url, 'nobody-99@demo.test', 'wrong');
    expect(guess.status).toBe(429);
    expect(Number(guess.retryAfter)).toBeGreaterThan(0);
    // ... an account that never signed in from here waits like any stranger ...
    expect((await attempt(first.url, 'admin@demo.test', 'admin')).status).toBe(429);
    // ... and the agent who works here still gets in, on either hub, and the token works.
    const again = await attempt(second.url, 'agent@demo.test', 'agent');
    expect(again.status).toBe(200);
    const me = await fetch(`${first.url}/api/me`, { headers: { authorization: `Bearer ${again.body.token}` } });
    expect(me.status).toBe(200);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says a proxy sets it', async () => {
    // Spoofed addresses do not escape the block on this client's own address.
    for (let i = 0; i < 3; i++) {
      const spoofed = await attempt(first.url, `nobody-${i}@demo.test`, 'wrong', { 'x-forwarded-for': `203.0.113.${i + 1}` });
      expect(spoofed.status).toBe(429);
    }
    // The hubs answer /healthz all along.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  });
});

describe('sign-in limits behind a trusted proxy', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis', env: { RATE_LIMITS: limits, TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('counts per address the proxy reports, and only the entry the proxy appended', async () => {
    // One client behind the proxy runs into the limit of wrong passwords ...
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      // The client writes its own X-Forwarded-For; the proxy appends the real address at the end.
      const result = await attempt(hub.url, `someone-${i}@demo.test`, 'wrong', { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.7` });
      statuses.push(result.status);
    }
    expect(statuses.slice(0, 12).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(12)).toEqual([429, 429]);
    // ... while another client behind the same proxy signs in, and is recorded with its own address.
    const other = await attempt(hub.url, 'agent@demo.test', 'agent', { 'x-forwarded-for': '198.51.100.8' });
    expect(other.status).toBe(200);
    const agent = await hub.database.db.agent.findUniqueOrThrow({ where: { email: 'agent@demo.test' } });
    const entry = await hub.database.db.auditLog.findFirstOrThrow({ where: { action: 'auth.login', entityId: agent.id }, orderBy: { at: 'desc' } });
    expect(entry.data).toEqual({ address: '198.51.100.8' });
    await expect(login(hub.url, 'agent@demo.test', 'agent')).resolves.toMatchObject({ agent: { role: 'agent' } });
  });
});

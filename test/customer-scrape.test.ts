import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './support/hub.ts';
import { login } from './support/sockets.ts';

describe('customer search cannot copy the register', () => {
  let hub: TestHub;
  let agent: { token: string; agent: { id: string } };

  const search = (query: string, token: string) =>
    fetch(`${hub.url}/api/customers?${new URLSearchParams({ query, limit: '50' }).toString()}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    agent = await login(hub.url, 'agent@demo.test', 'agent');
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('stops a scraping agent after the limit with 429 and Retry-After, audits every search, and leaves other agents searching', async () => {
    // The scraper walks common name fragments, as the attack did, and keeps going after refusals.
    const fragments = ['sen', 'son', 'ber', 'and', 'nie', 'han', 'lar', 'eri', 'kar', 'ols', 'joh', 'per', 'ing', 'ann', 'mar', 'kri', 'tor', 'ste', 'ole', 'lin'];
    const queries = Array.from({ length: 60 }, (_, i) => `${fragments[i % fragments.length]!}`);
    const scraped = new Set<string>();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (const query of queries) {
      const response = await search(query, agent.token);
      statuses.push(response.status);
      if (response.status === 200) for (const customer of (await response.json()) as Array<{ id: string }>) scraped.add(customer.id);
      else {
        retryAfter = response.headers.get('retry-after');
        expect(await response.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      }
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.slice(30).every((status) => status === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(60);
    // At most 30 pages of 50: far from the whole register of a real tenant, and each page was asked for by name.
    expect(scraped.size).toBeLessThanOrEqual(30 * 50);

    const audited = await hub.database.db.auditLog.findMany({ where: { action: 'customer.search', actorId: agent.agent.id }, orderBy: { id: 'asc' } });
    expect(audited).toHaveLength(30);
    expect(audited[0]!.data).toMatchObject({ kind: 'text', length: 3, results: expect.any(Number), customerIds: expect.any(Array) });
    expect(JSON.stringify(audited.map((row) => row.data))).not.toContain('"sen"');

    // The limit is the scraper's own: a colleague searches on.
    const colleague = await login(hub.url, 'supervisor@demo.test', 'supervisor');
    expect((await search('sen', colleague.token)).status).toBe(200);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });
});

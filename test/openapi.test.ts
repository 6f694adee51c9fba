import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { webhookEventTypes } from '@sentral/contract';
import { startTestHub, repoRoot, type TestHub } from './support/hub.ts';
import { webhookPayload } from '../services/hub/src/integration/webhook-schema.ts';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; responses?: Record<string, unknown>; requestBody?: unknown; security?: unknown[] }>>;
  webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } }; parameters: Array<{ name: string }> } }>;
}

describe('the OpenAPI document', () => {
  let hub: TestHub;
  let document: Document;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    document = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as Document;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('is OpenAPI 3.1 with a summary and responses for every operation, and security on every non-public one', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBeGreaterThan(40);
    for (const { path, operation } of operations) {
      expect(operation.summary, path).toEqual(expect.any(String));
      expect(Object.keys(operation.responses ?? {}).length, path).toBeGreaterThan(0);
      expect(path).not.toContain(':');
    }
    expect(document.paths['/api/api-keys']?.['post']?.requestBody).toBeDefined();
    expect(document.paths['/api/webhooks/endpoints']?.['post']?.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });

  it('lists every /api route the README documents', async () => {
    const readme = await readFile(`${repoRoot}/README.md`, 'utf8');
    const documented = new Set<string>();
    for (const row of readme.split('\n').filter((line) => line.startsWith('| `'))) {
      const cell = row.split('|')[1] ?? '';
      for (const match of cell.matchAll(/`(GET|POST|PUT|DELETE)(?:\/(GET|POST|PUT|DELETE))? (\/api\/[^`?\s]*)[^`]*`(?:, `(\/api\/[^`?\s]*)[^`]*`)*/g)) {
        const methods = [match[1], match[2]].filter(Boolean) as string[];
        for (const method of methods) documented.add(`${method.toLowerCase()} ${match[3]!.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
    expect(documented.size).toBeGreaterThan(20);
    const missing = [...documented].filter((entry) => {
      const [method, path] = entry.split(' ') as [string, string];
      return !document.paths[path]?.[method];
    });
    expect(missing).toEqual([]);
  });

  it('describes every outbound webhook event with the signed payload, and a real delivery matches it', () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([...webhookEventTypes].sort());
    for (const type of webhookEventTypes) {
      const entry = document.webhooks[type]!.post;
      expect(entry.parameters.map((parameter) => parameter.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      expect(Object.keys(entry.requestBody.content['application/json'].schema.properties ?? {})).toEqual(['type', 'timestamp', 'data']);
    }
    // The schema accepts a payload as the hub signs it.
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const body = JSON.stringify({ type: 'contact.ended', timestamp: new Date().toISOString(), data: { sequence: 5, contactId: '00000000-0000-4000-8000-000000000001', status: 'ended', details: {} } });
    const now = new Date();
    const signature = new Webhook(secret).sign('msg_1', now, body);
    const verified = new Webhook(secret).verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature });
    expect(webhookPayload.safeParse(verified).success).toBe(true);
  });
});

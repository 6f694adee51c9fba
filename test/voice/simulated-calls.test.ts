import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationSummary } from '@sentral/simulator';
import { repoRoot, startTestHub, type TestHub } from '../support/hub.ts';
import { publicBaseUrl, twilioAccount } from '../support/voice.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run simulate with voice', () => {
  let hub: TestHub;
  let env: Record<string, string>;

  beforeAll(async () => {
    // The simulator's Twilio stand-in will listen here; the hub sends its REST calls to it.
    env = {
      TWILIO_ACCOUNT_SID: twilioAccount.accountSid,
      TWILIO_AUTH_TOKEN: twilioAccount.authToken,
      TWILIO_API_BASE_URL: `http://127.0.0.1:${await freePort()}`,
      PUBLIC_BASE_URL: publicBaseUrl,
    };
    hub = await startTestHub({ backend: 'redis', env });
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('places signed calls through the IVR, and agents take them through the conference until each has ended', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'services/simulator/src/main.ts', '--url', hub.url, '--channels', 'voice', '--duration', '4', '--rate', '2', '--agents', '4', '--handle-time', '1', '--accept-ratio', '1', '--json'],
      { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toMatch(/simulation failed/);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Omit<SimulationSummary, 'contactIds'>;
    expect(summary.counts.contacts).toBeGreaterThan(0);
    expect(summary.errors).toEqual([]);

    const contacts = await hub.database.db.contact.findMany({ include: { events: { select: { type: true } } } });
    expect(contacts).toHaveLength(summary.counts.contacts);
    for (const contact of contacts) {
      expect(contact.channel).toBe('voice');
      expect(['ended', 'abandoned']).toContain(contact.status);
      const journey = contact.journey as Array<{ step: string }>;
      expect(journey.map((step) => step.step)).toContain('agent');
    }
    const answered = contacts.filter((contact) => contact.events.some((event) => event.type === 'accepted'));
    expect(answered.length).toBeGreaterThan(0);
    for (const contact of answered) expect(contact.status).toBe('ended');
  });
});

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationSummary } from '@sentral/simulator';
import { repoRoot, startTestHub, type TestHub } from './support/hub.ts';
import { call, connect, login } from './support/sockets.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run simulate` as a person runs it: its own process, talking to the hub over the network only. */
function simulate(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/simulator/src/main.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run simulate', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('drives chat customers and seeded agents through the hub until every contact it created has ended', async () => {
    // A person follows the README: the demo agent's desk is open (away) while the simulator runs.
    const person = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
    expect(await call(person, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
    const run = await simulate(['--url', hub.url, '--duration', '3', '--rate', '4', '--agents', '4', '--handle-time', '0.5', '--accept-ratio', '1', '--json']);
    expect(run.stderr).not.toMatch(/simulation failed/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Omit<SimulationSummary, 'contactIds'>;
    expect(summary.agents).toBe(4);
    expect(summary.counts.contacts).toBeGreaterThan(0);
    expect(summary.counts.failed).toBe(0);
    expect(summary.offerLatency.n).toBe(summary.counts.contacts);
    expect(summary.offerLatency.p99Ms).toBeGreaterThanOrEqual(summary.offerLatency.p50Ms!);
    // The live status went to stderr, one line per update when not on a terminal.
    expect(run.stderr).toMatch(/contacts \d+ {2}waiting \d+ {2}talking \d+/);

    const contacts = await hub.database.db.contact.findMany({
      include: { messages: { select: { author: true } }, events: { select: { type: true } } },
    });
    expect(contacts).toHaveLength(summary.counts.contacts);
    for (const contact of contacts) {
      expect(contact).toMatchObject({ channel: 'chat', status: 'ended' });
      expect(contact.disposition).toEqual(expect.any(String));
      expect(contact.notes).toEqual(expect.any(String));
      expect(contact.messages.map((message) => message.author)).toEqual(expect.arrayContaining(['customer', 'agent']));
      expect(contact.events.map((event) => event.type)).toEqual(expect.arrayContaining(['arrived', 'offered', 'accepted', 'ended']));
    }
    expect(summary.counts.ended).toBe(contacts.length);
    // Most contacts come from seeded customers, recognised by the email they typed into the chat.
    expect(contacts.some((contact) => contact.customerId !== null)).toBe(true);
    // The simulator signed out only what it signed in; the person's desk is untouched.
    const agents = await hub.database.db.agent.findMany({ where: { role: 'agent' }, select: { email: true, state: true } });
    expect(agents.filter((agent) => agent.email !== 'agent@demo.test').every((agent) => agent.state === 'offline')).toBe(true);
    expect(agents.find((agent) => agent.email === 'agent@demo.test')?.state).toBe('away');
    expect(person.connected).toBe(true);
    const demo = await hub.database.db.agent.findUniqueOrThrow({ where: { email: 'agent@demo.test' }, select: { id: true } });
    expect(await hub.database.db.offer.count({ where: { agentId: demo.id } })).toBe(0);
    person.close();
  });

  it('uses a README account only when named, and leaves one already signed in as it found it', async () => {
    const person = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
    try {
      expect(await call(person, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
      const run = await simulate(['--url', hub.url, '--duration', '2', '--rate', '3', '--agents', '0', '--include', 'agent@demo.test', '--handle-time', '0.3', '--accept-ratio', '1', '--json']);
      expect(run.stderr).not.toMatch(/simulation failed/);
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as Omit<SimulationSummary, 'contactIds'>;
      expect(summary.agents).toBe(1);
      const demo = await hub.database.db.agent.findUniqueOrThrow({ where: { email: 'agent@demo.test' }, select: { id: true, state: true } });
      expect(await hub.database.db.offer.count({ where: { agentId: demo.id, status: 'accepted' } })).toBe(summary.counts.contacts);
      expect(demo.state).toBe('away');
      expect(person.connected).toBe(true);
    } finally {
      person.close();
    }
  });

  it('lists its options and refuses a wrong one with the option named', async () => {
    const [help, wrong, unknownChannel] = await Promise.all([simulate(['--help']), simulate(['--accept-ratio', '2']), simulate(['--channels', 'pigeon'])]);
    expect(help.code).toBe(0);
    for (const option of ['--url', '--rate', '--duration', '--agents', '--include', '--channels', '--accept-ratio', '--handle-time']) expect(help.stdout).toContain(option);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--accept-ratio');
    expect(unknownChannel.code).toBe(2);
    expect(unknownChannel.stderr).toContain('--channels');
  });
});

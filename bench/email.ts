import type { Socket } from 'socket.io-client';
import { startTestHub, type TestHub } from '../test/support/hub.ts';
import { startDovecot, type Dovecot } from '../test/support/dovecot.ts';
import { addMailbox, mail, testSecretsKey } from '../test/support/mail.ts';
import { call, connect, login } from '../test/support/sockets.ts';
import { latencyFigures, oneMinuteLoad, progress, sleep, type BenchResult } from './lib.ts';

const MAILBOX = 'bench@sentral.test';
const LATENCY_SAMPLES = 60;
const BACKLOG = 500;

async function ingestBacklog(dovecot: Dovecot, hub: TestHub, adminToken: string): Promise<BenchResult> {
  const user = 'backlog@sentral.test';
  await dovecot.addUser(user);
  const writer = dovecot.client(user);
  writer.on('error', () => undefined);
  await writer.connect();
  for (let i = 0; i < BACKLOG; i++) {
    await writer.append('INBOX', mail({ from: `kunde${i}@kunde.test`, to: user, subject: `Sak ${i}`, body: `Hei, dette er melding ${i}.`, messageId: `<backlog-${i}@kunde.test>` }));
  }
  await writer.logout();
  progress(`${BACKLOG} messages waiting; adding the mailbox`);
  const started = performance.now();
  await addMailbox(hub.url, adminToken, { address: user, dovecot });
  const db = hub.database.db;
  while ((await db.message.count({ where: { externalId: { startsWith: '<backlog-' } } })) < BACKLOG) await sleep(50);
  const seconds = (performance.now() - started) / 1000;
  return {
    name: 'mails ingested from one mailbox',
    backend: 'redis',
    n: BACKLOG,
    p50Ms: null,
    p99Ms: null,
    throughputPerSec: BACKLOG / seconds,
    notes: `backlog of ${BACKLOG} read over IMAP, parsed, stored with contact and job, marked \\Seen; load ${oneMinuteLoad()}`,
  };
}

async function offerLatency(dovecot: Dovecot, agent: Socket): Promise<BenchResult> {
  const samples: number[] = [];
  const writer = dovecot.client(MAILBOX);
  writer.on('error', () => undefined);
  await writer.connect();
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const subject = `Latency ${i}`;
    const offered = new Promise<number>((resolve) => {
      const listener = (offer: { offerId: string; contact: { subject?: string | null } }) => {
        if (offer.contact.subject !== subject) return;
        agent.off('contact:offer', listener);
        resolve(performance.now());
        call(agent, 'offer:reject', { offerId: offer.offerId }).catch(() => undefined);
      };
      agent.on('contact:offer', listener);
    });
    const delivered = performance.now();
    await writer.append('INBOX', mail({ from: `latens${i}@kunde.test`, to: MAILBOX, subject, body: 'Måling' }));
    samples.push((await offered) - delivered);
  }
  await writer.logout();
  return {
    name: 'mail delivered → offer',
    backend: 'redis',
    ...latencyFigures(samples),
    throughputPerSec: null,
    notes: `IMAP APPEND to Dovecot until contact:offer at the agent (IDLE notification, fetch, parse, store, identify, route); load ${oneMinuteLoad()}`,
  };
}

/** Email: how fast a delivered mail reaches an agent, and how many mails one mailbox ingests per second. */
export async function run(): Promise<BenchResult[]> {
  const dovecot = await startDovecot();
  await dovecot.addUser(MAILBOX);
  const hub = await startTestHub({ backend: 'redis', env: { SECRETS_KEY: testSecretsKey } });
  try {
    const adminToken = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    await addMailbox(hub.url, adminToken, { address: MAILBOX, dovecot, settings: { imap: { host: '127.0.0.1', port: dovecot.port, user: MAILBOX, pollSeconds: 60 } } });
    await hub.database.db.agent.update({ where: { email: 'agent@demo.test' }, data: { capacityEmail: 20 } });
    const agent = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
    await call(agent, 'agent:state', { state: 'available' });
    await sleep(1000);
    progress('mail → offer latency');
    const latency = await offerLatency(dovecot, agent);
    agent.close();
    progress('mailbox ingest throughput');
    const throughput = await ingestBacklog(dovecot, hub, adminToken);
    return [latency, throughput];
  } finally {
    await hub.stop();
    await dovecot.stop();
  }
}

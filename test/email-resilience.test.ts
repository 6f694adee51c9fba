import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, until } from './support/sockets.ts';
import { seed, startTestHub, uniquePrefix, clearRedisPrefix, type TestHub } from './support/hub.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { addMailbox, mail, testSecretsKey } from './support/mail.ts';

const MAILBOX = 'ordre@sentral.test';
const TOTAL = 200;

/** A TCP relay between the hub and Dovecot whose live connections the test can cut at will. */
async function startRelay(targetPort: number): Promise<{ port: number; cut(): number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    stop: () => new Promise((resolve) => { for (const socket of sockets) socket.destroy(); server.close(() => resolve()); }),
  };
}

describe('mail ingestion survives dropped connections and restarts', () => {
  let dovecot: Dovecot;
  let database: TestDatabase;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let hub: TestHub | null = null;
  const prefix = uniquePrefix();
  const env = { SECRETS_KEY: testSecretsKey };

  beforeAll(async () => {
    dovecot = await startDovecot();
    await dovecot.addUser(MAILBOX);
    relay = await startRelay(dovecot.port);
    database = await createTestDatabase();
    await seed(database, 20);
  });

  afterAll(async () => {
    await hub?.stop();
    await relay?.stop();
    await clearRedisPrefix(prefix);
    await database?.drop();
    await dovecot?.stop();
  });

  it('stores exactly 200 of 200 messages through five cut connections and two hub restarts', async () => {
    hub = await startTestHub({ backend: 'redis', database, prefix, env });
    const adminToken = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    await addMailbox(hub.url, adminToken, { address: MAILBOX, dovecot, imapPort: relay.port });
    const db = database.db;
    const stored = () => db.message.count({ where: { author: 'customer', externalId: { startsWith: '<load-' } } });

    // Deliveries go straight to Dovecot; the hub reads through the relay that the test keeps cutting.
    const deliveries = (async () => {
      const writer = dovecot.client(MAILBOX);
      writer.on('error', () => undefined);
      await writer.connect();
      for (let i = 0; i < TOTAL; i++) {
        await writer.append('INBOX', mail({ from: `kunde${i % 37}@kunde.test`, to: MAILBOX, subject: `Ordre ${i}`, body: `Melding nummer ${i}`, messageId: `<load-${i}@kunde.test>` }));
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 40));
      }
      await writer.logout();
    })();

    let cuts = 0;
    let restarts = 0;
    for (const at of [20, 45, 70, 95, 120, 140, 165]) {
      await until(async () => (await stored()) >= at, 90_000, 20).catch(async (error: unknown) => {
        throw new Error(`stuck below ${at} stored (have ${await stored()}): ${String(error)}`);
      });
      if (at === 70 || at === 140) {
        await hub.stop();
        hub = await startTestHub({ backend: 'redis', database, prefix, env });
        restarts++;
      } else {
        // Only counts as a cut when a live connection was actually severed.
        await until(async () => relay.cut() > 0, 30_000, 20);
        cuts++;
      }
    }
    await deliveries;
    await until(async () => (await stored()) >= TOTAL, 90_000, 100);
    // Give a duplicate the chance to appear before counting.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    expect(cuts).toBe(5);
    expect(restarts).toBe(2);
    const rows = await db.message.findMany({ where: { author: 'customer', externalId: { startsWith: '<load-' } }, select: { externalId: true } });
    expect(rows).toHaveLength(TOTAL);
    const ids = new Set(rows.map((row) => row.externalId));
    expect(ids.size).toBe(TOTAL);
    for (let i = 0; i < TOTAL; i++) expect(ids.has(`<load-${i}@kunde.test>`)).toBe(true);
    expect(await db.contact.count({ where: { channel: 'email' } })).toBe(TOTAL);
  }, 240_000);
});

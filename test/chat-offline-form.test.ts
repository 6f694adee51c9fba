import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, until } from './support/sockets.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, startTestHub, uniquePrefix, type HubProcess, type TestHub } from './support/hub.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { addMailbox, testSecretsKey } from './support/mail.ts';

const MAILBOX = 'kundeservice@shop.test';
const CUSTOMER = 'astrid.hansen@kunde.test';

/** The message form when nobody can answer: acknowledged only once stored, so killing the hub right after loses nothing. */
describe('the chat message form survives a hub killed right after its acknowledgement', () => {
  let database: TestDatabase;
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  const prefix = uniquePrefix();
  const hubs: HubProcess[] = [];
  let restarted: TestHub | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [database, dovecot, smtp] = await Promise.all([createTestDatabase(), startDovecot(), startSmtpSink()]);
    await Promise.all([seed(database, 20), dovecot.addUser(MAILBOX)]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const hub of hubs) await hub.kill('SIGKILL');
    await restarted?.stop();
    await clearRedisPrefix(prefix);
    await Promise.all([database?.drop(), dovecot?.stop(), smtp?.stop()]);
  });

  it('stores the form as a routed email contact with the chat transcript, and the confirmation still goes out after SIGKILL', async () => {
    // Short job locks: a send the killed hub had started comes back within seconds.
    const extra = { SECRETS_KEY: testSecretsKey, OUTBOUND_BACKOFF_MS: '100', JOB_LOCK_MS: '2000', DISPATCH_SWEEP_MS: '300' };
    const env = hubEnv('redis', database, prefix, extra);
    const first = await spawnHub(env);
    hubs.push(first);
    await addMailbox(first.url!, (await login(first.url!, 'admin@demo.test', 'admin')).token, { address: MAILBOX, dovecot, smtp });

    // Nobody is signed in: the chat waits, and the widget is told to offer the form.
    const chat = await connect(first.url!, '/chat', { name: 'Astrid', language: 'da' });
    sockets.push(chat);
    const waiting = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Er der nogen?' });
    expect(waiting.ok).toBe(true);
    expect(await call(chat, 'availability', {})).toEqual({ ok: true, available: false, reason: 'nobody', estimatedWaitSeconds: null });
    expect(await call(chat, 'offline:message', { name: 'Astrid', email: 'not-an-address', text: 'Hej' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'offline:message', { name: 'Astrid Hansen', email: CUSTOMER.toUpperCase(), text: 'Ring mig venligst om min ordre.' });
    expect(sent.ok).toBe(true);
    await first.kill('SIGKILL');

    // Everything the customer was promised is in the database already.
    const { db } = database;
    const contact = await db.contact.findUniqueOrThrow({ where: { id: sent.contactId }, include: { messages: { orderBy: { seq: 'asc' } } } });
    expect(contact).toMatchObject({ channel: 'email', fromAddress: CUSTOMER, language: 'da', subject: 'Besked fra chatten: Astrid Hansen' });
    expect(contact.messages[0]!.text).toContain('Ring mig venligst om min ordre.');
    expect(contact.messages[0]!.text).toContain('Er der nogen?');
    expect(contact.messages.some((m) => m.author === 'system' && (m.meta as { automatic?: boolean }).automatic)).toBe(true);
    // The chat it came from no longer waits for an agent.
    expect((await db.contact.findUniqueOrThrow({ where: { id: waiting.contactId } })).status).toBe('abandoned');

    // Another hub picks up what the killed one left: the contact is routed and the confirmation is mailed.
    const second = await startTestHub({ backend: 'redis', database, prefix, env: extra });
    restarted = second;
    const confirmation = await smtp.waitFor((mail) => mail.envelopeTo.includes(CUSTOMER), 30_000);
    expect(confirmation.parsed.text).toContain('Tak for din henvendelse!');
    await until(async () => ['queued', 'offered'].includes((await db.contact.findUniqueOrThrow({ where: { id: sent.contactId } })).status), 30_000);
    const acknowledgement = await until(() => db.message.findFirst({ where: { contactId: sent.contactId, author: 'system', delivery: 'sent' } }), 30_000);
    expect(acknowledgement.text).toContain('Tak for din henvendelse!');
  }, 120_000);
});

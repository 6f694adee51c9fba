import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ContactOffer } from '@sentral/contract';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { addMailbox, mail, testSecretsKey } from './support/mail.ts';

const MAILBOX = 'kundeservice@sentral.test';

type Delivery = { contactId: string; messageId: string; status: 'sent' | 'failed'; error?: string };

describe('an email conversation end to end (Dovecot IMAP in, SMTP out)', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let hub: TestHub;
  let agent: Socket;
  let adminToken: string;
  let customer: { id: string; name: string; email: string };

  beforeAll(async () => {
    [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpSink()]);
    await dovecot.addUser(MAILBOX);
    hub = await startTestHub({ backend: 'redis', env: { SECRETS_KEY: testSecretsKey, OUTBOUND_BACKOFF_MS: '100' } });
    const row = await hub.database.db.customer.findFirstOrThrow({
      where: { identities: { some: { kind: 'email' } } },
      include: { identities: { where: { kind: 'email' } } },
    });
    customer = { id: row.id, name: row.name, email: row.identities[0]!.value };
    adminToken = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    await addMailbox(hub.url, adminToken, { address: MAILBOX, dovecot, smtp });
    agent = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
    expect(await call(agent, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
  });

  it('pops the customer, sends the reply threaded, and joins the customer’s answer to the same contact', async () => {
    const offered = next<ContactOffer>(agent, 'contact:offer', (o) => o.contact.channel === 'email', 30_000);
    await dovecot.deliver(
      MAILBOX,
      mail({ from: `"${customer.name}" <${customer.email}>`, to: MAILBOX, subject: 'Hvor er pakken min?', body: 'Hei!\nJeg har ikke fått pakken.\n\n-- \nKari\n', messageId: '<first-1@customer.test>' }),
    );
    const offer = await offered;
    expect(offer.contact).toMatchObject({ channel: 'email', subject: 'Hvor er pakken min?' });
    expect(offer.screenPop.identification).toMatchObject({ method: 'email' });
    expect(offer.screenPop.customer).toMatchObject({ id: customer.id, name: customer.name });
    expect(Date.parse(offer.screenPop.firstResponseDueAt ?? '')).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const contactId: string = offer.contact.id;

    const accepted = await call<{ ok: boolean; contact: { messages: Array<{ text: string }> } }>(agent, 'offer:accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);
    expect(accepted.contact.messages[0]!.text).toContain('Jeg har ikke fått pakken.');

    const delivered = next<Delivery>(agent, 'contact:delivery', (p) => p.contactId === contactId, 30_000);
    const sent = await call<{ ok: boolean; message: { id: string; delivery: string } }>(agent, 'contact:send', { contactId, text: 'Den er sendt og kommer torsdag.' });
    expect(sent).toMatchObject({ ok: true, message: { delivery: 'pending' } });
    const reply = await smtp.waitFor((m) => m.envelopeTo.includes(customer.email));
    expect(reply.parsed.subject).toBe('Re: Hvor er pakken min?');
    expect(reply.parsed.from?.value[0]?.address).toBe(MAILBOX);
    expect(reply.parsed.inReplyTo).toBe('<first-1@customer.test>');
    expect(reply.parsed.references).toContain('<first-1@customer.test>');
    expect(reply.parsed.text).toContain('Den er sendt og kommer torsdag.');
    expect(reply.parsed.replyTo?.value[0]?.address).toMatch(/^kundeservice\+sentral-[0-9a-f]{32}@sentral\.test$/);
    expect(reply.header('auto-submitted')).toBeNull();
    expect(await delivered).toMatchObject({ messageId: sent.message.id, status: 'sent' });

    // The customer answers the reply, as every mail program does: In-Reply-To and References point at it.
    const replyId = reply.parsed.messageId!;
    const agentSees = next<{ contactId: string; message: ChatMessage }>(agent, 'contact:message', (p) => p.contactId === contactId, 30_000);
    await dovecot.deliver(
      MAILBOX,
      mail({
        from: customer.email,
        to: MAILBOX,
        subject: 'Re: Hvor er pakken min?',
        body: 'Takk, da venter jeg til torsdag.',
        headers: { 'In-Reply-To': replyId, References: `<first-1@customer.test> ${replyId}` },
      }),
    );
    expect((await agentSees).message).toMatchObject({ from: 'customer', text: 'Takk, da venter jeg til torsdag.' });

    const stored = await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { messages: { orderBy: { seq: 'asc' } } } });
    expect(stored.messages.map((m) => [m.author, m.delivery])).toEqual([
      ['customer', null],
      ['agent', 'sent'],
      ['customer', null],
    ]);
    expect(stored.messages[1]!.externalId).toBe(replyId);
    expect(stored.firstRespondedAt).toBeInstanceOf(Date);
    expect(await hub.database.db.contact.count({ where: { channel: 'email' } })).toBe(1);

    // Stored mail is marked read in the mailbox only after it was stored.
    const imap = dovecot.client(MAILBOX);
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    const unseen = await imap.search({ seen: false });
    await imap.logout();
    expect(unseen).toEqual([]);
  });

  it('joins a reply that lost its headers by the token in the Reply-To address', async () => {
    const contact = await hub.database.db.contact.findFirstOrThrow({ where: { channel: 'email' } });
    const before = contact.messageCount;
    await dovecot.deliver(
      MAILBOX,
      mail({ from: customer.email, to: `kundeservice+sentral-${contact.id.replace(/-/g, '')}@sentral.test`, subject: 'En ting til', body: 'Kan dere ringe meg?' }),
    );
    await until(async () => (await hub.database.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).messageCount > before, 30_000);
    expect(await hub.database.db.contact.count({ where: { channel: 'email' } })).toBe(1);
  });

  it('retries a transient SMTP failure and shows a permanent one to the agent', async () => {
    const contact = await hub.database.db.contact.findFirstOrThrow({ where: { channel: 'email', status: 'accepted' } });
    smtp.refuseWith({ code: 451, message: 'try again later' }, 2);
    const sentAfterRetry = next<Delivery>(agent, 'contact:delivery', (p) => p.status === 'sent', 30_000);
    await call(agent, 'contact:send', { contactId: contact.id, text: 'Vi ringer deg i morgen.' });
    expect(await sentAfterRetry).toMatchObject({ contactId: contact.id, status: 'sent' });
    await smtp.waitFor((m) => Boolean(m.parsed.text?.includes('Vi ringer deg i morgen.')));

    smtp.refuseWith({ code: 550, message: 'mailbox unavailable' }, 1);
    const failed = next<Delivery>(agent, 'contact:delivery', (p) => p.status === 'failed', 30_000);
    const attempt = await call<{ message: { id: string } }>(agent, 'contact:send', { contactId: contact.id, text: 'Denne kommer ikke fram.' });
    expect(await failed).toMatchObject({ contactId: contact.id, messageId: attempt.message.id, status: 'failed' });
    expect((await failed).error).toMatch(/550|unavailable/);
    const row = await hub.database.db.message.findUniqueOrThrow({ where: { id: attempt.message.id } });
    expect(row).toMatchObject({ delivery: 'failed' });
  });
});

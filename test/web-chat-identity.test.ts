import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { call, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { addMailbox, testSecretsKey } from './support/mail.ts';
import { login } from './support/sockets.ts';
import { ensureWidgetBuilt } from '../bench/widget-sizes.ts';
import { record } from './support/sockets.ts';
import { api } from './support/routing.ts';
import { demoBotFlow } from '../services/hub/src/self-service/engine/flow.ts';

const IDENTITY_SECRET = 'shop-identity-secret-shop-identity-secret';
const SHOP = 'http://shop.test';
const MAILBOX = 'kundeservice@shop.test';

type Heard = { from: string; text: string; options?: unknown[] };
type Ack = { ok: boolean; contactId?: string; error?: { code: string; message: string }; [key: string]: unknown };
type Session = { visitorId: string; contactId: string | null; resumeToken?: string; verification?: { state: string } | null };

function identityToken(claims: Record<string, unknown>, secret = IDENTITY_SECRET): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** Who is chatting, who may read a conversation again, and which sites may embed the chat. */
describe('web chat identity, resume and origins', () => {
  let hub: TestHub;
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpSink(), ensureWidgetBuilt()]);
    await dovecot.addUser(MAILBOX);
    hub = await startTestHub({
      backend: 'postgres',
      env: { SECRETS_KEY: testSecretsKey, WIDGET_IDENTITY_SECRET: IDENTITY_SECRET, WIDGET_ALLOWED_ORIGINS: `${SHOP},https://other-shop.test` },
    });
    await addMailbox(hub.url, (await login(hub.url, 'admin@demo.test', 'admin')).token, { address: MAILBOX, dovecot, smtp });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hub?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
  });

  /** A customer's socket as a browser on the shop opens it; resolves with the first `session` event. */
  function open(auth: Record<string, unknown>, origin = SHOP): Promise<{ socket: Socket; session: Session }> {
    const socket = io(`${hub.url}/chat`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin }, auth });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('session', (session: Session) => resolve({ socket, session }));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  const refusal = (promise: Promise<unknown>) => promise.then(() => 'connected', (error: Error & { data?: { code: string } }) => error.data?.code ?? error.message);

  it('lets only the configured sites open the chat or fetch the widget from a page', async () => {
    expect(await refusal(open({}, 'http://evil.test'))).toBe('FORBIDDEN');
    expect(await refusal(open({}, SHOP))).toBe('connected');
    const forbidden = await fetch(`${hub.url}/widget.js`, { headers: { origin: 'http://evil.test' } });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    // A <script src> sends no Origin: the loader is served, naming the bundle by its content hash.
    const loader = await fetch(`${hub.url}/widget.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('content-type')).toMatch(/javascript/);
    expect(loader.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const bundlePath = /widget\/chat\.js\?v=[0-9a-f]{12}/.exec(await loader.text())?.[0];
    expect(bundlePath).toBeDefined();
    const bundle = await fetch(`${hub.url}/${bundlePath}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toContain('immutable');
    const demo = await fetch(`${hub.url}/demo`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain('<script src="/widget.js" data-queue="support" data-language="nb" async></script>');
  });

  it('resumes a visitor only with its resume token, and then gives every message after a sequence number', async () => {
    const first = await open({ name: 'Kari' });
    expect(first.session.resumeToken).toMatch(/^\d+\.[\w-]+$/);
    for (const text of ['Første', 'Andre', 'Tredje']) expect(await call<Ack>(first.socket, 'message', { text })).toMatchObject({ ok: true });
    const { visitorId, resumeToken } = first.session;

    const resumed = await open({ visitorId, resumeToken });
    expect(resumed.session.contactId).not.toBeNull();
    const all = await call<Ack & { messages: Array<{ seq: number; from: string; text: string }> }>(resumed.socket, 'history', { afterSeq: 0 });
    expect(all.messages.map((m) => [m.seq, m.from, m.text])).toEqual([
      [1, 'customer', 'Første'],
      [2, 'customer', 'Andre'],
      [3, 'customer', 'Tredje'],
    ]);
    const after = await call<Ack & { messages: Array<{ seq: number }> }>(resumed.socket, 'history', { afterSeq: 2 });
    expect(after.messages.map((m) => m.seq)).toEqual([3]);

    // The visitor id alone (or with a forged token) still continues the chat as before, but reads nothing stored.
    for (const auth of [{ visitorId }, { visitorId, resumeToken: `${Math.floor(Date.now() / 1000)}.forged` }]) {
      const guest = await open(auth);
      expect(await call<Ack>(guest.socket, 'history', { afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await call<Ack>(resumed.socket, 'history', { afterSeq: -1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    // Files: checked by their bytes and their size, whatever they are called.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const filed = await call<Ack & { seq: number }>(resumed.socket, 'attachment', { filename: 'ordre.pdf', data: pdf });
    expect(filed).toMatchObject({ ok: true, seq: 4 });
    expect(await call<Ack>(resumed.socket, 'attachment', { filename: 'bilde.png', data: Buffer.from('<svg onload=alert(1)>') })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call<Ack>(resumed.socket, 'attachment', { filename: 'stor.pdf', data: Buffer.concat([pdf, Buffer.alloc(1_600_000)]) })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const withFile = await call<Ack & { messages: Array<{ seq: number; attachments?: unknown[] }> }>(resumed.socket, 'history', { afterSeq: 3 });
    expect(withFile.messages).toEqual([expect.objectContaining({ seq: 4, text: '📎 ordre.pdf', attachments: [{ filename: 'ordre.pdf', contentType: 'application/pdf', size: pdf.length }] })]);

    // The transcript by email, through the configured mailbox.
    expect(await call<Ack>(resumed.socket, 'transcript', { email: 'kari@kunde.test' })).toEqual({ ok: true });
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes('kari@kunde.test'));
    expect(mail.parsed.subject).toBe('Chatten din med oss');
    expect(mail.parsed.text).toContain('Du: Andre');
  });

  it('takes a host site\'s signed identity as verified and refuses a forged or expired one', async () => {
    const { db } = hub.database;
    const customer = await db.customer.findFirstOrThrow({ where: { externalId: { not: null } }, select: { id: true, externalId: true } });
    const claims = { sub: customer.externalId, email: 'signert@kunde.test', name: 'Signe Signert', exp: Math.floor(Date.now() / 1000) + 600 };
    expect(await refusal(open({ identityToken: identityToken(claims, 'a-different-secret-a-different-secret') }))).toBe('UNAUTHENTICATED');
    expect(await refusal(open({ identityToken: identityToken({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 }) }))).toBe('UNAUTHENTICATED');

    const { socket, session } = await open({ identityToken: identityToken(claims) });
    expect(session.verification).toEqual({ state: 'verified', email: 'signert@kunde.test', name: 'Signe Signert' });
    const sent = await call<Ack>(socket, 'message', { text: 'Hvor er pakken min?' });
    const contact = await until(async () => {
      const row = await db.contact.findUniqueOrThrow({ where: { id: sent.contactId! } });
      return row.customerId ? row : null;
    });
    expect(contact.customerId).toBe(customer.id);
    expect((contact.attributes as { verification: unknown }).verification).toMatchObject({ state: 'verified', method: 'identity-token', customerId: customer.id, externalId: customer.externalId });
  });

  it('treats a typed email as claimed until the one-time code from the mailbox proves it', async () => {
    const { db } = hub.database;
    const owner = await db.customerIdentity.findFirstOrThrow({ where: { kind: 'email' }, select: { value: true, customerId: true } });
    const { socket } = await open({ email: owner.value });
    const sent = await call<Ack>(socket, 'message', { text: 'Hva skylder jeg?' });
    const verificationOf = async () => ((await db.contact.findUniqueOrThrow({ where: { id: sent.contactId! } })).attributes as { verification?: { state: string; method: string; customerId: string | null } }).verification;
    expect(await verificationOf()).toMatchObject({ state: 'claimed', method: 'typed-email' });

    expect(await call<Ack>(socket, 'verify:start', { email: owner.value })).toEqual({ ok: true });
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(owner.value) && m.parsed.subject === 'Din engangskode');
    const code = /\b(\d{6})\b/.exec(mail.parsed.text ?? '')![1]!;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await call<Ack>(socket, 'verify:code', { code: wrong })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await verificationOf()).toMatchObject({ state: 'claimed' });
    expect(await call<Ack>(socket, 'verify:code', { code })).toMatchObject({ ok: true, verification: { state: 'verified', email: owner.value } });
    expect(await verificationOf()).toMatchObject({ state: 'verified', method: 'email-code', customerId: owner.customerId });
    // A code works once.
    expect(await call<Ack>(socket, 'verify:code', { code })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    // Codes to one address are limited (verification:code, 3 in 15 minutes).
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await call<Ack>(socket, 'verify:start', { email: owner.value }));
    expect(more.map((ack) => (ack.ok ? 'ok' : ack.error!.code))).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });

  it('lets the bot show a host-verified customer their parcel, and a claimed one only after the one-time code', async () => {
    const { db } = hub.database;
    const admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    expect((await api(hub.url, '/api/chat/flows', { method: 'PUT', token: admin, body: { address: 'support', flow: demoBotFlow } })).status).toBe(200);
    // Not the address the test above used up its codes on.
    const usedUp = await db.customerIdentity.findFirstOrThrow({ where: { kind: 'email' }, select: { customerId: true } });
    const customer = await db.customer.findFirstOrThrow({
      where: { id: { not: usedUp.customerId }, language: 'nb', externalId: { not: null }, orders: { some: { status: { notIn: ['delivered', 'cancelled'] } } }, identities: { some: { kind: 'email' } } },
      include: { identities: { where: { kind: 'email' } }, orders: { where: { status: { notIn: ['delivered', 'cancelled'] } } } },
    });
    const orderNumbers = customer.orders.map((order) => order.number);
    const mentionsAnOrder = (messages: Heard[]) => messages.some((m) => m.from === 'bot' && orderNumbers.some((n) => m.text.includes(n)));
    const ask = async (socket: Socket, heard: Heard[]) => {
      const before = heard.length;
      expect(await call<Ack>(socket, 'message', { text: 'hvor er pakken min?' })).toMatchObject({ ok: true });
      // The bot's turn is over with its last message, which always carries the buttons (a person is one tap away).
      await until(async () => heard.slice(before).some((m) => m.from === 'bot' && (m.options?.length ?? 0) > 0));
      return heard.slice(before);
    };

    // Signed by the host site: verified, so the parcel comes at once.
    const signed = await open({ queue: 'support', language: 'nb', identityToken: identityToken({ sub: customer.externalId, email: 'signert@kunde.test', name: 'Signe', exp: Math.floor(Date.now() / 1000) + 600 }) });
    const signedHeard = record<Heard>(signed.socket, 'message');
    expect(mentionsAnOrder(await ask(signed.socket, signedHeard))).toBe(true);

    // Only typed: claimed, so nothing personal until the code from the mailbox proves the address.
    const email = customer.identities[0]!.value;
    const typed = await open({ queue: 'support', language: 'nb', email });
    const typedHeard = record<Heard>(typed.socket, 'message');
    expect(mentionsAnOrder(await ask(typed.socket, typedHeard))).toBe(false);
    const started = await call<Ack>(typed.socket, 'verify:start', { email });
    expect(started, JSON.stringify(started)).toEqual({ ok: true });
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email) && m.parsed.subject === 'Din engangskode');
    const code = /\b(\d{6})\b/.exec(mail.parsed.text ?? '')![1]!;
    expect(await call<Ack>(typed.socket, 'verify:code', { code })).toMatchObject({ ok: true });
    // The bot was asking for a customer number; proven by the code, the next message gets the parcel.
    expect(mentionsAnOrder(await ask(typed.socket, typedHeard))).toBe(true);
  });
});

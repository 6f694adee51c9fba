import { request } from 'node:http';
import { createDeflate, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { ContactOffer } from '@sentral/contract';
import { signFaxBody } from '@sentral/connector-fax';
import { login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { addMailbox, mail, testSecretsKey } from './support/mail.ts';
import { createAgent, sendFax, type TestAgent } from './support/routing.ts';

const FAX_SECRET = 'fax-webhook-secret-hardening-0123';
const FAX_MAILBOX = 'faks-hard@sentral.test';
const MAIL_MAILBOX = 'post-hard@sentral.test';
const WEBHOOK_MAX_BYTES = 2_000_000;
const RENDER_TIMEOUT_MS = 1_500;

/** A one-page PDF whose page content is `content`, Flate-compressed as producers write it. */
function pdfWithContent(compressed: Buffer): Buffer {
  const head =
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n4 0 obj<</Length ${compressed.length}/Filter/FlateDecode>>stream\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), compressed, Buffer.from('\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1')]);
}

/** 1,000,000 filled rectangles on one page: about 25 kB, and pdf.js works on it for most of a minute. */
const rectanglesPdf = () => pdfWithContent(deflateSync(Buffer.from('0 0 1 1 re f\n'.repeat(1_000_000))));

/** A page whose content inflates to `megabytes` MB of zeros, compressed a thousandfold; deflated as a stream, never held whole. */
async function flateBombPdf(megabytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(1_000_000);
  for (let i = 0; i < megabytes; i++) if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await done;
  return pdfWithContent(Buffer.concat(chunks));
}

function multipart(fields: Record<string, string>, file: { name: string; content: Uint8Array }): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `----hardening${Math.random().toString(16).slice(2)}`;
  const parts = [
    ...Object.entries(fields).map(([key, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`)),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`),
    Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ];
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A POST that declares `declaredBytes` and sends only a little of it, held open until `abort()`. */
function slowPost(url: string, path: string, declaredBytes: number): { response: Promise<{ status: number; retryAfter: string | undefined; body: string }>; abort(): void } {
  const target = new URL(path, url);
  const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(declaredBytes) } });
  const response = new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  req.write(Buffer.alloc(100, 0x2d));
  return { response, abort: () => req.destroy() };
}

describe('documents and webhooks that cannot stop the hub', () => {
  let hub: TestHub;
  let dovecot: Dovecot;
  let adminToken: string;
  let agent: TestAgent;
  let slowest = 0;
  let probing = true;
  let probe: Promise<void>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    await dovecot.addUser(FAX_MAILBOX);
    await dovecot.addUser(MAIL_MAILBOX);
    hub = await startTestHub({
      backend: 'redis',
      env: {
        FAX_WEBHOOK_SECRET: FAX_SECRET,
        SECRETS_KEY: testSecretsKey,
        FAX_WEBHOOK_MAX_BYTES: String(WEBHOOK_MAX_BYTES),
        FAX_RENDER_TIMEOUT_MS: String(RENDER_TIMEOUT_MS),
        FAX_RENDER_MEMORY_MB: '128',
        FAX_MAX_INFLATED_MB: '32',
        WEBHOOK_CONCURRENT_READS: '2',
      },
    });
    adminToken = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    agent = await createAgent(hub.url, adminToken, { email: 'fax@hardening.test', name: 'Faks Agent', queues: ['support', 'sales', 'billing'], capacity: { fax: 20, email: 20 }, state: 'available' });
    // Throughout the file, /healthz is asked every 100 ms: the slowest answer shows whether anything held the event loop.
    probe = (async () => {
      while (probing) {
        const started = performance.now();
        const response = await fetch(`${hub.url}/healthz`);
        expect(response.status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  });

  afterAll(async () => {
    probing = false;
    await probe;
    agent?.close();
    await hub?.stop();
    await dovecot?.stop();
  });

  /** The stored fax: its document without a page count, and the page outline as its thumbnail. */
  async function expectOutline(contactId: string): Promise<void> {
    const attachments = await hub.database.db.attachment.findMany({ where: { contactId }, orderBy: { kind: 'asc' } });
    expect(attachments.map((a) => [a.kind, a.contentType, a.pages])).toEqual([
      ['file', 'application/pdf', null],
      ['thumbnail', 'image/png', null],
    ]);
    // The outline is drawn with a transparent margin; a rendered page is flattened onto white.
    const outline = sharp(Buffer.from(attachments[1]!.content));
    expect(await outline.metadata()).toMatchObject({ width: 240, hasAlpha: true });
    expect((await outline.stats()).isOpaque).toBe(false);
  }

  it('stores a fax whose PDF would take pdf.js most of a minute, with the outline, while the hub keeps answering', async () => {
    const document = rectanglesPdf();
    expect(document.length).toBeLessThan(40_000);
    const { body, contentType } = multipart({ from: '+47 22 33 44 01', to: '+4721000000', id: 'rects-1' }, { name: 'rektangler.pdf', content: document });
    const offered = agent.nextOffer((offer: ContactOffer) => offer.contact.channel === 'fax', 60_000);
    const started = performance.now();
    const response = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': contentType, 'x-sentral-signature': signFaxBody(FAX_SECRET, body) }, body });
    expect(response.status).toBe(202);
    const { contactId } = (await response.json()) as { contactId: string };
    // The renderer was stopped at its limit (plus its own start-up), not left to run.
    expect(performance.now() - started).toBeLessThan(RENDER_TIMEOUT_MS + 30_000);
    await expectOutline(contactId);
    const offer = await offered;
    expect(offer.contact.id).toBe(contactId);
    expect(offer.screenPop.fax?.pages).toBeNull();
    expect(slowest).toBeLessThan(2_000);
  });

  it('refuses to inflate a flate bomb: the fax is stored with the outline at once', async () => {
    const document = await flateBombPdf(200);
    expect(document.length).toBeLessThan(400_000);
    const { body, contentType } = multipart({ from: '+47 22 33 44 02', to: '+4721000000', id: 'bomb-1' }, { name: 'bombe.pdf', content: document });
    const response = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': contentType, 'x-sentral-signature': signFaxBody(FAX_SECRET, body) }, body });
    expect(response.status).toBe(202);
    await expectOutline(((await response.json()) as { contactId: string }).contactId);
    expect(slowest).toBeLessThan(2_000);
  });

  it('takes the same care with a PDF mailed to a fax mailbox', async () => {
    await addMailbox(hub.url, adminToken, { address: FAX_MAILBOX, dovecot, kind: 'fax' });
    const document = rectanglesPdf();
    const boundary = 'faxgw-hardening';
    const raw = [
      'From: "Fax Gateway" <faxgw@provider.test>',
      `To: ${FAX_MAILBOX}`,
      'Subject: Fax from +47 22 33 44 03 (1 page)',
      'Message-ID: <fax-hardening-1@provider.test>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'You have received a fax.',
      `--${boundary}`,
      'Content-Type: application/pdf; name="fax.pdf"',
      'Content-Disposition: attachment; filename="fax.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      document.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await dovecot.deliver(FAX_MAILBOX, raw);
    const contact = await until(() => hub.database.db.contact.findFirst({ where: { externalId: '<fax-hardening-1@provider.test>' } }), 60_000);
    expect(contact).toMatchObject({ channel: 'fax', fromAddress: '+4722334403' });
    await expectOutline(contact.id);
    expect(slowest).toBeLessThan(2_000);
  });

  it('refuses a fax webhook over the size limit by its Content-Length, before reading it', async () => {
    const oversized = slowPost(hub.url, '/webhooks/fax', 100_000_000);
    const answer = await oversized.response;
    oversized.abort();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: `body: larger than ${WEBHOOK_MAX_BYTES} bytes` } });
    // Without a length the limit holds while reading.
    const chunked = await fetch(`${hub.url}/webhooks/fax`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 30; i++) controller.enqueue(new Uint8Array(100_000));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('reads only a few unsigned bodies at once and tells the rest to come back later', async () => {
    const held = [slowPost(hub.url, '/webhooks/fax', 500_000), slowPost(hub.url, '/webhooks/fax', 500_000)];
    const busy = await until(async () => {
      const response = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'x' });
      return response.status === 429 ? response : null;
    }, 10_000);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    for (const request of held) request.abort();
    // The slots come back when those senders go away: a signed fax gets through again.
    const contactId = await until(async () => sendFax(hub.url, FAX_SECRET, '+47 22 33 44 04', 'after-slow').catch(() => null), 30_000);
    expect(contactId).toMatch(/^[0-9a-f-]{36}$/);
    // After all of the above an ordinary fax still gets its page count and a rendered page.
    const file = await hub.database.db.attachment.findFirstOrThrow({ where: { contactId, kind: 'file' } });
    expect(file.pages).toBe(1);
    const thumbnail = await hub.database.db.attachment.findFirstOrThrow({ where: { contactId, kind: 'thumbnail' } });
    expect((await sharp(Buffer.from(thumbnail.content)).metadata()).hasAlpha).toBe(false);
    expect(slowest).toBeLessThan(2_000);
  });

  it('keeps the text after an unclosed noscript, textarea or template in a mail, dropping only the tags', async () => {
    await addMailbox(hub.url, adminToken, { address: MAIL_MAILBOX, dovecot });
    const tail = 'Ordrenummer 4711 gjelder levering til Tromsø. '.repeat(200);
    for (const tag of ['noscript', 'textarea', 'template']) {
      const messageId = `<unclosed-${tag}@customer.test>`;
      await dovecot.deliver(
        MAIL_MAILBOX,
        mail({
          from: `kunde-${tag}@customer.test`,
          to: MAIL_MAILBOX,
          subject: `Bestilling (${tag})`,
          messageId,
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
          body: `<p>Hei,</p><${tag}><p>${tail}</p><p>Hilsen Kari</p>`,
        }),
      );
      const contact = await until(() => hub.database.db.contact.findFirst({ where: { externalId: messageId }, include: { messages: true } }), 30_000);
      const message = contact.messages[0]!;
      expect(message.text).toContain('Hilsen Kari');
      expect(message.text.length).toBeGreaterThan(tail.length);
      expect(message.html).toContain('Hilsen Kari');
      expect(message.html).not.toContain(`<${tag}`);
    }
  });
});

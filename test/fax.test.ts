import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import type { ContactOffer } from '@sentral/contract';
import { signFaxBody } from '@sentral/connector-fax';
import { call, connect, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { addMailbox, testSecretsKey } from './support/mail.ts';

const FAX_SECRET = 'fax-webhook-secret-0123456789';
const FAX_MAILBOX = 'faks@sentral.test';

async function pdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage([595, 842]).drawText(`Bestilling side ${i}`, { x: 60, y: 760, size: 28, font });
  return doc.save();
}

function multipart(fields: Record<string, string>, files: Array<{ name: string; type: string; content: Uint8Array }>): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `----sentral${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`));
  for (const file of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(Buffer.from(file.content), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('fax: signed provider webhook, fax-to-email mailbox, replies through the provider', () => {
  let hub: TestHub;
  let dovecot: Dovecot;
  let provider: Server;
  const faxesSent: Array<{ headers: Record<string, unknown>; body: { to: string; from: string | null; reference: string; document: { contentType: string; base64: string } } }> = [];
  let agent: Socket;
  let agentToken: string;
  let customer: { id: string; fax: string };

  beforeAll(async () => {
    // The fax provider's REST API, stood in for at the HTTP level: records what it is asked to send.
    provider = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        faxesSent.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `FX${faxesSent.length}` }));
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', () => resolve()));
    const providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}/v1/faxes`;
    dovecot = await startDovecot();
    await dovecot.addUser(FAX_MAILBOX);
    hub = await startTestHub({
      backend: 'postgres',
      env: { FAX_WEBHOOK_SECRET: FAX_SECRET, FAX_PROVIDER_URL: providerUrl, FAX_PROVIDER_TOKEN: 'provider-token', FAX_FROM_NUMBER: '+4721000000', SECRETS_KEY: testSecretsKey },
    });
    const db = hub.database.db;
    const created = await db.customer.create({
      data: { name: 'Fjordbakeriet AS', segment: 'A', identities: { create: [{ kind: 'fax', value: '+4722334455' }] } },
    });
    customer = { id: created.id, fax: '+47 22 33 44 55' };
    agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    agent = await connect(hub.url, '/agent', { token: agentToken });
    expect(await call(agent, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await dovecot?.stop();
    await new Promise((resolve) => provider?.close(resolve));
  });

  it('turns a signed webhook into a fax contact with page count and thumbnail in the pop, and answers by fax', async () => {
    const { body, contentType } = multipart({ from: customer.fax, to: '+4721000000', id: 'prov-1' }, [{ name: 'bestilling.pdf', type: 'application/pdf', content: await pdf(3) }]);
    const offered = next<ContactOffer>(agent, 'contact:offer', (o) => o.contact.channel === 'fax', 30_000);
    const response = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': contentType, 'x-sentral-signature': signFaxBody(FAX_SECRET, body) }, body });
    expect(response.status).toBe(202);
    const { contactId } = (await response.json()) as { contactId: string };

    const offer = await offered;
    expect(offer.contact).toMatchObject({ id: contactId, channel: 'fax' });
    expect(offer.screenPop.identification).toMatchObject({ method: 'fax' });
    expect(offer.screenPop.customer).toMatchObject({ id: customer.id, name: 'Fjordbakeriet AS' });
    expect(offer.screenPop.fax?.pages).toBe(3);
    expect(offer.screenPop.fax?.thumbnailUrl).toMatch(/^\/api\/attachments\/[0-9a-f-]{36}$/);

    const thumbnail = await fetch(`${hub.url}${offer.screenPop.fax!.thumbnailUrl}`, { headers: { authorization: `Bearer ${agentToken}` } });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/png');
    const image = await sharp(Buffer.from(await thumbnail.arrayBuffer())).stats();
    // A rendered page, not a blank: the text drew dark pixels.
    expect(image.channels[0]!.min).toBeLessThan(100);

    // The same webhook delivered again stores nothing new.
    const again = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': contentType, 'x-sentral-signature': signFaxBody(FAX_SECRET, body) }, body });
    expect(((await again.json()) as { contactId: string }).contactId).toBe(contactId);
    expect(await hub.database.db.contact.count({ where: { channel: 'fax' } })).toBe(1);

    expect(await call(agent, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    const delivered = next<{ status: string }>(agent, 'contact:delivery', () => true, 30_000);
    await call(agent, 'contact:send', { contactId, text: 'Takk for bestillingen. Levering fredag.' });
    expect(await delivered).toMatchObject({ status: 'sent' });
    const fax = faxesSent.at(-1)!;
    expect(fax.headers['authorization']).toBe('Bearer provider-token');
    expect(fax.body).toMatchObject({ to: '+4722334455', from: '+4721000000' });
    expect(fax.headers['idempotency-key']).toBe(fax.body.reference);
    const document = await PDFDocument.load(Buffer.from(fax.body.document.base64, 'base64'));
    expect(document.getPageCount()).toBe(1);
  });

  it('refuses a webhook with a wrong or missing signature with 403 and stores nothing', async () => {
    const before = await hub.database.db.contact.count();
    const { body, contentType } = multipart({ from: '+4799999999', to: '+4721000000' }, [{ name: 'x.pdf', type: 'application/pdf', content: await pdf(1) }]);
    const wrong = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': contentType, 'x-sentral-signature': signFaxBody('another-secret-0123456789', body) }, body });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const missing = await fetch(`${hub.url}/webhooks/fax`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(missing.status).toBe(403);
    expect(await hub.database.db.contact.count()).toBe(before);
    expect(await hub.database.db.attachment.count({ where: { contact: { fromAddress: '+4799999999' } } })).toBe(0);
  });

  it('makes a fax contact, not an email contact, from a fax-to-email gateway mail with a TIFF', async () => {
    const adminToken = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    await addMailbox(hub.url, adminToken, { address: FAX_MAILBOX, dovecot, kind: 'fax' });
    const tiff = await sharp({ create: { width: 1728, height: 2200, channels: 3, background: '#ffffff' } })
      .composite([{ input: await sharp({ create: { width: 900, height: 200, channels: 3, background: '#000000' } }).png().toBuffer(), left: 200, top: 200 }])
      .tiff({ compression: 'lzw' })
      .toBuffer();
    const boundary = 'faxgw-boundary';
    const raw = [
      'From: "Fax Gateway" <faxgw@provider.test>',
      `To: ${FAX_MAILBOX}`,
      'Subject: Fax from +47 22 33 44 55 (1 page)',
      'Message-ID: <fax-0001@provider.test>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'You have received a fax.',
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="fax.tif"',
      'Content-Disposition: attachment; filename="fax.tif"',
      'Content-Transfer-Encoding: base64',
      '',
      tiff.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await dovecot.deliver(FAX_MAILBOX, raw);
    const contact = await until(() => hub.database.db.contact.findFirst({ where: { externalId: '<fax-0001@provider.test>' } }), 30_000);
    expect(contact).toMatchObject({ channel: 'fax', fromAddress: '+4722334455' });
    await until(async () => (await hub.database.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).customerId === customer.id, 30_000);
    const attachments = await hub.database.db.attachment.findMany({ where: { contactId: contact.id }, orderBy: { kind: 'asc' } });
    expect(attachments.map((a) => [a.kind, a.contentType, a.pages])).toEqual([
      ['file', 'image/tiff', 1],
      ['thumbnail', 'image/png', null],
    ]);
    expect(await hub.database.db.contact.count({ where: { channel: 'email' } })).toBe(0);
  });
});

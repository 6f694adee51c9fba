import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, record, until } from '../support/sockets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { launchChromium } from '../support/web.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { addMailbox, testSecretsKey } from '../support/mail.ts';
import { ensureWidgetBuilt } from '../../bench/widget-sizes.ts';

const WAIT = 15_000;
const MAILBOX = 'kundeservice@shop.test';

// A host page's CSS at its most careless: every element, !important, and the widget's own tag by name.
const AGGRESSIVE_CSS = `
* { font-family: "Comic Sans MS", cursive !important; color: #f0f !important; background: #ff0 !important; font-size: 31px !important;
    line-height: 3 !important; letter-spacing: 4px !important; text-transform: uppercase !important; box-sizing: content-box !important;
    padding: 20px !important; margin: 9px !important; border: 5px dashed red !important; }
button { display: none !important; width: 1px !important; }
div, p, h2 { display: inline !important; }
sentral-chat { display: none !important; position: static !important; opacity: 0 !important; }
`;

type Offer = { offerId: string; contact: { id: string } };

/** The customer's side in a real browser: the widget on a shop served from another origin, against a real hub. */
describe('the web chat widget in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let shop: Server;
  let shopUrl: string;
  let agent: Socket;
  let offers: Offer[];
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpSink()]);
    await dovecot.addUser(MAILBOX);
    [hub, browser] = await Promise.all([startTestHub({ backend: 'postgres', env: { SECRETS_KEY: testSecretsKey, OUTBOUND_BACKOFF_MS: '100' } }), launchChromium(), ensureWidgetBuilt()]);
    const admin = await login(hub.url, 'admin@demo.test', 'admin');
    await addMailbox(hub.url, admin.token, { address: MAILBOX, dovecot, smtp });
    // The shop: another host name and port than the hub, so the widget runs cross-origin as on a real site.
    shop = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://shop');
      const language = url.searchParams.get('data-language');
      const css = url.searchParams.get('css') === 'aggressive' ? AGGRESSIVE_CSS : 'body { font-family: Georgia, serif; }';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="${url.searchParams.get('lang') ?? 'nb'}"><head><meta charset="utf-8"><title>Butikk</title><style>${css}</style></head>
<body><h1>Fjellsport</h1><p>Varer og tilbud</p><div class="card"><button>Kjøp</button></div>
<script src="${hub.url}/widget.js" data-queue="support"${language ? ` data-language="${language}"` : ''} async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`;
    agent = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
    offers = record<Offer>(agent, 'contact:offer');
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    agent?.close();
    await browser?.close();
    await new Promise((resolve) => shop?.close(resolve));
    await hub?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
  });

  async function openShop(query: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(`${shopUrl}/${query}`);
    return { context, page };
  }

  async function openChat(page: Page): Promise<void> {
    await page.locator('sentral-chat .l').click();
    await page.locator('sentral-chat .panel').waitFor({ state: 'visible' });
  }

  async function send(page: Page, text: string): Promise<void> {
    await page.locator('sentral-chat textarea#sentral-input').fill(text);
    await page.keyboard.press('Enter');
  }

  const messages = (page: Page) => page.locator('sentral-chat .log .msg').allTextContents();

  /** Accepts the offer of the conversation that sent `text` and returns its contact id. */
  async function acceptConversation(text: string): Promise<string> {
    const contact = await until(() => hub.database.db.contact.findFirst({ where: { messages: { some: { text } } }, select: { id: true } }));
    const offer = await until(async () => offers.find((o) => o.contact.id === contact.id));
    expect(await call(agent, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    return contact.id;
  }

  it('carries a conversation both ways from another origin, resumes it after a reload with nothing missing, and asks for the rating at the end', async () => {
    expect(await call(agent, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const { page } = await openShop('?data-language=nb');
    expect(await page.locator('sentral-chat .l').getAttribute('aria-label')).toBe('Åpne chat');
    await openChat(page);
    // Focus goes into the chat, and the log is announced to screen readers as it grows.
    expect(await page.evaluate(() => document.querySelector('sentral-chat')!.shadowRoot!.activeElement?.id)).toBe('sentral-input');
    expect(await page.locator('sentral-chat .log').getAttribute('aria-live')).toBe('polite');

    await send(page, 'Hei, hvor er pakken min?');
    const contactId = await acceptConversation('Hei, hvor er pakken min?');
    await page.locator('sentral-chat .status', { hasText: 'er med i samtalen' }).waitFor();

    // Typing both ways.
    const customerTyping = next<{ contactId: string; typing: boolean }>(agent, 'contact:typing', (p) => p.contactId === contactId && p.typing);
    await page.locator('sentral-chat textarea#sentral-input').pressSequentially('Ordre', { delay: 20 });
    await customerTyping;
    await page.locator('sentral-chat textarea#sentral-input').fill('');
    agent.emit('contact:typing', { contactId, typing: true });
    await page.locator('sentral-chat .typing', { hasText: 'skriver' }).waitFor();

    // A picture reaches the agent as a file; an executable dressed up as a PDF is refused by its bytes.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    const agentSeesFile = next<{ contactId: string; message: { text: string; attachments?: Array<{ filename: string; contentType: string; size: number }> } }>(
      agent,
      'contact:message',
      (p) => p.contactId === contactId && Boolean(p.message.attachments?.length),
    );
    await page.locator('sentral-chat #sentral-file').setInputFiles({ name: 'kvittering.png', mimeType: 'image/png', buffer: png });
    expect((await agentSeesFile).message.attachments).toEqual([expect.objectContaining({ filename: 'kvittering.png', contentType: 'image/png', size: png.length })]);
    await page.locator('sentral-chat #sentral-file').setInputFiles({ name: 'faktura.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf at all') });
    await page.locator('sentral-chat .msg.system', { hasText: 'Bare bilder og PDF kan legges ved.' }).waitFor();
    expect(await hub.database.db.attachment.count({ where: { contactId } })).toBe(1);

    // Hostile text from an agent is shown as text and never runs.
    const hostile = `Se her <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">lenke</a>`;
    expect(await call(agent, 'contact:send', { contactId, text: hostile })).toMatchObject({ ok: true });
    expect(await call(agent, 'contact:send', { contactId, text: 'Pakken kommer torsdag.' })).toMatchObject({ ok: true });
    await page.locator('sentral-chat .msg.agent', { hasText: 'Pakken kommer torsdag.' }).waitFor();
    expect(await page.locator('sentral-chat .msg.agent', { hasText: '<img src=x' }).count()).toBe(1);
    expect(await page.locator('sentral-chat .log img, sentral-chat .log script, sentral-chat .log a').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // A bot's buttons and links, pushed through the hub's own /chat namespace as the chat connector does:
    // labels are text, a javascript: link is dropped, and a tapped button sends its option id.
    hub.app.io.of('/chat').to(`contact:${contactId}`).emit('message', {
      from: 'bot',
      text: 'Velg <b>ett</b> av disse:',
      at: new Date().toISOString(),
      options: [{ id: 'talk-to-person', label: '<img src=x onerror="window.__pwned=4">Snakke med en person' }],
      links: [{ title: 'Levering', url: 'https://shop.test/hjelp/levering' }, { title: 'Farlig', url: 'javascript:window.__pwned=5' }],
    });
    const botMessage = page.locator('sentral-chat .msg.bot', { hasText: 'Velg <b>ett</b> av disse:' });
    await botMessage.waitFor();
    expect(await botMessage.locator('a').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([['Levering', 'https://shop.test/hjelp/levering']]);
    const agentSeesOption = next<{ contactId: string; message: { text: string } }>(agent, 'contact:message', (p) => p.contactId === contactId);
    await botMessage.locator('.options button').click();
    expect((await agentSeesOption).message.text).toBe('<img src=x onerror="window.__pwned=4">Snakke med en person');
    const tapped = await hub.database.db.message.findFirstOrThrow({ where: { contactId, text: { startsWith: '<img src=x onerror="window.__pwned=4">' } } });
    expect(tapped.meta).toMatchObject({ optionId: 'talk-to-person' });
    expect(await page.locator('sentral-chat .log img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // While the page is gone, the agent writes twice; after the reload both are there, once each, in order.
    await page.goto('about:blank');
    await call(agent, 'contact:send', { contactId, text: 'Er du der fortsatt?' });
    await call(agent, 'contact:send', { contactId, text: 'Sporingsnummeret er 70701234.' });
    await page.goto(`${shopUrl}/?data-language=nb`);
    await page.locator('sentral-chat .msg.agent', { hasText: 'Sporingsnummeret er 70701234.' }).waitFor();
    const stored = await hub.database.db.message.findMany({ where: { contactId }, orderBy: { seq: 'asc' }, select: { text: true } });
    const shown = (await messages(page)).map((text) => text.replace(/^(Du|Rådgiver|[^:]+): /, ''));
    expect(shown).toEqual(stored.map((m) => m.text));

    // A second tab of the same visitor continues the same conversation.
    const tab = await page.context().newPage();
    tab.setDefaultTimeout(WAIT);
    await tab.goto(`${shopUrl}/?data-language=nb`);
    await openChat(tab);
    await tab.locator('sentral-chat .msg.agent', { hasText: 'Sporingsnummeret er 70701234.' }).waitFor();
    await send(tab, 'Takk, da venter jeg.');
    await until(async () => (await hub.database.db.message.count({ where: { contactId, text: 'Takk, da venter jeg.' } })) === 1);
    await tab.close();

    // The end: the rating comes, and the score is stored for this conversation.
    expect(await call(agent, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
    await page.locator('sentral-chat .status', { hasText: 'Samtalen er avsluttet.' }).waitFor();
    await page.locator('sentral-chat .scale button', { hasText: '9' }).click();
    await page.locator('sentral-chat .rating', { hasText: 'Takk for tilbakemeldingen!' }).waitFor();
    const rating = await until(() => hub.database.db.contactRating.findUnique({ where: { contactId } }));
    expect(rating.score).toBe(9);
  });

  it('speaks Danish from data-language and English from the page language, never guessing from the text', async () => {
    expect(await call(agent, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const danish = (await openShop('?data-language=da&lang=nb')).page;
    const english = (await openShop('?lang=en')).page;
    expect(await danish.locator('sentral-chat .l').getAttribute('aria-label')).toBe('Åbn chat');
    expect(await english.locator('sentral-chat .l').getAttribute('aria-label')).toBe('Open chat');
    await openChat(danish);
    await openChat(english);
    await danish.locator('sentral-chat .msg.system', { hasText: 'Hej! Hvad kan vi hjælpe dig med?' }).waitFor();
    await english.locator('sentral-chat .msg.system', { hasText: 'Hi! How can we help you?' }).waitFor();

    // Norwegian-looking text in the Danish widget stays a Danish conversation.
    await send(danish, 'Hvor er pakken min?');
    await send(english, 'Where is my parcel?');
    const danishId = await acceptConversation('Hvor er pakken min?');
    const englishId = await acceptConversation('Where is my parcel?');
    await danish.locator('sentral-chat .status', { hasText: 'deltager i samtalen' }).waitFor();
    await english.locator('sentral-chat .status', { hasText: 'joined' }).waitFor();
    const { db } = hub.database;
    expect((await db.contact.findUniqueOrThrow({ where: { id: danishId } })).language).toBe('da');
    expect((await db.contact.findUniqueOrThrow({ where: { id: englishId } })).language).toBe('en');
    await call(agent, 'contact:end', { contactId: danishId, disposition: 'resolved' });
    await call(agent, 'contact:end', { contactId: englishId, disposition: 'resolved' });
    await danish.locator('sentral-chat .status', { hasText: 'Samtalen er afsluttet.' }).waitFor();
    await english.locator('sentral-chat .status', { hasText: 'The conversation has ended.' }).waitFor();
    await english.locator('sentral-chat .rating', { hasText: 'How satisfied are you?' }).waitFor();
  });

  it('looks the same on a page with aggressive CSS as on a plain one, on a desktop and on a phone', async () => {
    const properties = ['display', 'position', 'font-family', 'font-size', 'color', 'background-color', 'line-height', 'letter-spacing', 'text-transform', 'padding-top', 'margin-top', 'border-top-width', 'width', 'height', 'opacity', 'box-sizing'];
    const styleOf = (page: Page) =>
      page.evaluate((names) => {
        const host = document.querySelector('sentral-chat')!;
        const root = host.shadowRoot!;
        const pick = (element: Element | null) => {
          if (!element) return null;
          const computed = getComputedStyle(element);
          return Object.fromEntries(names.map((name) => [name, computed.getPropertyValue(name)]));
        };
        return {
          host: pick(host),
          launcher: pick(root.querySelector('.l')),
          panel: pick(root.querySelector('.panel')),
          title: pick(root.querySelector('.head h2')),
          message: pick(root.querySelector('.msg')),
          input: pick(root.querySelector('textarea')),
          send: pick(root.querySelector('.composer button')),
        };
      }, properties);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const plain = (await openShop('?data-language=nb', viewport)).page;
      const hostile = (await openShop('?data-language=nb&css=aggressive', viewport)).page;
      await openChat(plain);
      await openChat(hostile);
      // Both panels have drawn their first message before they are compared.
      await Promise.all([plain, hostile].map((page) => page.locator('sentral-chat .log .msg').first().waitFor()));
      const [expected, actual] = [await styleOf(plain), await styleOf(hostile)];
      expect(expected.panel).not.toBeNull();
      expect(actual).toEqual(expected);
      expect(expected.launcher!['display']).toBe('flex');
      if (viewport.width < 480) {
        // On a phone the panel takes the whole screen.
        const box = await hostile.locator('sentral-chat .panel').boundingBox();
        expect(box).toMatchObject({ x: 0, width: viewport.width });
      }
      // Escape closes the panel and gives the focus back to the launcher.
      await hostile.keyboard.press('Escape');
      await hostile.locator('sentral-chat .panel').waitFor({ state: 'hidden' });
      expect(await hostile.evaluate(() => document.querySelector('sentral-chat')!.shadowRoot!.activeElement?.className)).toBe('l');
    }
  });

  it('offers the message form when nobody can answer; the message becomes a routed email contact and the customer gets a confirmation', async () => {
    expect(await call(agent, 'agent:state', { state: 'offline' })).toMatchObject({ ok: true });
    const { page } = await openShop('?data-language=nb');
    await openChat(page);
    await page.locator('sentral-chat .offline', { hasText: 'Ingen rådgivere er tilgjengelige nå' }).waitFor();
    await page.locator('sentral-chat #sentral-name').fill('Ola Nordmann');
    await page.locator('sentral-chat #sentral-email').fill('ola.nordmann@kunde.test');
    await page.locator('sentral-chat #sentral-message').fill('Jeg vil bytte jakken i en større størrelse.');
    await page.locator('sentral-chat .offline button[type=submit]').click();
    await page.locator('sentral-chat .sent', { hasText: 'Meldingen er sendt' }).waitFor();

    const { db } = hub.database;
    const contact = await db.contact.findFirstOrThrow({ where: { channel: 'email', fromAddress: 'ola.nordmann@kunde.test' }, include: { messages: { orderBy: { seq: 'asc' } } } });
    expect(contact.messages[0]!.text).toContain('Jeg vil bytte jakken i en større størrelse.');
    expect(contact.language).toBe('nb');
    // Routed like any email: identified and put in line.
    await until(async () => ['queued', 'offered'].includes((await db.contact.findUniqueOrThrow({ where: { id: contact.id } })).status));
    const confirmation = await smtp.waitFor((mail) => mail.envelopeTo.includes('ola.nordmann@kunde.test'), WAIT);
    expect(confirmation.parsed.text).toContain('Takk for henvendelsen!');
    expect(confirmation.header('auto-submitted')).toBe('auto-replied');
  });
});

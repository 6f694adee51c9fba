import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AcceptedContact, ContactOffer } from '@sentral/contract';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, record, until } from '../support/sockets.ts';
import { createQueueBackend, contactJobs, queueNames, type ContactJobData, type QueueBackend } from '@sentral/queues';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startCuttableProxy } from '../support/proxy.ts';
import { ensureWebAgentBuilt, launchChromium, screenshotPath } from '../support/web.ts';

const WAIT = 15_000;

/** The agent desktop in a real browser, against a real hub: what an agent sees and does all day. */
describe('the agent desktop in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let jobs: QueueBackend;
  const contexts: BrowserContext[] = [];
  const chats: Socket[] = [];

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser] = await Promise.all([startTestHub({ backend: 'postgres' }), launchChromium()]);
    jobs = createQueueBackend({ kind: 'postgres', databaseUrl: hub.database.url, schema: `${hub.prefix}_jobs` });
  });

  afterAll(async () => {
    for (const chat of chats) chat.close();
    await browser?.close();
    await jobs?.close();
    await hub?.stop();
  });

  // Every test starts from an empty desk: a test that stopped half-way leaves no tab, offer or
  // wrap-up behind for the next one to trip over.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    const { token } = await login(hub.url, 'agent@demo.test', 'agent');
    const response = await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const desk = (await response.json()) as { contacts: AcceptedContact[]; offers: ContactOffer[]; wrapUps: AcceptedContact[] };
    if (desk.contacts.length + desk.offers.length + desk.wrapUps.length === 0) return;
    const socket = await connect(hub.url, '/agent', { token });
    try {
      for (const offer of desk.offers) await call(socket, 'offer:reject', { offerId: offer.offerId });
      for (const contact of desk.contacts) await call(socket, 'contact:end', { contactId: contact.id, disposition: 'resolved' });
      for (const contact of desk.wrapUps) await call(socket, 'contact:wrap-up', { contactId: contact.id, disposition: 'resolved' });
    } finally {
      socket.close();
    }
  });

  async function openDesktop(baseUrl = hub.url): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(baseUrl);
    return page;
  }

  async function signIn(page: Page): Promise<void> {
    await page.getByLabel('E-post').fill('agent@demo.test');
    await page.getByLabel('Passord').fill('agent');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.locator('[data-testid="connection"].connection-online').waitFor();
  }

  async function becomeAvailable(page: Page): Promise<void> {
    await page.locator('.state-available').click();
    await page.locator('.state-available[aria-pressed="true"]').waitFor();
  }

  async function chatFrom(auth: Record<string, unknown>): Promise<Socket> {
    const chat = await connect(hub.url, '/chat', auth);
    chats.push(chat);
    return chat;
  }

  /**
   * Sends a contact stored the way the email, fax and voice channels store theirs through the rest
   * of the pipeline (identify, route, offer), exactly as the intake does after storing it.
   */
  async function route(contactId: string): Promise<void> {
    const producer = jobs.producer<ContactJobData>(queueNames.contacts);
    try {
      await producer.add(contactJobs.identify.name, { contactId }, { jobId: contactJobs.identify.jobId(contactId) });
    } finally {
      await producer.close();
    }
  }

  async function seededCustomer() {
    const row = await hub.database.db.customer.findFirstOrThrow({
      where: { orders: { some: { status: { in: ['received', 'picking', 'shipped'] } } }, identities: { some: { kind: 'email' } }, contacts: { none: {} } },
      include: { identities: { where: { kind: 'email' } }, orders: { where: { status: { in: ['received', 'picking', 'shipped'] } } } },
    });
    return { id: row.id, name: row.name, segment: row.segment, email: row.identities[0]!.value, orderNumbers: row.orders.map((order) => order.number) };
  }

  it('is served by the hub at / with an index that is always revalidated and assets cached for good', async () => {
    const index = await fetch(`${hub.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${hub.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('pops a seeded chat customer, carries messages both ways, wraps up and shows the contact in the history', async () => {
    const customer = await seededCustomer();
    const page = await openDesktop();
    await signIn(page);
    await becomeAvailable(page);

    const chat = await chatFrom({ name: 'Kari', email: customer.email, language: 'nb' });
    const fromAgent = record<{ from: string; text: string }>(chat, 'message');
    const sentAt = Date.now();
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Hei, hvor er pakken min?' });
    expect(sent.ok).toBe(true);

    const pop = page.getByTestId('screen-pop');
    await pop.waitFor();
    const popLatencyMs = Date.now() - sentAt;
    await expect.poll(() => pop.getByTestId('customer-name').textContent()).toBe(customer.name);
    expect(await pop.locator('.segment').first().textContent()).toBe(customer.segment);
    const orders = await pop.getByTestId('open-orders').textContent();
    expect(customer.orderNumbers.some((number) => orders?.includes(number))).toBe(true);
    await page.screenshot({ path: await screenshotPath('screen-pop') });

    await pop.getByRole('button', { name: /Godta/ }).click();
    const workspace = page.getByTestId('workspace');
    await workspace.getByText('Hei, hvor er pakken min?').waitFor();
    await page.getByTestId('customer-panel').getByTestId('customer-name').getByText(customer.name).waitFor();

    await page.getByLabel('Melding til kunden').fill('Den er sendt og kommer torsdag.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await until(async () => fromAgent.some((message) => message.from === 'agent' && message.text === 'Den er sendt og kommer torsdag.'));
    chat.emit('typing', { typing: true });
    await workspace.getByText(`${customer.name} skriver…`).waitFor();
    await call(chat, 'message', { text: 'Supert, takk!' });
    await workspace.getByText('Supert, takk!').waitFor();
    expect(await workspace.locator('.typing').textContent()).toBe('');
    await workspace.locator('.message.from-agent').getByText('Den er sendt og kommer torsdag.').waitFor();
    await page.screenshot({ path: await screenshotPath('chat-workspace') });

    const ended = next(chat, 'ended');
    await workspace.getByRole('button', { name: /Avslutt/ }).click();
    await ended;
    await page.getByRole('radio', { name: 'Løst' }).check();
    await page.getByLabel('Notater').fill('Levering torsdag, sporing sendt');
    await page.screenshot({ path: await screenshotPath('wrap-up') });
    await page.getByRole('button', { name: 'Lagre og lukk' }).click();
    await page.getByTestId('workspace').waitFor({ state: 'detached' });

    const customerFetches: string[] = [];
    page.on('request', (request) => request.url().endsWith(`/api/customers/${customer.id}`) && customerFetches.push(request.url()));
    await page.evaluate((id) => (window.location.hash = `#/customer/${id}`), customer.id);
    const row = page.getByTestId('customer-history').locator(`tr[data-contact-id="${sent.contactId}"]`);
    await expect.poll(() => row.textContent()).toContain('Løst');
    expect(await row.textContent()).toContain('Levering torsdag, sporing sendt');
    await page.screenshot({ path: await screenshotPath('customer-page') });
    // The page is fetched when opened (and once more if a refresh was already running), not polled.
    await page.waitForTimeout(1_000);
    expect(customerFetches.length).toBeLessThanOrEqual(2);
    const stored = await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId } });
    expect(stored).toMatchObject({ status: 'ended', disposition: 'resolved', customerId: customer.id });
    console.info(`screen pop shown in the browser ${popLatencyMs} ms after the chat message was sent`);
  });

  it('shows chat and email content carrying script payloads as text or sanitised HTML, and runs none of it', async () => {
    const payload = '<script>window.__pwned="script"</script><img src=x onerror="window.__pwned=\'img\';alert(1)"><svg onload="window.__pwned=\'svg\'"></svg>';
    const page = await openDesktop();
    const dialogs: string[] = [];
    const suspicious: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      // Article suggestions search the customer's text as it stands: that request carries the payload as data.
      if (/\/x$|pwned/.test(request.url()) && !new URL(request.url()).pathname.startsWith('/api/kb/search')) suspicious.push(request.url());
    });
    await signIn(page);
    await becomeAvailable(page);

    const chat = await chatFrom({ name: '<img src=x onerror="window.__pwned=\'name\'">' });
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: payload });
    await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
    const workspace = page.getByTestId('workspace');
    await workspace.locator('.message.from-customer .message-body').first().waitFor();
    expect(await workspace.locator('.message.from-customer .message-body').first().textContent()).toBe(payload);
    expect(await workspace.locator('h2').first().textContent()).toContain('<img src=x');
    await call(chat, 'message', { text: '<a href="javascript:window.__pwned=\'link\'">klikk</a>' });
    await workspace.getByText('<a href="javascript:', { exact: false }).waitFor();
    await workspace.getByRole('button', { name: /Avslutt/ }).click();
    await page.getByRole('radio', { name: 'Klage' }).check();
    await page.getByRole('button', { name: 'Lagre og lukk' }).click();
    await page.getByTestId('workspace').waitFor({ state: 'detached' });
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId } })).disposition).toBe('complaint');

    // An email as the email channel stores it: HTML body next to a text body, a subject with markup.
    const customer = await seededCustomer();
    const subject = '<script>window.__pwned="subject"</script>Faktura';
    const html = `<p>Hei!</p>${payload}<a href="javascript:window.__pwned='href'">klikk</a><iframe srcdoc="<script>parent.__pwned='frame'</script>"></iframe><p>Hilsen kunden</p>`;
    const email = await hub.database.db.contact.create({
      data: {
        channel: 'email',
        externalId: `<xss-${sent.contactId}@example.test>`,
        queueId: 'billing',
        subject,
        fromAddress: customer.email,
        messageCount: 1,
        attributes: { displayName: '<b onmouseover="window.__pwned=\'display\'">Kunde</b>' },
        messages: { create: { seq: 1, author: 'customer', text: `Hei!\n${payload}\nHilsen kunden`, html } },
      },
    });
    await route(email.id);
    await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
    await page.getByTestId('mail-subject').waitFor();
    expect(await page.getByTestId('mail-subject').textContent()).toBe(subject);
    await page.getByText('Hilsen kunden', { exact: false }).or(page.locator('iframe.mail-frame')).first().waitFor();
    await page.screenshot({ path: await screenshotPath('email-workspace') });

    const frames = await page.locator('iframe').evaluateAll((elements) =>
      elements.map((frame) => ({ sandbox: frame.getAttribute('sandbox'), srcdoc: frame.getAttribute('srcdoc') ?? '' })),
    );
    for (const frame of frames) {
      expect(frame.sandbox).not.toBeNull();
      expect(frame.sandbox).not.toMatch(/allow-scripts|allow-same-origin/);
      expect(frame.srcdoc).not.toMatch(/<script|onerror|onload|javascript:|<iframe/i);
      expect(frame.srcdoc).toContain('Hilsen kunden');
    }
    // Whichever way the body is shown, the markup never became live elements of the desktop.
    const live = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
      handlers: document.querySelectorAll('#root [onerror], #root [onload], #root [onmouseover]').length,
      scripts: document.querySelectorAll('#root script').length,
      javascriptLinks: document.querySelectorAll('#root a[href^="javascript:"]').length,
    }));
    expect(live).toEqual({ pwned: null, handlers: 0, scripts: 0, javascriptLinks: 0 });
    for (const frame of page.frames()) {
      const marker = await frame.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null).catch(() => null);
      expect(marker).toBeNull();
    }
    expect(dialogs).toEqual([]);
    expect(suspicious).toEqual([]);

    await page.getByTestId('workspace').getByRole('button', { name: /Avslutt/ }).click();
    await page.getByRole('radio', { name: 'Løst' }).check();
    await page.getByRole('button', { name: 'Lagre og lukk' }).click();
    await page.getByTestId('workspace').waitFor({ state: 'detached' });
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: email.id } })).disposition).toBe('resolved');
  });

  it('lights up the fax and voice workspaces with what their contacts carry, IVR journey included', async () => {
    const page = await openDesktop();
    await signIn(page);
    await becomeAvailable(page);
    const db = hub.database.db;

    const onePixelPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const fax = await db.contact.create({
      data: { channel: 'fax', externalId: `fax-${Date.now()}`, queueId: 'support', fromAddress: '+4722334455', messageCount: 1 },
    });
    const faxMessage = await db.message.create({ data: { contactId: fax.id, seq: 1, author: 'customer', text: 'Faks mottatt: 2 sider' } });
    await db.attachment.createMany({
      data: [
        { contactId: fax.id, messageId: faxMessage.id, kind: 'file', filename: 'bestilling.pdf', contentType: 'application/pdf', size: pdf.length, sha256: 'pdf', pages: 2, content: pdf },
        { contactId: fax.id, messageId: faxMessage.id, kind: 'thumbnail', filename: 'side-1.png', contentType: 'image/png', size: onePixelPng.length, sha256: 'png', content: onePixelPng },
      ],
    });
    await route(fax.id);
    const pop = page.getByTestId('screen-pop');
    await pop.waitFor();
    expect(await pop.locator('h2').textContent()).toContain('faks');
    await pop.getByRole('button', { name: /Godta/ }).click();
    const workspace = page.getByTestId('workspace');
    await workspace.getByText('Faks mottatt: 2 sider').first().waitFor();
    await workspace.getByRole('button', { name: /Åpne som PDF: bestilling.pdf/ }).waitFor();
    // The page thumbnail needs the agent's token: it is fetched and shown from a local object URL.
    await expect.poll(() => workspace.locator('img.fax-thumb').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await page.screenshot({ path: await screenshotPath('fax-workspace') });
    await workspace.getByRole('button', { name: /Avslutt/ }).click();
    await page.getByRole('radio', { name: 'Oppfølging' }).check();
    await page.getByRole('button', { name: 'Lagre og lukk' }).click();
    await page.getByTestId('workspace').waitFor({ state: 'detached' });

    const customer = await seededCustomer();
    const journey = [
      { at: new Date(Date.now() - 60_000).toISOString(), step: 'Hovedmeny', result: 'Valgte 2: levering' },
      { at: new Date(Date.now() - 40_000).toISOString(), step: 'Ordrestatus', result: `Hørte status for ${customer.orderNumbers[0]}` },
    ];
    const call = await db.contact.create({
      data: {
        channel: 'voice',
        externalId: `CA${Date.now()}`,
        queueId: 'support',
        fromAddress: '+4791234567',
        // The IVR verified the caller (PIN): the channel's own identification, as the voice channel stores it.
        attributes: { identified: { customerId: customer.id, method: 'verified', confidence: 1 } },
        journey,
      },
    });
    await route(call.id);
    await pop.waitFor();
    await pop.getByText('Hovedmeny').waitFor();
    expect(await pop.textContent()).toContain(`Hørte status for ${customer.orderNumbers[0]}`);
    expect(await pop.locator('.badge.verified').textContent()).toContain('Verifisert');
    await page.screenshot({ path: await screenshotPath('voice-pop') });
    await pop.getByRole('button', { name: /Godta/ }).click();
    await workspace.getByText('+4791234567').waitFor();
    await workspace.getByText(/Telefoni er ikke satt opp|Kobler samtalen/).waitFor();
    await workspace.getByRole('button', { name: 'Legg på' }).click();
    await page.getByRole('radio', { name: 'Løst' }).check();
    await page.getByRole('button', { name: 'Lagre og lukk' }).click();
    await page.getByTestId('workspace').waitFor({ state: 'detached' });
    expect(await db.contact.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ status: 'ended', disposition: 'resolved' });
    expect(await db.contact.findUniqueOrThrow({ where: { id: fax.id } })).toMatchObject({ status: 'ended', disposition: 'follow-up' });
  });

  it('links an unknown chat to the customer the agent finds, and speaks Danish when asked', async () => {
    const customer = await seededCustomer();
    const page = await openDesktop();
    await signIn(page);
    await becomeAvailable(page);
    const chat = await chatFrom({ name: 'Ukjent besøkende' });
    const sent = await call<{ contactId: string }>(chat, 'message', { text: 'Hei, jeg glemte å skrive e-posten min' });
    await page.getByTestId('screen-pop').getByText('Ukjent kunde').waitFor();
    // A busy machine paints late: the desktop's move of focus to the reply box, two frames after the
    // accept, then comes after the agent has already clicked into the customer search.
    await page.evaluate(() => {
      const original = window.requestAnimationFrame.bind(window);
      (window as unknown as { __restoreFrames: () => void }).__restoreFrames = () => (window.requestAnimationFrame = original);
      window.requestAnimationFrame = (callback) => window.setTimeout(() => callback(performance.now()), 400);
    });
    await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
    const panel = page.getByTestId('customer-panel');
    await panel.getByRole('searchbox').fill(customer.email);
    await page.waitForTimeout(1_200);
    expect(await panel.getByRole('searchbox').evaluate((box) => box === document.activeElement)).toBe(true);
    expect(await panel.getByRole('searchbox').inputValue()).toBe(customer.email);
    await page.evaluate(() => (window as unknown as { __restoreFrames: () => void }).__restoreFrames());
    await panel.getByRole('button', { name: 'Søk' }).click();
    // Whatever the search shows (matches, none, an error) is in the failure message if it is not the customer.
    const outcome = panel.locator('ul.matches, .link-customer p.muted.small, .link-customer [role="alert"]').first();
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain(customer.name);
    await panel.getByRole('listitem').filter({ hasText: customer.name }).getByRole('button', { name: 'Koble' }).click();
    await panel.getByTestId('customer-name').getByText(customer.name).waitFor();
    await panel.getByTestId('open-orders').waitFor();
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId } })).customerId).toBe(customer.id);

    await page.getByRole('combobox', { name: 'Språk' }).selectOption('da');
    await page.locator('.state-available').getByText('Ledig').waitFor();
    await page.screenshot({ path: await screenshotPath('workspace-danish') });
    await page.getByTestId('workspace').getByRole('button', { name: /Afslut/ }).click();
    await page.getByRole('radio', { name: 'Salg' }).check();
    await page.getByRole('button', { name: 'Gem og luk' }).click();
    await page.getByTestId('workspace').waitFor({ state: 'detached' });
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId } })).disposition).toBe('sale');
  });

  it('transfers a chat to a colleague with a note that reaches their screen pop', async () => {
    const page = await openDesktop();
    await signIn(page);
    await becomeAvailable(page);
    const colleague = await login(hub.url, 'supervisor@demo.test', 'supervisor');
    const colleagueSocket = await connect(hub.url, '/agent', { token: colleague.token });
    try {
      const chat = await chatFrom({ name: 'Tor Transfer' });
      const sent = await call<{ contactId: string }>(chat, 'message', { text: 'Jeg vil endre fakturaadressen' });
      await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
      await page.getByTestId('workspace').getByText('Jeg vil endre fakturaadressen').waitFor();

      await page.keyboard.press('Alt+Shift+KeyT');
      const dialog = page.getByTestId('transfer-dialog');
      await dialog.getByRole('radio', { name: 'Til en kollega' }).check();
      await dialog.getByLabel('Kollega', { exact: true }).selectOption({ label: 'Demo Supervisor (Frakoblet)' });
      await dialog.getByLabel('Notat til neste agent').fill('Vil endre fakturaadresse, er verifisert');
      await page.screenshot({ path: await screenshotPath('transfer') });
      const offered = next<ContactOffer>(colleagueSocket, 'contact:offer', (offer) => offer.contact.id === sent.contactId);
      expect(await call(colleagueSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
      await dialog.getByRole('button', { name: 'Overfør' }).click();
      await page.getByTestId('workspace').waitFor({ state: 'detached' });
      await page.getByText('Samtalen er overført.').waitFor();

      const offer = await offered;
      expect(offer.screenPop.transfers?.at(-1)).toMatchObject({ note: 'Vil endre fakturaadresse, er verifisert', from: { name: 'Demo Agent' } });
      expect(await call(colleagueSocket, 'offer:reject', { offerId: offer.offerId })).toMatchObject({ ok: true });
      await call(chat, 'end', {});
    } finally {
      await call(colleagueSocket, 'agent:state', { state: 'offline' });
      colleagueSocket.close();
    }
  });

  it('recovers after the connection is cut and shows the same open contacts, with what arrived meanwhile', async () => {
    const proxy = await startCuttableProxy(hub.url);
    try {
      const page = await openDesktop(proxy.url);
      await signIn(page);
      await becomeAvailable(page);
      const first = await chatFrom({ name: 'Astrid Avbrudd' });
      const second = await chatFrom({ name: 'Bjørn Brudd' });
      const one = await call<{ contactId: string }>(first, 'message', { text: 'Første samtale' });
      await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
      await page.getByTestId('workspace').getByText('Første samtale').waitFor();
      const two = await call<{ contactId: string }>(second, 'message', { text: 'Andre samtale' });
      await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
      await page.getByTestId('workspace').getByText('Andre samtale').waitFor();
      expect(await page.getByTestId('contact-tab').allTextContents()).toEqual([expect.stringContaining('Astrid Avbrudd'), expect.stringContaining('Bjørn Brudd')]);

      await proxy.cut();
      await page.locator('[data-testid="connection"].connection-reconnecting').waitFor();
      // Written while the agent is cut off: stored by the hub, shown once the desktop is back.
      await call(first, 'message', { text: 'Er du der fortsatt?' });
      await page.screenshot({ path: await screenshotPath('reconnecting') });
      await proxy.restore();

      await page.locator('[data-testid="connection"].connection-online').waitFor({ timeout: 30_000 });
      await page.getByText('Forbindelsen er tilbake', { exact: false }).waitFor();
      expect(await page.getByTestId('contact-tab').allTextContents()).toEqual([expect.stringContaining('Astrid Avbrudd'), expect.stringContaining('Bjørn Brudd')]);
      await page.getByTestId('contact-tab').first().click();
      await page.getByTestId('workspace').getByText('Er du der fortsatt?').waitFor();
      await page.getByTestId('workspace').getByText('Første samtale').waitFor();

      // A reload is a reconnect too: the same tabs come back from the hub.
      await page.reload();
      await page.locator('[data-testid="connection"].connection-online').waitFor();
      expect(await page.getByTestId('contact-tab').count()).toBe(2);

      for (const contactId of [one.contactId, two.contactId]) {
        await page.locator(`[data-testid="contact-tab"][id="tab-${contactId}"]`).click();
        await page.getByTestId('workspace').getByRole('button', { name: /Avslutt/ }).click();
        await page.getByRole('radio', { name: 'Løst' }).check();
        await page.getByRole('button', { name: 'Lagre og lukk' }).click();
        await page.locator(`[id="tab-${contactId}"]`).waitFor({ state: 'detached' });
      }
    } finally {
      await proxy.close();
    }
  });

  it('accepts, replies to and ends a chat with the keyboard alone', async () => {
    const page = await openDesktop();
    await page.getByLabel('E-post').focus();
    await page.keyboard.type('agent@demo.test');
    await page.keyboard.press('Tab');
    await page.keyboard.type('agent');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="connection"].connection-online').waitFor();
    for (let presses = 0; presses < 10; presses++) {
      if (await page.evaluate(() => document.activeElement?.classList.contains('state-available') ?? false)) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.locator('.state-available[aria-pressed="true"]').waitFor();

    const chat = await chatFrom({ name: 'Tone Tastatur' });
    const replies = record<{ from: string; text: string }>(chat, 'message');
    const sent = await call<{ contactId: string }>(chat, 'message', { text: 'Kan jeg få hjelp?' });
    await page.getByTestId('screen-pop').waitFor();
    await page.keyboard.press('Alt+Shift+KeyA');
    await page.getByTestId('workspace').getByText('Kan jeg få hjelp?').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Melding til kunden');

    await page.keyboard.type('Selvsagt, hva gjelder det?');
    await page.keyboard.press('Enter');
    await until(async () => replies.some((message) => message.from === 'agent' && message.text === 'Selvsagt, hva gjelder det?'));

    const ended = next(chat, 'ended');
    await page.keyboard.press('Alt+Shift+KeyE');
    await ended;
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('radio');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Kunden fikk svar');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('workspace').waitFor({ state: 'detached' });
    const stored = await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId } });
    expect(stored).toMatchObject({ status: 'ended', disposition: 'follow-up', notes: 'Kunden fikk svar' });

    // Looking a customer up works from the keyboard too.
    const customer = await seededCustomer();
    await page.keyboard.press('Alt+Shift+KeyK');
    await page.getByTestId('customer-lookup').getByRole('searchbox').waitFor();
    await page.keyboard.type(customer.email);
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-lookup').getByRole('button', { name: 'Åpne' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: customer.name }).waitFor();

    // Signing out takes the agent out of routing.
    await page.getByRole('button', { name: 'Logg ut' }).click();
    await page.getByRole('button', { name: 'Logg inn' }).waitFor();
    await expect.poll(async () => (await hub.database.db.agent.findUniqueOrThrow({ where: { email: 'agent@demo.test' } })).state).toBe('offline');
  });
});

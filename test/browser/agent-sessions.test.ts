import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AcceptedContact, ContactOffer } from '@sentral/contract';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from '../support/sockets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { ensureWebAgentBuilt, launchChromium, screenshotPath } from '../support/web.ts';

const WAIT = 15_000;

/** One agent signed in twice (two tabs, or the desk and a script): every session shows the same desk. */
describe('one agent in two browser tabs', () => {
  let hub: TestHub;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const chats: Socket[] = [];

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser] = await Promise.all([startTestHub({ backend: 'postgres' }), launchChromium()]);
  });

  afterAll(async () => {
    for (const chat of chats) chat.close();
    await browser?.close();
    await hub?.stop();
  });

  // Every test leaves an empty desk behind, whatever it stopped at.
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

  /** Two tabs of one browser; the sign-in lives per tab, so each signs in. */
  async function twoTabs(): Promise<[Page, Page]> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
    contexts.push(context);
    const pages: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT);
      await page.goto(hub.url);
      await page.getByLabel('E-post').fill('agent@demo.test');
      await page.getByLabel('Passord').fill('agent');
      await page.getByRole('button', { name: 'Logg inn' }).click();
      await page.locator('[data-testid="connection"].connection-online').waitFor();
      pages.push(page);
    }
    return pages as [Page, Page];
  }

  async function chatFrom(name: string, text: string): Promise<{ socket: Socket; contactId: string }> {
    const socket = await connect(hub.url, '/chat', { name, language: 'nb' });
    chats.push(socket);
    const sent = await call<{ ok: boolean; contactId: string }>(socket, 'message', { text });
    expect(sent.ok).toBe(true);
    return { socket, contactId: sent.contactId };
  }

  it('withdraws an offer accepted in one tab from the other, which opens the contact and follows it to the wrap-up', async () => {
    const [first, second] = await twoTabs();
    await first.locator('.state-available').click();
    // The state is the agent's, not the tab's: the other tab shows it too.
    await second.locator('.state-available[aria-pressed="true"]').waitFor();

    const chat = await chatFrom('Kari', 'Hei, jeg lurer på en ordre');
    await Promise.all([first.getByTestId('screen-pop').waitFor(), second.getByTestId('screen-pop').waitFor()]);

    await first.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
    await first.getByTestId('workspace').getByText('Hei, jeg lurer på en ordre').waitFor();
    // The other tab loses the offer at once and shows the accepted conversation, without a reload.
    await second.getByTestId('screen-pop').waitFor({ state: 'detached' });
    await second.locator(`#tab-${chat.contactId}`).waitFor();
    await second.getByTestId('workspace').getByText('Hei, jeg lurer på en ordre').waitFor();
    await second.screenshot({ path: await screenshotPath('second-tab-follows') });

    // A reply from one tab shows in both; the customer's answer too.
    await first.getByLabel('Melding til kunden').fill('Jeg ser på det nå.');
    await first.getByRole('button', { name: 'Send', exact: true }).click();
    await second.getByTestId('workspace').locator('.message.from-agent').getByText('Jeg ser på det nå.').waitFor();
    await call(chat.socket, 'message', { text: 'Takk!' });
    await Promise.all([first.getByTestId('workspace').getByText('Takk!').waitFor(), second.getByTestId('workspace').getByText('Takk!').waitFor()]);

    // Ended and wrapped up in one tab: the other moves to wrap-up, then closes the tab.
    const ended = next(chat.socket, 'ended');
    await first.getByTestId('workspace').getByRole('button', { name: /Avslutt/ }).click();
    await ended;
    await second.locator(`#tab-${chat.contactId}.tab-wrap-up`).waitFor();
    await first.getByRole('radio', { name: 'Løst' }).check();
    await first.getByRole('button', { name: 'Lagre og lukk' }).click();
    await Promise.all([first.locator(`#tab-${chat.contactId}`).waitFor({ state: 'detached' }), second.locator(`#tab-${chat.contactId}`).waitFor({ state: 'detached' })]);
    expect(await hub.database.db.contact.findUniqueOrThrow({ where: { id: chat.contactId }, select: { disposition: true } })).toEqual({ disposition: 'resolved' });
  });

  it('withdraws an offer rejected in one tab from the other, without a warning', async () => {
    const [first, second] = await twoTabs();
    await first.locator('.state-available').click();
    await second.locator('.state-available[aria-pressed="true"]').waitFor();
    const chat = await chatFrom('Ola', 'Et spørsmål om faktura');
    await Promise.all([first.getByTestId('screen-pop').waitFor(), second.getByTestId('screen-pop').waitFor()]);
    const offerId = await first.getByTestId('screen-pop').getAttribute('data-offer-id');
    expect(await second.getByTestId('screen-pop').getAttribute('data-offer-id')).toBe(offerId);

    await second.getByTestId('screen-pop').getByRole('button', { name: /Avvis/ }).click();
    await first.getByTestId('screen-pop').waitFor({ state: 'detached' });
    await second.getByTestId('screen-pop').waitFor({ state: 'detached' });
    expect(await first.locator('.notice.warning').count()).toBe(0);
    expect(await second.locator('.notice.warning').count()).toBe(0);
    // The only agent rejected it: it is never offered to them again in this plan, so it waits.
    await until(async () => (await hub.database.db.offer.findFirst({ where: { id: offerId!, status: 'rejected' } })) !== null);
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: chat.contactId }, select: { status: true } })).status).toBe('queued');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ContactOffer } from '@sentral/contract';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from '../support/sockets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { ensureWebAgentBuilt, launchChromium, screenshotPath } from '../support/web.ts';

const WAIT = 15_000;

/** The supervisor's wallboard in a real browser, fed live by a real hub. */
describe('the wallboard in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser] = await Promise.all([startTestHub({ backend: 'postgres' }), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await browser?.close();
    await hub?.stop();
  });

  const card = (queueId: string) => page.locator(`[data-queue="${queueId}"]`);

  it('updates live as a contact arrives, waits and is answered', async () => {
    await page.goto(hub.url);
    await page.getByLabel('E-post').fill('supervisor@demo.test');
    await page.getByLabel('Passord').fill('supervisor');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.locator('[data-testid="wallboard-connection"].wallboard-connection-online').waitFor();
    expect(page.url()).toContain('#/wallboard');
    await card('support').waitFor();
    await expect.poll(() => card('support').getByTestId('waiting').textContent(), { timeout: WAIT }).toBe('0');

    // A customer starts a chat while no agent is available: it waits, and the wallboard shows it.
    const chat = await connect(hub.url, '/chat', { name: 'Ingrid', language: 'nb' });
    sockets.push(chat);
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Hei! Når kommer pakken?' });
    const { queueId } = await until(() => hub.database.db.contact.findFirst({ where: { id: sent.contactId, status: 'queued' } }));
    await expect.poll(() => card(queueId).getByTestId('waiting').textContent(), { timeout: WAIT }).toBe('1');
    await page.locator(`[data-contact="${sent.contactId}"]`).waitFor();
    const answeredBefore = await card(queueId).getByTestId('answered').textContent();
    await expect.poll(async () => (await card(queueId).getByTestId('longest').textContent())?.match(/^0:0[1-9]|^0:[1-5]\d/) !== null, { timeout: WAIT }).toBe(true);
    await page.screenshot({ path: await screenshotPath('wallboard-waiting'), fullPage: true });

    // An agent comes online and answers: the queue empties and the agent shows as busy.
    const agent = await login(hub.url, 'agent@demo.test', 'agent');
    const desk = await connect(hub.url, '/agent', { token: agent.token });
    sockets.push(desk);
    const offered = next<ContactOffer>(desk, 'contact:offer', (offer) => offer.contact.id === sent.contactId, WAIT);
    await call(desk, 'agent:state', { state: 'available' });
    expect(await call(desk, 'offer:accept', { offerId: (await offered).offerId })).toMatchObject({ ok: true });
    await expect.poll(() => card(queueId).getByTestId('waiting').textContent(), { timeout: WAIT }).toBe('0');
    await expect.poll(() => card(queueId).getByTestId('answered').textContent(), { timeout: WAIT }).not.toBe(answeredBefore);
    await page.locator(`[data-contact="${sent.contactId}"]`).waitFor({ state: 'detached' });
    const agentRow = page.locator(`[data-agent="${agent.agent.id}"]`);
    await expect.poll(() => agentRow.locator('.activity').textContent(), { timeout: WAIT }).toContain('Opptatt');
    await page.screenshot({ path: await screenshotPath('wallboard-answered'), fullPage: true });
  });

  it('shows reports with segments side by side and lets the supervisor set a target', async () => {
    await page.getByRole('link', { name: 'Rapporter' }).click();
    await page.getByRole('button', { name: 'Vis' }).click();
    await page.getByTestId('report-table').waitFor();
    await page.getByTestId('segments-table').waitFor();
    expect(await page.getByTestId('report-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: await screenshotPath('wallboard-reports'), fullPage: true });

    await page.getByRole('link', { name: 'Mål', exact: true }).click();
    await page.getByLabel('Måltall').selectOption('satisfaction');
    await page.getByLabel(/^Mål \(/).fill('9,5');
    await page.getByRole('button', { name: 'Lagre mål' }).click();
    await page.getByRole('cell', { name: '9,5' }).waitFor();
    await page.screenshot({ path: await screenshotPath('wallboard-targets'), fullPage: true });
    expect(await hub.database.db.kpiTarget.findFirst({ where: { metric: 'satisfaction' } })).toMatchObject({ target: 9.5 });
  });
});

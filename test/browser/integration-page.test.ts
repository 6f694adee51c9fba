import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { login } from '../support/sockets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { ensureWebAgentBuilt, launchChromium, screenshotPath } from '../support/web.ts';

const WAIT = 15_000;

/** The admin's integration page in a real browser: add an endpoint, watch it deliver, read the audit log. */
describe('the integration page in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser, receiver] = await Promise.all([startTestHub({ backend: 'redis', env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RELAY_MS: '50' } }), launchChromium(), startReceiver()]);
    page = await (await browser.newContext({ locale: 'nb-NO' })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await hub?.stop();
  });

  it('adds a webhook endpoint, shows its secret once and its deliveries, and lists the change in the audit log', async () => {
    await page.goto(hub.url);
    await page.getByLabel('E-post').fill('admin@demo.test');
    await page.getByLabel('Passord').fill('admin');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.locator('[data-testid="wallboard-connection"]').waitFor();
    await page.getByRole('link', { name: 'Integrasjon' }).click();
    await page.getByRole('heading', { name: 'Webhook-mottakere' }).waitFor();

    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Beskrivelse').fill('ERP');
    await page.getByLabel('customer.created').check();
    await page.getByRole('button', { name: 'Legg til mottaker' }).click();
    await page.getByText('Signeringsnøkkel (vises én gang): whsec_').waitFor({ timeout: WAIT });
    const secret = /whsec_\S+/.exec((await page.getByText('Signeringsnøkkel (vises én gang)').textContent()) ?? '')![0];
    const row = page.getByTestId('webhook-endpoint');
    await expect.poll(() => row.count(), { timeout: WAIT }).toBe(1);
    expect(await row.textContent()).toContain(receiver.url);

    const { token } = await login(hub.url, 'admin@demo.test', 'admin');
    await fetch(`${hub.url}/api/customers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ externalId: 'UI-1', name: 'Nettside Kunde' }) });
    await expect.poll(() => receiver.verified(secret).length, { timeout: WAIT }).toBe(1);
    await expect.poll(() => hub.database.db.webhookDelivery.count({ where: { status: 'succeeded' } }), { timeout: WAIT }).toBe(1);

    await page.getByRole('button', { name: receiver.url }).click();
    await page.getByRole('heading', { name: 'Leveranser' }).waitFor();
    await expect.poll(() => page.locator('.deliveries li').first().textContent(), { timeout: WAIT }).toContain('customer.created · succeeded · 200');
    await page.reload();
    await page.getByRole('heading', { name: 'Revisjonslogg' }).waitFor();
    await expect.poll(() => page.getByTestId('audit-log').textContent(), { timeout: WAIT }).toContain('webhook.endpoint.create');
    await page.screenshot({ path: await screenshotPath('integration-page'), fullPage: true });
  }, 60_000);
});

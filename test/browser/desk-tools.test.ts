import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, record, until } from '../support/sockets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { ensureWebAgentBuilt, launchChromium, screenshotPath } from '../support/web.ts';

const WAIT = 15_000;

/** Away reasons on the wallboard, canned answers and internal notes in the desk, in a real browser. */
describe('away reasons, canned answers and internal notes in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: Socket[] = [];
  // No page may ask for something that is not there (a favicon) or not configured (a voice token).
  const failures: string[] = [];

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser] = await Promise.all([startTestHub({ backend: 'postgres' }), launchChromium()]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const context of contexts) await context.close();
    await browser?.close();
    await hub?.stop();
  });

  async function open(locale: string, email: string, password: string, labels: { email: string; password: string; submit: string }): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'Europe/Oslo' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    // A refused form (400) is expected in places; a missing file (404) or a failing service (5xx) never is.
    page.on('response', (response) => (response.status() === 404 || response.status() >= 500) && failures.push(`${response.status()} ${response.url()}`));
    await page.goto(hub.url);
    await page.getByLabel(labels.email).fill(email);
    await page.getByLabel(labels.password).fill(password);
    await page.getByRole('button', { name: labels.submit }).click();
    return page;
  }

  it('shows an agent away for lunch with the time in that state, and lets the supervisor choose a reason', async () => {
    const agent = await login(hub.url, 'agent@demo.test', 'agent');
    const desk = await connect(hub.url, '/agent', { token: agent.token });
    sockets.push(desk);
    expect(await call(desk, 'agent:state', { state: 'away', reason: 'lunch' })).toMatchObject({ ok: true, reason: 'lunch' });

    const page = await open('en-GB', 'supervisor@demo.test', 'supervisor', { email: 'Email', password: 'Password', submit: 'Sign in' });
    await page.locator('[data-testid="wallboard-connection"].wallboard-connection-online').waitFor();
    // Queue names in the reader's language.
    await expect.poll(() => page.locator('[data-queue="support"] h2').textContent()).toBe('Customer service');

    const row = page.locator(`[data-agent="${agent.agent.id}"]`);
    await expect.poll(() => row.getByTestId('agent-activity').textContent()).toContain('Away: Lunch');
    const firstTime = await row.getByTestId('agent-time').textContent();
    await expect.poll(() => row.getByTestId('agent-time').textContent(), { timeout: WAIT }).not.toBe(firstTime);
    await page.screenshot({ path: await screenshotPath('wallboard-away-reason'), fullPage: true });

    // The selector has a real name and placeholder, and offers each reason.
    const selector = row.getByLabel(`Set state of ${agent.agent.name}`);
    expect(await selector.locator('option').first().textContent()).toBe('Set state…');
    await selector.selectOption('away:training');
    await expect.poll(() => row.getByTestId('agent-activity').textContent()).toContain('Away: Training');
    const stored = await hub.database.db.agent.findUniqueOrThrow({ where: { id: agent.agent.id }, select: { state: true, awayReason: true } });
    expect(stored).toEqual({ state: 'away', awayReason: 'training' });
    expect(await call(desk, 'agent:state', { state: 'offline' })).toMatchObject({ ok: true });

    // Supervisors keep the reasons and the canned answers on their own pages.
    await page.getByRole('link', { name: 'Away reasons' }).click();
    await page.getByLabel('Code').fill('coaching');
    await page.getByLabel('Norsk').fill('Veiledning');
    await page.getByLabel('Dansk').fill('Vejledning');
    await page.getByLabel('English').fill('Coaching');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByTestId('reasons-table').getByText('Veiledning').waitFor();
    expect(await hub.database.db.awayReason.findUnique({ where: { code: 'coaching' }, select: { active: true } })).toEqual({ active: true });

    await page.getByRole('link', { name: 'Canned answers' }).click();
    await page.getByLabel('Title').fill('Faktura sendt');
    await page.getByLabel('Text').fill('Hei {{customer.first_name}}, fakturaen er sendt.');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('alert').getByText(/customer\.first_name/).waitFor();
    await page.getByLabel('Text').fill('Hei {{customer.firstName}}, fakturaen er sendt.');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByTestId('canned-table').getByText('Faktura sendt').waitFor();
    expect(await hub.database.db.cannedAnswer.count({ where: { title: 'Faktura sendt' } })).toBe(1);

    // The reports page sums the time per reason.
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('button', { name: 'Show' }).click();
    const lunch = page.getByTestId('presence-reasons').locator('tr[data-reason="lunch"]');
    await expect.poll(() => lunch.textContent()).toMatch(/^Lunch\d+:\d\d$/);
    await page.screenshot({ path: await screenshotPath('report-away-reasons'), fullPage: true });
  });

  it('inserts a canned answer with the customer and agent filled in, and keeps internal notes from the customer', async () => {
    const page = await open('nb-NO', 'agent@demo.test', 'agent', { email: 'E-post', password: 'Passord', submit: 'Logg inn' });
    await page.locator('[data-testid="connection"].connection-online').waitFor();
    // The desk learns voice is not configured without asking for a token.
    const voiceRequests: string[] = [];
    page.on('request', (request) => request.url().includes('/api/voice/') && voiceRequests.push(new URL(request.url()).pathname));
    await page.reload();
    await page.locator('[data-testid="connection"].connection-online').waitFor();
    await until(async () => voiceRequests.includes('/api/voice/status'));
    expect(voiceRequests).not.toContain('/api/voice/token');

    await page.locator('.state-available').click();
    await page.locator('.state-available[aria-pressed="true"]').waitFor();
    const chat = await connect(hub.url, '/chat', { name: 'Kari Nordmann', language: 'nb' });
    sockets.push(chat);
    const toCustomer = record<{ from: string; text: string }>(chat, 'message');
    const events: string[] = [];
    chat.onAny((event: string, payload: unknown) => events.push(`${event} ${JSON.stringify(payload)}`));
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Hei, jeg lurer på en faktura' });
    await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();
    const workspace = page.getByTestId('workspace');
    await workspace.getByText('Hei, jeg lurer på en faktura').waitFor();

    // `/` in the empty reply opens the searchable list; Enter inserts the best match, filled in.
    const reply = page.getByLabel('Melding til kunden');
    await reply.focus();
    await page.keyboard.type('/');
    const search = page.getByTestId('canned-search');
    await search.waitFor();
    expect(await reply.inputValue()).toBe('');
    await search.fill('hilsen');
    await page.getByRole('option', { name: /Hilsen/ }).waitFor();
    await search.press('Enter');
    await search.waitFor({ state: 'detached' });
    const agentFirstName = (await login(hub.url, 'agent@demo.test', 'agent')).agent.name.split(' ')[0]!;
    const expected = `Hei Kari, og takk for at du tok kontakt! Jeg heter ${agentFirstName}. Hvordan kan jeg hjelpe deg?`;
    await expect.poll(() => reply.inputValue()).toBe(expected);
    await page.screenshot({ path: await screenshotPath('canned-answer-inserted') });
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await until(async () => toCustomer.some((message) => message.from === 'agent' && message.text === expected));

    // The button opens the same list.
    await page.getByTestId('canned-button').click();
    await page.getByTestId('canned-search').fill('noe mer');
    await page.getByRole('option', { name: /Noe mer\?/ }).click();
    await expect.poll(() => reply.inputValue()).toBe('Er det noe mer jeg kan hjelpe deg med?');
    await reply.fill('');

    // An internal note is shown to the agent and stored, and never reaches the customer.
    const secret = 'Intern: kunden ringte om samme faktura i går';
    await page.getByTestId('note-field').fill(secret);
    await page.getByRole('button', { name: 'Legg til notat' }).click();
    await page.getByTestId('internal-notes').getByText(secret).waitFor();
    await page.screenshot({ path: await screenshotPath('internal-note') });
    const stored = await until(() => hub.database.db.contactNote.findFirst({ where: { contactId: sent.contactId } }));
    expect(stored.text).toBe(secret);
    // A supervisor's note appears in the agent's conversation as it is written.
    const supervisor = await login(hub.url, 'supervisor@demo.test', 'supervisor');
    const posted = await fetch(`${hub.url}/api/contacts/${sent.contactId}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Intern: godkjent av leder' }),
    });
    expect(posted.status).toBe(201);
    await page.getByTestId('internal-notes').getByText('Intern: godkjent av leder').waitFor();
    expect(await page.getByTestId('internal-notes').locator('li').count()).toBe(2);

    const ended = next(chat, 'ended');
    await workspace.getByRole('button', { name: /Avslutt/ }).click();
    await ended;
    expect(events.join('\n')).not.toContain('Intern:');
    expect(toCustomer.some((message) => message.text.includes('faktura i går'))).toBe(false);
    expect(failures).toEqual([]);
  });
});

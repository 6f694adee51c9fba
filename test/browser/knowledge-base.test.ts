import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { call, connect, record, until } from '../support/sockets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { ensureWebAgentBuilt, launchChromium } from '../support/web.ts';

const WAIT = 15_000;

/** The knowledge base where people use it: suggestions beside an agent's chat, the editor on the supervisor's page. */
describe('the knowledge base in the web app', () => {
  let hub: TestHub;
  let browser: Browser;
  const chats: Socket[] = [];

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser] = await Promise.all([startTestHub({ backend: 'postgres' }), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    for (const chat of chats) chat.close();
    await browser?.close();
    await hub?.stop();
  });

  async function signIn(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(hub.url);
    await page.getByLabel('E-post').fill(email);
    await page.getByLabel('Passord').fill(password);
    await page.getByRole('button', { name: 'Logg inn' }).click();
    return page;
  }

  it("suggests articles for the customer's latest message and puts a link or the text into the reply with one click", async () => {
    const page = await signIn('agent@demo.test', 'agent');
    await page.locator('[data-testid="connection"].connection-online').waitFor();
    await page.locator('.state-available').click();
    await page.locator('.state-available[aria-pressed="true"]').waitFor();

    const chat = await connect(hub.url, '/chat', { name: 'Rita Retur', language: 'nb' });
    chats.push(chat);
    const replies = record<{ from: string; text: string }>(chat, 'message');
    await call(chat, 'message', { text: 'Hei! Hvordan returnerer jeg en vare jeg har kjøpt?' });
    await page.getByTestId('screen-pop').getByRole('button', { name: /Godta/ }).click();

    const suggestions = page.getByTestId('article-suggestions');
    const returns = suggestions.locator('li', { hasText: 'Retur og angrerett' });
    await returns.waitFor();
    expect(await returns.getByRole('link').getAttribute('href')).toBe('/help/nb/retur-og-angrerett');

    const reply = page.getByLabel('Melding til kunden');
    await returns.getByRole('button', { name: 'Sett inn lenke' }).click();
    await expect.poll(() => reply.inputValue()).toBe(`Retur og angrerett: ${hub.url}/help/nb/retur-og-angrerett`);
    await returns.getByRole('button', { name: 'Sett inn tekst' }).click();
    await expect.poll(() => reply.inputValue()).toContain('30 dagers angrerett');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await until(async () => replies.some((message) => message.from === 'agent' && message.text.includes('/help/nb/retur-og-angrerett') && message.text.includes('30 dagers angrerett')));

    // A new question brings new suggestions.
    await call(chat, 'message', { text: 'Og hva er åpningstidene deres på lørdag?' });
    await suggestions.locator('li', { hasText: 'Åpningstider for kundeservice' }).waitFor();
  }, 60_000);

  it('lets a supervisor write, preview, publish and revise an article that the help centre then shows', async () => {
    const page = await signIn('supervisor@demo.test', 'supervisor');
    await page.locator('[data-testid="wallboard-connection"].wallboard-connection-online').waitFor();
    await page.getByRole('link', { name: 'Kunnskapsbase' }).click();
    await page.getByTestId('kb-articles').getByRole('button', { name: 'Retur og angrerett' }).waitFor();

    await page.getByRole('button', { name: 'Ny artikkel' }).click();
    const editor = page.locator('.kb-editor');
    await editor.getByLabel('Tittel').fill('Gavekort og tilgodelapp');
    await editor.getByLabel('Kategori').fill('Betaling');
    await editor.getByLabel('Stikkord (kommaseparert)').fill('gavekort, tilgodelapp');
    await editor.getByLabel('Tekst (Markdown)').fill('Et **gavekort** gjelder i 3 år.\n\n<script>window.__pwned = 1</script>');
    await editor.getByRole('button', { name: 'Forhåndsvis' }).click();
    const preview = page.getByTestId('kb-preview').frameLocator('iframe');
    await expect.poll(() => preview.locator('strong').textContent()).toBe('gavekort');
    await editor.getByLabel('Status').selectOption('published');
    await editor.getByRole('button', { name: 'Lagre' }).click();
    await page.getByText('Lagret som versjon 1.').waitFor();

    await editor.getByLabel('Tekst (Markdown)').fill('Et **gavekort** gjelder i 3 år fra kjøpsdatoen.');
    await editor.getByRole('button', { name: 'Lagre' }).click();
    await page.getByText('Lagret som versjon 2.').waitFor();
    await editor.getByText('1 tidligere versjoner').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null)).toBeNull();

    const stored = await hub.database.db.kbArticle.findFirstOrThrow({ where: { slug: 'gavekort-og-tilgodelapp' }, include: { versions: true } });
    expect(stored).toMatchObject({ language: 'nb', status: 'published', version: 2, tags: ['gavekort', 'tilgodelapp'] });
    expect(stored.versions.map((version) => version.version)).toEqual([1]);
    const help = await fetch(`${hub.url}/help/nb/gavekort-og-tilgodelapp`);
    expect(await help.text()).toContain('3 år fra kjøpsdatoen');
  }, 60_000);
});

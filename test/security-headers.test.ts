import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, type TestHub } from './support/hub.ts';
import { login } from './support/sockets.ts';
import { ensureWebAgentBuilt, launchChromium } from './support/web.ts';

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers per route group', () => {
  let hub: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebAgentBuilt();
    [hub, browser] = await Promise.all([startTestHub({ backend: 'redis' }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('gives the desktop a CSP that forbids framing and foreign scripts but lets the Twilio Voice SDK connect', async () => {
    const page = await fetch(`${hub.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = directives(page.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(expect.arrayContaining(["'self'", 'wss://*.twilio.com', 'https://*.twilio.com']));
    expect(csp.get('media-src')).toEqual(expect.arrayContaining(['https://sdk.twilio.com']));
    // Built scripts carry the same policy.
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${hub.url}${script!}`);
    expect(asset.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
  });

  it('lets nothing in an API response run or be framed, without blocking cross-origin callers', async () => {
    const { token } = await login(hub.url, 'agent@demo.test', 'agent');
    const response = await fetch(`${hub.url}/api/queues`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.has('sandbox')).toBe(true);
    expect(response.headers.get('cross-origin-resource-policy')).toBeNull();
    // Routes outside the groups (provider webhooks here) keep their own headers.
    const webhook = await fetch(`${hub.url}/webhooks/twilio/voice`, { method: 'POST' });
    expect(webhook.headers.get('content-security-policy')).toBeNull();
    expect(webhook.headers.get('cross-origin-resource-policy')).toBeNull();
  });

  it('protects the customer rating pages with their own policy', async () => {
    const response = await fetch(`${hub.url}/csat/not-a-real-token`);
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('renders the desktop in Chromium without a policy violation, and refuses to be framed by another site', async () => {
    const context = await browser.newContext({ locale: 'nb-NO' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(hub.url);
    await page.getByLabel('E-post').fill('agent@demo.test');
    await page.getByLabel('Passord').fill('agent');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    // Signed in: the desk loaded over REST and its socket connected, under the policy.
    await page.locator('[data-testid="connection"].connection-online').waitFor({ timeout: 15_000 });
    expect(violations).toEqual([]);

    // Another page tries to frame the desktop, beside a hub resource without framing protection as a control.
    const attacker = await context.newPage();
    await attacker.setContent(`<iframe name="desktop" src="${hub.url}/"></iframe><iframe name="control" src="${hub.url}/api/openapi.json"></iframe>`);
    const loaded = async (name: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const frame = attacker.frame({ name });
        const state = await frame?.evaluate(() => document.readyState).catch(() => null);
        if (frame && state === 'complete' && frame.url() !== 'about:blank') return frame;
        if (Date.now() > deadline) throw new Error(`frame ${name} did not load`);
        await attacker.waitForTimeout(50);
      }
    };
    const control = await loaded('control');
    expect(await control.evaluate(() => document.body.innerText)).toContain('openapi');
    const desktop = await loaded('desktop');
    expect(await desktop.evaluate(() => document.getElementById('root') !== null)).toBe(false);
    await context.close();
  });
});

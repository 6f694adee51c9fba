import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, until } from '../support/sockets.ts';
import { findAll } from '../support/twiml.ts';
import { contactIdOf, ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

/** A caller for a closed queue hears that it is closed on their first turn in line, before any wait prompt. */
describe('a call to a closed queue', () => {
  let voice: VoiceTestHub;
  let adminToken: string;

  beforeAll(async () => {
    voice = await startVoiceHub();
    adminToken = (await login(voice.hub.url, 'admin@demo.test', 'admin')).token;
  });

  afterAll(async () => {
    await voice?.stop();
  });

  const closeSales = async (closedAction: 'message' | 'callback', closedMessage: Record<string, string>) => {
    const response = await fetch(`${voice.hub.url}/api/queues/sales/routing`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ businessHours: {}, closedAction, closedMessage }),
    });
    expect(response.status).toBe(200);
  };

  /** Through the demo IVR to sales; answers the URL of the caller's first turn in line. */
  async function callSales(from: string): Promise<{ caller: ScriptedCall; contactId: string }> {
    const caller = new ScriptedCall(voice.webhooks, from);
    await caller.start();
    await caller.press('1'); // norsk
    await caller.press('0');
    const handedOver = await caller.press('1'); // sales
    const redirect = findAll(handedOver, 'Redirect').at(-1)!.text.trim();
    expect(redirect).toContain('/wait?');
    return { caller, contactId: contactIdOf(redirect) };
  }

  it('hears the closed notice and goodbye at once, never the wait prompt', async () => {
    await closeSales('message', { nb: 'Salg er stengt nå. Ring oss gjerne igjen i morgen.' });
    const { caller, contactId } = await callSales('+4722000101');
    // The caller follows the redirect at once, as Twilio does, while the hub is still placing the call.
    await caller.follow();
    expect(caller.said()).toBe('Salg er stengt nå. Ring oss gjerne igjen i morgen. Takk for at du ringte. Ha en fin dag!');
    expect(findAll(caller.now(), 'Hangup')).toHaveLength(1);
    await until(async () => (await voice.hub.database.db.contact.findUnique({ where: { id: contactId } }))?.status === 'ended');
  });

  it('hears the closed notice first when the call waits for the opening, and no place in line', async () => {
    await closeSales('callback', { nb: 'Salg er stengt nå. Vi ringer deg tilbake når vi åpner.' });
    const { caller, contactId } = await callSales('+4722000102');
    await caller.follow();
    const said = caller.said();
    expect(said.startsWith('Salg er stengt nå. Vi ringer deg tilbake når vi åpner.')).toBe(true);
    expect(said).not.toMatch(/Du er (den neste|nummer \d+) i køen/);
    const contact = await voice.hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { routing: true } });
    expect(contact.status).toBe('queued');
    expect(contact.routing?.heldUntilOpen).toBe(true);
    // The next turns of the wait loop do not repeat it.
    await caller.follow();
    expect(caller.said()).not.toContain('Salg er stengt nå.');
  });
});

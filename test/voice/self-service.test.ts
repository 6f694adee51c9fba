import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFlow } from '@sentral/connector-voice';
import { login, until } from '../support/sockets.ts';
import { findAll } from '../support/twiml.ts';
import { contactIdOf, redirectUrl, ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

/** Digits as the IVR reads them out: "1 0 4 5 2". */
const spokenDigits = (value: string) => [...value.replace(/\D/g, '')].join(' ');

describe('IVR self-service: identification, verification and payment', () => {
  let voice: VoiceTestHub;
  let adminToken: string;

  beforeAll(async () => {
    voice = await startVoiceHub({ env: { TWILIO_API_KEY_SID: `SK${'b2'.repeat(16)}`, TWILIO_API_KEY_SECRET: 'api-key-secret-0123456789abcdef' } });
    adminToken = (await login(voice.hub.url, 'admin@demo.test', 'admin')).token;
  });

  afterAll(async () => {
    await voice?.stop();
  });

  const db = () => voice.hub.database.db;

  /** PINs are stored hashed, so the test gives the customer a known one the way a back office does. */
  async function givePin(customer: { externalId: string | null; name: string; attributes: unknown }, pin: string): Promise<string> {
    const response = await fetch(`${voice.hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: customer.externalId, name: customer.name, attributes: { ...(customer.attributes as object), pin } }),
    });
    expect(response.status).toBe(200);
    return (customer.attributes as { customerNumber: string }).customerNumber;
  }

  async function queuedContact(contactId: string) {
    return until(async () => {
      const contact = await db().contact.findUnique({ where: { id: contactId } });
      return contact && contact.status !== 'arrived' ? contact : null;
    }, 20_000);
  }

  /** An unknown caller asks for their balance, which needs them identified first. */
  async function unknownCallerAtVerification(from: string): Promise<ScriptedCall> {
    const caller = new ScriptedCall(voice.webhooks, from);
    await caller.start();
    await caller.press('1'); // norsk
    await caller.press('5'); // fakturaer og betaling
    await caller.press('1'); // hva du skylder
    expect(caller.said()).toContain('Tast kundenummeret eller ordrenummeret ditt');
    return caller;
  }

  it('verifies an unknown caller by customer number and PIN, then serves and routes them as verified', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { language: 'nb', invoices: { some: { paidAt: null } } } });
    const pin = '4711';
    const customerNumber = await givePin(customer, pin);
    const caller = await unknownCallerAtVerification('+4722000001');

    await caller.press(customerNumber);
    expect(caller.said()).toContain('Tast så PIN-koden din eller postnummeret ditt');
    await caller.press(pin);
    expect(caller.said()).toContain('Takk, nå vet vi hvem du er.');
    expect(caller.said()).toMatch(/Du har (én ubetalt faktura|\d+ ubetalte fakturaer)/);

    const twiml = await caller.press('0'); // speak to billing
    const contact = await queuedContact(contactIdOf(redirectUrl(twiml)));
    expect(contact).toMatchObject({ customerId: customer.id, identMethod: 'verified', identConfidence: 0.95, queueId: 'billing' });
    const steps = (contact.journey as Array<{ step: string; result: string }>).map((s) => `${s.step}: ${s.result}`);
    expect(steps).toContain('verification: bekreftet med PIN-kode');
    expect(steps.some((s) => s.startsWith('invoice-balance: '))).toBe(true);
  });

  it('routes a caller who keys three wrong PINs to an agent as unverified, with low confidence', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { language: 'nb' }, orderBy: { externalId: 'desc' } });
    const customerNumber = await givePin(customer, '2580');
    const wrong = '0000';
    const caller = await unknownCallerAtVerification('anonymous');

    for (let attempt = 1; attempt <= 3; attempt++) {
      await caller.press(customerNumber);
      await caller.press(wrong);
      if (attempt < 3) expect(caller.said()).toContain('Det stemte ikke. Prøv igjen.');
    }
    expect(caller.said()).toContain('Vi klarte ikke å bekrefte hvem du er.');
    expect(caller.said()).toContain('Vi setter deg over til en rådgiver.');

    const contact = await queuedContact(contactIdOf(redirectUrl(caller.now())));
    expect(contact).toMatchObject({ customerId: customer.id, identMethod: 'none', queueId: 'support' });
    expect(contact.identConfidence).toBeLessThan(0.5);
    // A claim that failed verification earns no segment priority.
    expect(contact.priority).toBe(10);
    const journey = contact.journey as Array<{ step: string; result: string }>;
    expect(journey.find((s) => s.step === 'verification')?.result).toBe('ikke bekreftet etter 3 forsøk');
  });

  it('treats withheld, client and SIP callers as unknown', async () => {
    for (const from of ['anonymous', 'client:someone', 'sip:kari@example.com', '+266696687']) {
      const caller = new ScriptedCall(voice.webhooks, from);
      await caller.start();
      await caller.press('1');
      await caller.press('1'); // order status without knowing the caller: asks for the number
      expect(caller.said()).toContain('Tast ordrenummeret, og avslutt med firkant.');
    }
  });

  it('asks which customer is calling when several share the number', async () => {
    const phone = '+4791234567';
    for (const name of ['Kari Nordmann', 'Nordmann Rør AS']) {
      const response = await fetch(`${voice.hub.url}/api/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, phones: [phone], language: 'nb' }),
      });
      expect(response.status).toBe(201);
    }
    const caller = new ScriptedCall(voice.webhooks, phone);
    await caller.start();
    await caller.press('1');
    expect(caller.said()).toContain('Vi har flere kunder registrert på dette nummeret.');
    expect(caller.said()).toMatch(/For (Kari Nordmann|Nordmann Rør AS), trykk 1\. For (Kari Nordmann|Nordmann Rør AS), trykk 2\./);
    const first = caller.said().includes('For Kari Nordmann, trykk 1') ? 'Kari Nordmann' : 'Nordmann Rør AS';
    await caller.press('1');
    expect(caller.said()).toContain('For ordrestatus, trykk 1.');
    await caller.press('0'); // adviser menu
    const twiml = await caller.press('2'); // customer service
    const contact = await queuedContact(contactIdOf(redirectUrl(twiml)));
    const chosen = await db().customer.findUniqueOrThrow({ where: { id: contact.customerId! } });
    expect(chosen.name).toBe(first);
    expect(contact).toMatchObject({ identMethod: 'phone', identConfidence: 0.85 });
  });

  it('understands a spoken answer where speech recognition is on, keys still working', async () => {
    const caller = new ScriptedCall(voice.webhooks, '+4722000005');
    await caller.start();
    await caller.post(findAll(caller.now(), 'Gather')[0]!.attributes['action']!, { SpeechResult: 'dansk', Digits: '2' });
    // Spoken, not keyed: "pakke" picks parcel tracking from the Danish main menu.
    await caller.post(findAll(caller.now(), 'Gather')[0]!.attributes['action']!, { SpeechResult: 'Jeg vil spore en pakke', Confidence: '0.91' });
    expect(caller.said()).toContain('Indtast ordrenummeret, og afslut med firkant.');
  });

  it('answers stock and delivery questions from the back office', async () => {
    const caller = new ScriptedCall(voice.webhooks, '+4722000002');
    await caller.start();
    await caller.press('3'); // English
    await caller.press('3'); // stock
    expect(caller.said()).toContain('Please key in the product number');
    await caller.press('100102');
    expect(caller.said()).toMatch(/Varmepumpe Panasonic Etherea is out of stock\. We expect new stock on \w+day \d+ \w+\./);
    await caller.press('1'); // main menu
    await caller.press('4'); // delivery
    const gather = findAll(caller.now(), 'Gather')[0]!;
    expect(gather.attributes['numDigits']).toBe('4');
    await caller.press('0150');
    expect(caller.said()).toMatch(/Delivery to postcode 0 1 5 0 usually takes 1 working day\. If you order today, expect it on \w+day \d+ \w+\./);
  });

  it('takes an invoice payment with <Pay> and records success and failure on the invoice', async () => {
    // A Danish customer with at least two unpaid invoices: one to pay, one whose payment fails.
    const owing = await db().invoice.groupBy({ by: ['customerId'], where: { paidAt: null, customer: { language: 'da' } }, _count: true, having: { customerId: { _count: { gte: 2 } } } });
    expect(owing.length).toBeGreaterThan(0);
    const customer = await db().customer.findUniqueOrThrow({
      where: { id: owing[0]!.customerId },
      include: { identities: { where: { kind: 'phone' } }, invoices: { where: { paidAt: null }, orderBy: { dueDate: 'asc' } } },
    });
    const invoice = customer.invoices[0]!;
    const caller = new ScriptedCall(voice.webhooks, customer.identities[0]!.value);
    await caller.start();
    await caller.press('2'); // dansk
    await caller.press('5');
    await caller.press('2'); // betale en faktura
    expect(caller.said()).toContain(`Faktura ${spokenDigits(invoice.number)} på`);

    const pay = findAll(await caller.press('1'), 'Pay')[0]!;
    expect(pay.attributes).toMatchObject({ chargeAmount: invoice.amount.toFixed(2), currency: 'dkk', description: `Invoice ${invoice.number}`, postalCode: 'false' });
    expect(pay.attributes['language']).toBeUndefined();
    const prompts = findAll(pay, 'Prompt');
    expect(prompts.map((p) => p.attributes['for'])).toContain('payment-card-number');
    expect(findAll(pay, 'Say').every((say) => say.attributes['language'] === 'da-DK')).toBe(true);

    const success = { Result: 'success', PaymentConfirmationCode: 'ch_3Nx9', PaymentCardNumber: 'xxxx-xxxx-xxxx-4242', PaymentCardType: 'visa' };
    const action = pay.attributes['action']!;
    await caller.post(action, success);
    expect(caller.said()).toContain('Tak! Betalingen er gennemført.');
    const again = await voice.webhooks.post(action, caller.params(success)); // Twilio retried the callback
    expect(again.status).toBe(200);

    const paid = await db().invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true } });
    expect(paid.paidAt).not.toBeNull();
    expect(paid.payments).toHaveLength(1);
    expect(paid.payments[0]).toMatchObject({ succeeded: true, confirmation: 'ch_3Nx9', channel: 'voice', currency: 'DKK' });
    expect(JSON.stringify(paid.payments)).not.toContain('4242');

    // Back to the menu, and a payment that fails.
    await caller.press('1');
    await caller.press('5');
    await caller.press('2');
    const next = await db().invoice.findFirstOrThrow({ where: { customerId: customer.id, paidAt: null }, orderBy: { dueDate: 'asc' } });
    expect(caller.said()).toContain(`Faktura ${spokenDigits(next.number)} på`);
    const failedPay = findAll(await caller.press('1'), 'Pay')[0]!;
    await caller.post(failedPay.attributes['action']!, { Result: 'payment-connector-error', PaymentError: 'card declined' });
    expect(caller.said()).toContain('Betalingen gik desværre ikke igennem.');
    const unpaid = await db().invoice.findUniqueOrThrow({ where: { id: next.id }, include: { payments: true } });
    expect(unpaid.paidAt).toBeNull();
    expect(unpaid.payments[0]).toMatchObject({ succeeded: false, failure: 'payment-connector-error: card declined' });

    const twiml = await caller.press('0'); // to billing, with the payments in the journey
    const contact = await queuedContact(contactIdOf(redirectUrl(twiml)));
    const payments = (contact.journey as Array<{ step: string; result: string }>).filter((s) => s.step === 'payment').map((s) => s.result);
    expect(payments[0]).toContain(`betalte faktura ${invoice.number}`);
    expect(payments[1]).toBe(`betaling af faktura ${next.number} mislykkedes (payment-connector-error)`);
  });

  describe('voice API', () => {
    const api = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${voice.hub.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    it("issues the agent's browser an access token with an incoming voice grant", async () => {
      const agent = await login(voice.hub.url, 'agent@demo.test', 'agent');
      const response = await api(agent.token, 'GET', '/api/voice/token');
      expect(response.status).toBe(200);
      const grant = (await response.json()) as { token: string; identity: string; expiresAt: string };
      expect(grant.identity).toBe(`agent_${agent.agent.id.replace(/-/g, '')}`);
      const claims = JSON.parse(Buffer.from(grant.token.split('.')[1]!, 'base64url').toString()) as { grants: { identity: string; voice: { incoming: { allow: boolean } } } };
      expect(claims.grants).toMatchObject({ identity: grant.identity, voice: { incoming: { allow: true } } });
    });

    it('rings an agent on their phone once they give a number, and in the browser again when they clear it', async () => {
      const agent = await login(voice.hub.url, 'agent@demo.test', 'agent');
      const set = await api(agent.token, 'PUT', '/api/voice/endpoint', { phoneNumber: '915 55 123' });
      expect(await set.json()).toEqual({ phoneNumber: '+4791555123' });
      expect((await db().agentVoiceEndpoint.findUniqueOrThrow({ where: { agentId: agent.agent.id } })).phoneNumber).toBe('+4791555123');
      const bad = await api(agent.token, 'PUT', '/api/voice/endpoint', { phoneNumber: 'anonymous' });
      expect(bad.status).toBe(400);
      expect(await (await api(agent.token, 'PUT', '/api/voice/endpoint', { phoneNumber: null })).json()).toEqual({ phoneNumber: null });
      expect(await db().agentVoiceEndpoint.count({ where: { agentId: agent.agent.id } })).toBe(0);
    });

    it('stores an IVR flow for a number only when it is valid, naming the problem otherwise', async () => {
      const flow = structuredClone(demoFlow);
      flow.greeting = { nb: 'Velkommen til Bedriftslinjen.', da: 'Velkommen til Erhvervslinjen.', en: 'Welcome to the business line.' };
      const broken = structuredClone(flow);
      broken.nodes['main'] = { type: 'menu', options: [{ key: '1', label: { nb: 'Salg', da: 'Salg', en: 'Sales' }, next: 'nowhere' }] };
      const refused = await api(adminToken, 'PUT', '/api/voice/flows', { address: '+4721999999', flow: broken });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('flow.nodes.main.options.0.next: refers to unknown node "nowhere"');
      const unknownQueue = structuredClone(flow);
      unknownQueue.nodes['sales'] = { type: 'agent', queue: 'no-such-queue' };
      expect((await api(adminToken, 'PUT', '/api/voice/flows', { address: '+4721999999', flow: unknownQueue })).status).toBe(400);
      expect(await db().selfServiceFlow.count({ where: { address: '+4721999999' } })).toBe(0);

      expect((await api(adminToken, 'PUT', '/api/voice/flows', { address: '+4721999999', flow })).status).toBe(200);
      const listed = (await (await api(adminToken, 'GET', '/api/voice/flows')).json()) as Array<{ address: string }>;
      expect(listed.map((f) => f.address)).toEqual(['*', '+4721999999']);
      // Calls to that number hear its own flow (after the few seconds flows are cached for).
      await until(async () => {
        const caller = new ScriptedCall(voice.webhooks, '+4722000003', '+4721999999');
        await caller.start();
        return caller.said().includes('Velkommen til Bedriftslinjen.') ? true : null;
      }, 15_000, 500);
      const agent = await login(voice.hub.url, 'agent@demo.test', 'agent');
      expect((await api(agent.token, 'PUT', '/api/voice/flows', { address: '*', flow })).status).toBe(403);
    });

    it("tells a caller in the hub's words that the queue is closed, then says goodbye", async () => {
      const closed = await api(adminToken, 'PUT', '/api/queues/sales/routing', {
        businessHours: {},
        closedAction: 'message',
        closedMessage: { nb: 'Salg er stengt nå. Ring oss gjerne igjen i morgen.' },
      });
      expect(closed.status).toBe(200);
      const caller = new ScriptedCall(voice.webhooks, '+4722000004');
      await caller.start();
      await caller.press('1');
      await caller.press('0');
      const contactId = contactIdOf(redirectUrl(await caller.press('1'))); // sales
      const goodbye = await voice.cloud.waitFor((r) => r.callSid === caller.callSid && r.params['Url'] === `${voice.webhooks.publicUrl('/webhooks/twilio/voice/after')}?c=${contactId}`);
      await caller.post(goodbye.params['Url']!);
      expect(caller.said()).toBe('Salg er stengt nå. Ring oss gjerne igjen i morgen. Takk for at du ringte. Ha en fin dag!');
      expect((await db().contact.findUniqueOrThrow({ where: { id: contactId } })).status).toBe('ended');
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer } from '@sentral/contract';
import { api } from '../support/routing.ts';
import { call, connect, login, next, until } from '../support/sockets.ts';
import { findAll } from '../support/twiml.ts';
import { contactIdOf, ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

/** Every call is a contact from its first webhook, whether or not it ever reaches an agent. */
describe('IVR calls as self-service contacts', () => {
  let voice: VoiceTestHub;
  let agentSocket: Socket;
  let agentToken: string;
  let adminToken: string;

  beforeAll(async () => {
    voice = await startVoiceHub();
    const session = await login(voice.hub.url, 'agent@demo.test', 'agent');
    agentToken = session.token;
    agentSocket = await connect(voice.hub.url, '/agent', { token: session.token });
    adminToken = (await login(voice.hub.url, 'admin@demo.test', 'admin')).token;
  });

  afterAll(async () => {
    agentSocket?.close();
    await voice?.stop();
  });

  const db = () => voice.hub.database.db;

  /** A Norwegian customer alone on their number, with an open order. */
  async function knownCaller() {
    const customers = await db().customer.findMany({
      where: { language: 'nb', orders: { some: { status: { notIn: ['delivered', 'cancelled'] } } } },
      include: { identities: { where: { kind: 'phone' } }, orders: { where: { status: { notIn: ['delivered', 'cancelled'] } }, orderBy: { placedAt: 'desc' } } },
    });
    for (const customer of customers) {
      const phone = customer.identities[0]?.value;
      if (!phone) continue;
      if ((await db().customerIdentity.count({ where: { kind: 'phone', value: phone } })) === 1) return { customer, phone };
    }
    throw new Error('no Norwegian customer alone on their number');
  }

  it('keeps a call that checked an order and hung up as one self-served contact, in the 360 view and the next pop', async () => {
    const { customer, phone } = await knownCaller();
    const caller = new ScriptedCall(voice.webhooks, phone);
    // Twilio delivers the first webhook three times (a timeout and two retries, one of them racing).
    await Promise.all([caller.start(), caller.start()]);
    await caller.start();
    const contacts = await db().contact.findMany({ where: { externalId: caller.callSid } });
    expect(contacts).toHaveLength(1);
    const contactId = contacts[0]!.id;
    // Stored before the caller heard a word, in self-service, already identified by the number.
    expect(contacts[0]).toMatchObject({ channel: 'voice', status: 'self_service', customerId: customer.id, identMethod: 'phone' });

    await caller.press('1'); // norsk
    await caller.press('1'); // ordrestatus
    const newest = customer.orders[0]!;
    expect(caller.said()).toContain(`Ordre ${[...newest.number.replace(/\D/g, '')].join(' ')} er`);
    // The journey grows on the contact as the call goes.
    const growing = await db().contact.findUniqueOrThrow({ where: { id: contactId } });
    expect((growing.journey as Array<{ step: string }>).map((step) => step.step)).toEqual(['identification', 'language', 'order-status']);

    expect((await caller.hangUp()).status).toBe(204);
    expect((await caller.hangUp()).status).toBe(204); // a repeated status callback changes nothing
    const finished = await db().contact.findUniqueOrThrow({ where: { id: contactId }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(finished.status).toBe('self_served');
    expect(finished.endedAt).not.toBeNull();
    expect(finished.events.map((event) => event.type)).toEqual(['arrived', 'self-service', 'self-served']);
    expect(await db().offer.count({ where: { contactId } })).toBe(0);

    // The 360 view lists it with a summary in the agent's language and the journey.
    const view = await api(voice.hub.url, `/api/customers/${customer.id}`, { token: agentToken });
    expect(view.status).toBe(200);
    const entry = view.body.timeline.find((item: { id: string }) => item.id === contactId);
    // The IVR read out the caller's open orders, newest among them.
    expect(entry).toMatchObject({ channel: 'voice', status: 'self-served' });
    expect(entry.summary).toMatch(new RegExp(`^Sjekket ordre (ORD-\\d+, )*${newest.number}(, ORD-\\d+)* i talesvar$`));
    expect(entry.journey.map((step: { step: string }) => step.step)).toEqual(['identification', 'language', 'order-status']);

    // The customer calls again and asks for a person: the agent's pop lists the self-served call.
    const again = new ScriptedCall(voice.webhooks, phone);
    await again.start();
    await again.press('1'); // norsk
    await again.press('0'); // rådgiver
    const twiml = await again.press('2'); // kundeservice
    const secondId = contactIdOf(findAll(twiml, 'Redirect')[0]!.text);
    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.id === secondId, 20_000);
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const offer = await offered;
    expect(offer.screenPop.timeline).toContainEqual(expect.objectContaining({ contactId, channel: 'voice', summary: entry.summary }));
    expect(await call(agentSocket, 'offer:reject', { offerId: offer.offerId })).toMatchObject({ ok: true });
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
    await again.hangUp();
  });

  it('counts a caller who hangs up mid-verification as abandoned in self-service, not as a queue abandonment', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { language: 'nb' }, orderBy: { externalId: 'asc' } });
    const { customerNumber } = customer.attributes as { customerNumber: string };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
    const supervisor = (await login(voice.hub.url, 'supervisor@demo.test', 'supervisor')).token;
    const figures = async () => {
      const answer = await api(voice.hub.url, `/api/reports?from=${today}&to=${today}&by=channel`, { token: supervisor });
      expect(answer.status).toBe(200);
      return answer.body.totals.find((row: { key: string }) => row.key === 'voice');
    };
    const before = await figures();
    const caller = new ScriptedCall(voice.webhooks, 'anonymous');
    await caller.start();
    await caller.press('1'); // norsk
    await caller.press('5'); // fakturaer
    await caller.press('1'); // hva du skylder: needs verification
    await caller.press(customerNumber);
    expect(caller.said()).toContain('Tast så PIN-koden din eller postnummeret ditt');
    await caller.hangUp();

    const contact = await db().contact.findFirstOrThrow({ where: { externalId: caller.callSid }, include: { events: true } });
    expect(contact.status).toBe('abandoned_in_self_service');
    expect(contact.queuedAt).toBeNull();
    expect(contact.attributes).toMatchObject({ entryPoint: `voice:${caller.to}`, selfService: { outcome: 'abandoned-in-self-service', leftAt: 'verify-secret' } });
    expect(contact.events.map((event) => event.type)).not.toContain('abandoned');

    // Today's report: the call is in self-service's figures (left at verification), not in the queue's.
    const afterwards = await figures();
    expect(afterwards.selfServiceAbandoned).toBe(before.selfServiceAbandoned + 1);
    expect(afterwards.selfServiceExits).toContainEqual({ step: 'verify-secret', contacts: 1 });
    for (const figure of ['offered', 'abandoned', 'serviceLevel', 'abandonRate']) expect(afterwards[figure], figure).toEqual(before[figure]);
  });

  it('routes a caller whose card payment just failed to billing when a rule reads recent self-service', async () => {
    const rules = await api(voice.hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: adminToken,
      body: { filters: [{ name: 'Failed payment', when: { attribute: 'customer.recentSelfService.payment', op: 'eq', value: 'failed' }, targets: [{ queue: 'billing' }] }], overflow: {} },
    });
    expect(rules.status, JSON.stringify(rules.body)).toBe(200);

    const owing = await db().invoice.groupBy({ by: ['customerId'], where: { paidAt: null, customer: { language: 'nb' } }, _count: true });
    let phone: string | null = null;
    for (const { customerId } of owing) {
      const identity = await db().customerIdentity.findFirst({ where: { customerId, kind: 'phone' } });
      if (identity && (await db().customerIdentity.count({ where: { kind: 'phone', value: identity.value } })) === 1) {
        phone = identity.value;
        break;
      }
    }
    expect(phone).not.toBeNull();

    // First call: the card is declined, and the caller hangs up.
    const first = new ScriptedCall(voice.webhooks, phone!);
    await first.start();
    await first.press('1'); // norsk
    await first.press('5'); // fakturaer
    await first.press('2'); // betale
    const pay = findAll(await first.press('1'), 'Pay')[0]!;
    await first.post(pay.attributes['action']!, { Result: 'payment-connector-error', PaymentError: 'card declined' });
    await first.hangUp();
    const failed = await db().contact.findFirstOrThrow({ where: { externalId: first.callSid } });
    // No answer reached the caller: abandoned in self-service, with the failed payment in the journey.
    expect(failed.status).toBe('abandoned_in_self_service');

    // Minutes later they call again and ask for customer service: the rule sends them to billing.
    const second = new ScriptedCall(voice.webhooks, phone!);
    await second.start();
    await second.press('1'); // norsk
    await second.press('0'); // rådgiver
    const twiml = await second.press('2'); // kundeservice
    const contactId = contactIdOf(findAll(twiml, 'Redirect')[0]!.text);
    const queued = await until(async () => {
      const contact = await db().contact.findUnique({ where: { id: contactId }, include: { routing: true } });
      return contact && contact.queuedAt ? contact : null;
    }, 20_000);
    expect(queued.queueId).toBe('billing');
    expect(queued.routing?.filter).toBe('Failed payment');
    await second.hangUp();
  });
  it('skips the holidays of the queue\'s calendar in a delivery estimate', async () => {
    const estimate = async (): Promise<string> => {
      const caller = new ScriptedCall(voice.webhooks, 'anonymous');
      await caller.start();
      await caller.press('1'); // norsk
      await caller.press('4'); // leveringstid
      await caller.press('0150');
      await caller.hangUp();
      const contact = await db().contact.findFirstOrThrow({ where: { externalId: caller.callSid } });
      const step = (contact.journey as Array<{ data?: Record<string, string> }>).find((s) => s.data?.['action'] === 'delivery-estimate');
      expect(contact.status).toBe('self_served');
      return step!.data!['date']!;
    };
    const oslo = (at: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date(at));
    const plain = await estimate();
    // The delivery menu's adviser is the sales queue: closing its calendar on the promised day moves the promise on.
    const settings = await api(voice.hub.url, '/api/queues/sales/routing', { method: 'PUT', token: adminToken, body: { holidays: [{ date: oslo(plain) }] } });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const withHoliday = await estimate();
    expect(new Date(withHoliday).getTime()).toBeGreaterThan(new Date(plain).getTime());
    expect(oslo(withHoliday)).not.toBe(oslo(plain));
    expect(['Sat', 'Sun']).not.toContain(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', weekday: 'short' }).format(new Date(withHoliday)));
  });
});

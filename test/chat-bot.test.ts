import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ChatServerMessage, ContactOffer } from '@sentral/contract';
import { demoBotFlow } from '../services/hub/src/self-service/engine/flow.ts';
import { api } from './support/routing.ts';
import { call, connect, login, next, record, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

/** The chat bot before a human: options, verification, answers, handover with the journey, silence after. */
describe('the chat bot', () => {
  let hub: TestHub;
  let agentSocket: Socket;
  let agentToken: string;
  let customer: { id: string; email: string; customerNumber: string; pin: string; orders: string[] };
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A short idle time: a customer who leaves mid-flow is over within a few seconds.
    // Short enough for the abandonment test to wait for, long enough that a busy machine's slow turn in the
    // other tests is not taken for a customer who left.
    hub = await startTestHub({ backend: 'postgres', env: { BOT_IDLE_SECONDS: '8', DISPATCH_SWEEP_MS: '500' } });
    const admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const stored = await api(hub.url, '/api/chat/flows', { method: 'PUT', token: admin, body: { address: 'support', flow: demoBotFlow } });
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    const broken = await api(hub.url, '/api/chat/flows', { method: 'PUT', token: admin, body: { address: 'support', flow: { ...demoBotFlow, start: 'nowhere' } } });
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(broken.body.error.message).toContain('nowhere');
    const document = (await api(hub.url, '/api/openapi.json')).body;
    expect(Object.keys(document.paths['/api/chat/flows'] ?? {})).toEqual(expect.arrayContaining(['get', 'put']));
    expect(document.paths['/api/chat/flows/{address}']?.['delete']).toBeDefined();

    const row = await hub.database.db.customer.findFirstOrThrow({
      where: { language: 'nb', orders: { some: { status: { notIn: ['delivered', 'cancelled'] } } }, identities: { some: { kind: 'email' } } },
      include: { identities: { where: { kind: 'email' } }, orders: { where: { status: { notIn: ['delivered', 'cancelled'] } } } },
    });
    const { customerNumber } = row.attributes as { customerNumber: string };
    // PINs are stored hashed, so the customer is given a known one the way a back office does.
    const pin = '4711';
    const withPin = await api(hub.url, '/api/customers', { method: 'POST', token: admin, body: { externalId: row.externalId, name: row.name, attributes: { ...(row.attributes as object), pin } } });
    expect(withPin.status, JSON.stringify(withPin.body)).toBe(200);
    customer = { id: row.id, email: row.identities[0]!.value, customerNumber, pin, orders: row.orders.map((order) => order.number) };
    agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    agentSocket = await connect(hub.url, '/agent', { token: agentToken });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    agentSocket?.close();
    await hub?.stop();
  });

  async function visitor(email: string) {
    const socket = await connect(hub.url, '/chat', { name: 'Kari', email, language: 'nb', queue: 'support' });
    sockets.push(socket);
    const messages = record<ChatServerMessage>(socket, 'message');
    let sent = 0;
    /** Sends a text (or taps an option) and waits for the bot's question or answer that ends its turn. */
    const say = async (text: string, optionId?: string) => {
      const before = messages.length;
      const ack = await call<{ ok: boolean; contactId: string; seq: number }>(socket, 'message', { text, clientMessageId: `m${++sent}`, ...(optionId ? { optionId } : {}) });
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      // Every turn of the bot ends with a message carrying "talk to a person", or with the handover or goodbye.
      await until(async () => messages.slice(before).some((m) => m.from === 'bot' && (m.options?.some((o) => o.id === 'agent') || /person|dag!/.test(m.text))));
      return { ack, replies: messages.slice(before).filter((m) => m.from === 'bot') };
    };
    return { socket, messages, say };
  }

  it('asks a claimed customer to prove who they are before any order, then answers a verified one', async () => {
    const chat = await visitor(customer.email);
    const first = await chat.say('Hei');
    const menu = first.replies.at(-1)!;
    expect(first.replies[0]!.text).toContain('digitale assistent');
    expect(menu.options?.map((o) => o.id)).toEqual(['order-status', 'tracking', 'invoices', 'stock', 'delivery', 'question', 'agent']);
    expect(menu.options?.find((o) => o.id === 'agent')?.label).toBe('Snakke med en person');
    const contactId = first.ack.contactId;
    expect(await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } })).toMatchObject({ status: 'self_service', identMethod: 'email' });

    // The email typed in the widget is only a claim: no order is shown, a proof is asked for.
    const asked = await chat.say('Ordrestatus', 'order-status');
    expect(asked.replies.at(-1)!.text).toContain('kundenummeret eller ordrenummeret');
    const wrong = await chat.say(customer.customerNumber);
    expect(wrong.replies.at(-1)!.text).toContain('PIN-koden');
    await chat.say(customer.pin === '0000' ? '1111' : '0000');
    for (const message of chat.messages) for (const order of customer.orders) expect(message.text).not.toContain(order);

    // Proven with the PIN: the orders come.
    await chat.say(customer.customerNumber);
    const answer = await chat.say(customer.pin);
    const texts = answer.replies.map((m) => m.text).join('\n');
    expect(texts).toContain('Takk, nå vet jeg hvem du er.');
    expect(customer.orders.some((order) => texts.includes(`Ordre ${order} er`))).toBe(true);
    expect(answer.replies.at(-1)!.options?.map((o) => o.id)).toEqual(['menu', 'done', 'agent']);

    // "Det var alt": served, and the conversation ends as self-served.
    const ended = next(chat.socket, 'ended');
    await chat.say('Det var alt, takk', 'done');
    await ended;
    const contact = await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { events: { orderBy: { id: 'asc' } }, messages: true } });
    expect(contact.status).toBe('self_served');
    expect(contact).toMatchObject({ customerId: customer.id, identMethod: 'verified' });
    expect(contact.events.map((e) => e.type)).toEqual(['arrived', 'self-service', 'self-served']);
    // Every bot message is stored with its buttons, so a reconnecting widget can show them again.
    expect(contact.messages.filter((m) => m.author === 'bot').length).toBeGreaterThan(5);

    const view = await api(hub.url, `/api/customers/${customer.id}`, { token: agentToken });
    const entry = view.body.timeline.find((item: { id: string }) => item.id === contactId);
    expect(entry).toMatchObject({ channel: 'chat', status: 'self-served' });
    expect(entry.summary).toMatch(/^Sjekket ordre .+ i chat$/);
  });

  it('shows the orders at once to a chat the channel identified as verified', async () => {
    const chat = await visitor('verified-visitor@example.test');
    const first = await chat.say('Hei');
    // The channel proved who the visitor is (a signed host-site token or a one-time code) and recorded it on the contact.
    await hub.database.db.contact.update({ where: { id: first.ack.contactId }, data: { customerId: customer.id, identMethod: 'verified', identConfidence: 0.95 } });
    const answer = await chat.say('Ordrestatus', 'order-status');
    const texts = answer.replies.map((m) => m.text).join('\n');
    expect(texts).not.toContain('kundenummeret');
    expect(customer.orders.some((order) => texts.includes(`Ordre ${order} er`))).toBe(true);
  });

  it('understands a verified customer\'s own words: "hvor er pakken min?" gets their parcel', async () => {
    const chat = await visitor('words-visitor@example.test');
    const first = await chat.say('Hei');
    await hub.database.db.contact.update({ where: { id: first.ack.contactId }, data: { customerId: customer.id, identMethod: 'verified', identConfidence: 0.95 } });
    // No button: the trained intents pick the menu option from free text.
    const answer = await chat.say('hvor er pakken min?');
    const texts = answer.replies.map((m) => m.text).join('\n');
    expect(customer.orders.some((order) => texts.includes(order)), texts).toBe(true);
    const contact = await hub.database.db.contact.findUniqueOrThrow({ where: { id: first.ack.contactId } });
    expect(JSON.stringify(contact.journey)).toContain('"via":"intent"');
  });

  it('hands over on "talk to a person" with the bot journey in the pop, and is silent once the agent took over', async () => {
    const chat = await visitor(customer.email);
    await chat.say('Hei');
    await chat.say('Leveringstid', 'delivery');
    const estimate = await chat.say('0150');
    expect(estimate.replies[0]!.text).toMatch(/^Levering til 0150 tar vanligvis \d+ virkedag/);

    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.channel === 'chat', 20_000);
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const handover = await chat.say('Snakke med en person', 'agent');
    expect(handover.replies.at(-1)!.text).toContain('Jeg setter deg over til en person');
    const offer = await offered;
    expect(offer.contact.id).toBe(handover.ack.contactId);
    // The pop shows the bot's journey exactly as it shows the IVR's: steps with results.
    expect(offer.screenPop.journey.map((step) => step.step)).toEqual(['intent', 'delivery-estimate', 'agent']);
    expect(offer.screenPop.journey[1]!.result).toContain('0150');

    const botBefore = chat.messages.filter((m) => m.from === 'bot').length;
    const joined = next<ChatServerMessage>(chat.socket, 'message', (m) => m.from === 'system');
    const accepted = await call<{ ok: boolean; contact: { messages: Array<{ from: string }> } }>(agentSocket, 'offer:accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);
    // The agent sees the whole conversation, the bot's messages included.
    expect(accepted.contact.messages.some((m) => m.from === 'bot')).toBe(true);
    expect((await joined).text).toMatch(/^\S+ har tatt over samtalen\.$/);

    // From now on the customer talks to the agent only.
    const agentSees = next<{ contactId: string; message: { text: string } }>(agentSocket, 'contact:message', (p) => p.contactId === offer.contact.id);
    expect(await call(chat.socket, 'message', { text: 'Ordre', clientMessageId: 'after-1' })).toMatchObject({ ok: true });
    expect((await agentSees).message.text).toBe('Ordre');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.messages.filter((m) => m.from === 'bot').length).toBe(botBefore);
    expect(await call(agentSocket, 'contact:end', { contactId: offer.contact.id, disposition: 'resolved' })).toEqual({ ok: true });
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
  });

  it('ends a chat the customer left mid-flow as abandoned in self-service', async () => {
    const chat = await visitor('someone-new@example.test');
    await chat.say('Hei');
    const { ack } = await chat.say('Lagerstatus', 'stock');
    chat.socket.close();
    const contact = await until(async () => {
      const row = await hub.database.db.contact.findUnique({ where: { id: ack.contactId } });
      return row?.status === 'abandoned_in_self_service' ? row : null;
    }, 30_000);
    expect(contact.attributes).toMatchObject({ selfService: { outcome: 'abandoned-in-self-service', leftAt: 'value:stock' } });
    expect(contact.queuedAt).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, record, until } from './support/sockets.ts';
import { startTestHub, type Backend, type TestHub } from './support/hub.ts';

describe.each<Backend>(['postgres', 'redis'])('a chat contact end to end on the %s backend', (backend) => {
  let hub: TestHub;
  let agentSocket: Socket;
  let agentToken: string;
  let customer: { id: string; name: string; segment: string; email: string };

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    // A seeded customer with an open order, reached by the email the chat visitor types.
    const row = await hub.database.db.customer.findFirstOrThrow({
      where: { orders: { some: { status: { notIn: ['delivered', 'cancelled'] } } }, identities: { some: { kind: 'email' } } },
      include: { identities: { where: { kind: 'email' } } },
    });
    customer = { id: row.id, name: row.name, segment: row.segment, email: row.identities[0]!.value };
    agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    agentSocket = await connect(hub.url, '/agent', { token: agentToken });
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true, state: 'available' });
  });

  afterAll(async () => {
    agentSocket?.close();
    await hub?.stop();
  });

  it('pops the customer, carries messages both ways, ends with a disposition and keeps the whole timeline', async () => {
    const chat = await connect(hub.url, '/chat', { name: 'Kari', email: customer.email.toUpperCase(), language: 'nb' });
    const customerMessages = record<{ from: string; text: string }>(chat, 'message');
    const offerArrives = next(agentSocket, 'contact:offer');
    const sent = await call<{ ok: boolean; contactId: string; seq: number }>(chat, 'message', { text: 'Hei, hvor er pakken min?', clientMessageId: 'm1' });
    expect(sent).toMatchObject({ ok: true, seq: 1 });

    const offer = await offerArrives;
    expect(offer.contact).toMatchObject({ id: sent.contactId, channel: 'chat' });
    expect(offer.screenPop.identification).toMatchObject({ method: 'email' });
    expect(offer.screenPop.identification.confidence).toBeGreaterThan(0.5);
    expect(offer.screenPop.customer).toMatchObject({ id: customer.id, name: customer.name, segment: customer.segment });
    expect(offer.screenPop.customer.openOrders.length).toBeGreaterThan(0);
    expect(offer.screenPop.customer.openOrders[0]).toHaveProperty('number');

    const accepted = await call<{ ok: boolean; contact: { id: string; messages: Array<{ text: string }> } }>(agentSocket, 'offer:accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);
    expect(accepted.contact.messages.map((m) => m.text)).toEqual(['Hei, hvor er pakken min?']);
    await until(async () => customerMessages.some((m) => m.from === 'system'));

    const agentSees = next<{ contactId: string; message: { from: string; text: string; seq: number } }>(agentSocket, 'contact:message', (p) => p.contactId === sent.contactId);
    expect(await call(chat, 'message', { text: 'Ordrenummeret står i e-posten', clientMessageId: 'm2' })).toMatchObject({ ok: true, seq: 2 });
    expect((await agentSees).message).toMatchObject({ from: 'customer', text: 'Ordrenummeret står i e-posten', seq: 2 });

    const customerSees = next(chat, 'message', (p: { from: string }) => p.from === 'agent');
    const reply = await call<{ ok: boolean; message: { seq: number } }>(agentSocket, 'contact:send', { contactId: sent.contactId, text: 'Den er sendt og kommer torsdag.' });
    expect(reply).toMatchObject({ ok: true, message: { seq: 3 } });
    expect(await customerSees).toMatchObject({ from: 'agent', text: 'Den er sendt og kommer torsdag.' });

    const ended = next(chat, 'ended');
    expect(await call(agentSocket, 'contact:end', { contactId: sent.contactId, disposition: 'resolved', notes: 'Levering torsdag' })).toEqual({ ok: true });
    expect(await ended).toMatchObject({ by: 'agent' });
    chat.close();

    const stored = await hub.database.db.contact.findUniqueOrThrow({
      where: { id: sent.contactId },
      include: { events: { orderBy: { id: 'asc' } }, messages: { orderBy: { seq: 'asc' } } },
    });
    expect(stored).toMatchObject({ status: 'ended', disposition: 'resolved', notes: 'Levering torsdag', customerId: customer.id });
    expect(stored.events.map((e) => e.type)).toEqual(['arrived', 'identified', 'queued', 'offered', 'accepted', 'ended']);
    for (const event of stored.events) expect(event.at).toBeInstanceOf(Date);
    expect(stored.events.at(-1)!.actor).toMatch(/^agent:/);
    expect(stored.messages.map((m) => [m.seq, m.author])).toEqual([
      [1, 'customer'],
      [2, 'customer'],
      [3, 'agent'],
    ]);

    const view = await fetch(`${hub.url}/api/customers/${customer.id}`, { headers: { authorization: `Bearer ${agentToken}` } });
    expect(view.status).toBe(200);
    const body = (await view.json()) as { timeline: Array<{ id: string; disposition: string }> };
    expect(body.timeline.find((c) => c.id === sent.contactId)).toMatchObject({ disposition: 'resolved' });

    const contactView = await fetch(`${hub.url}/api/contacts/${sent.contactId}`, { headers: { authorization: `Bearer ${agentToken}` } });
    expect(contactView.status).toBe(200);
    expect(((await contactView.json()) as { events: unknown[] }).events).toHaveLength(6);
  });

  it('tells a waiting customer their place in the queue and offers as soon as an agent is free', async () => {
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
    const first = await connect(hub.url, '/chat', { name: 'Ola' });
    const second = await connect(hub.url, '/chat', { name: 'Per' });
    const firstPlace = next<{ position: number; estimatedWaitSeconds: number }>(first, 'queue');
    await call(first, 'message', { text: 'Hei' });
    expect((await firstPlace).position).toBe(1);
    const secondPlace = next<{ position: number }>(second, 'queue', (p) => p.position === 2);
    await call(second, 'message', { text: 'Hallo' });
    expect((await secondPlace).position).toBe(2);

    const offer = next(agentSocket, 'contact:offer');
    await call(agentSocket, 'agent:state', { state: 'available' });
    const offered = await offer;
    expect(offered.screenPop.customer).toBeNull();
    expect(offered.screenPop.identification).toEqual({ method: 'none', confidence: 0 });
    for (const socket of [first, second]) {
      await call(socket, 'end', {});
      socket.close();
    }
  });
});

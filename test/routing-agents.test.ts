import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api, chatContact, createAgent, routingTrace, sendFax, type TestAgent } from './support/routing.ts';

const FAX_SECRET = 'routing-fax-secret-0123456789';

/** How agents are chosen and offered: the customer's last agent first, timeouts, rejections, missed offers, wrap-up, transfers. */
describe('agent selection and offers', () => {
  let hub: TestHub;
  let admin: string;
  const customers: Socket[] = [];
  const agents: TestAgent[] = [];
  const agent = async (spec: Parameters<typeof createAgent>[2]) => {
    const created = await createAgent(hub.url, admin, spec);
    agents.push(created);
    return created;
  };
  const chat = async (auth: Record<string, unknown>, text: string) => {
    const opened = await chatContact(hub.url, auth, text);
    customers.push(opened.socket);
    return opened;
  };
  const statusOf = async (contactId: string) => (await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } })).status;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis', env: { FAX_WEBHOOK_SECRET: FAX_SECRET } });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const rules = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: {
        settings: { missedOffersBeforeAway: 2, stickyWindowHours: 24 },
        filters: [
          { name: 'Invoices', when: { attribute: 'message', op: 'containsAny', value: ['faktura'] }, targets: [{ queue: 'billing' }] },
          { name: 'Quotes', when: { attribute: 'message', op: 'containsAny', value: ['tilbud'] }, targets: [{ queue: 'sales' }] },
        ],
      },
    });
    expect(rules.status).toBe(200);
    for (const [queue, settings] of [
      ['billing', { offerTimeoutSeconds: 2 }],
      ['sales', { wrapUpSeconds: 60 }],
    ] as const) {
      expect((await api(hub.url, `/api/queues/${queue}/routing`, { method: 'PUT', token: admin, body: settings })).status).toBe(200);
    }
  });

  afterAll(async () => {
    for (const socket of customers) socket.close();
    for (const each of agents) each.close();
    await hub?.stop();
  });

  it('offers a returning customer to their last agent first, on another channel too, and to the next best when that agent is away', async () => {
    const customer = await api(hub.url, '/api/customers', {
      method: 'POST',
      token: admin,
      body: { name: 'Karin Kjent', emails: ['karin@kjent.test'], faxNumbers: ['+4722334455'], segment: 'B' },
    });
    expect(customer.status).toBe(201);
    const xena = await agent({ email: 'xena@routing.test', name: 'Xena Kjent', queues: ['support'], capacity: { chat: 2, fax: 2 } });
    const yngve = await agent({ email: 'yngve@routing.test', name: 'Yngve Ledig', queues: ['support'], capacity: { chat: 2, fax: 2 } });

    await xena.setState('available');
    const first = xena.nextOffer();
    const firstChat = await chat({ name: 'Karin', email: 'karin@kjent.test' }, 'Hei igjen');
    const firstOffer = await first;
    await xena.accept(firstOffer);
    expect(await call(xena.socket, 'contact:end', { contactId: firstChat.contactId, disposition: 'resolved' })).toEqual({ ok: true });

    // Yngve is free longer than Xena now, so only the relationship can explain Xena getting the fax.
    await yngve.setState('available');
    await xena.setState('away');
    await xena.setState('available');
    const faxed = xena.nextOffer();
    const faxId = await sendFax(hub.url, FAX_SECRET, '+47 22 33 44 55', 'fax-sticky-1');
    const faxOffer = await faxed;
    expect(faxOffer.contact).toMatchObject({ id: faxId, channel: 'fax' });
    expect(faxOffer.screenPop.customer?.id).toBe(customer.body.id);
    const faxTrace = await routingTrace(hub.url, admin, faxId);
    expect(faxTrace.plan.stickyAgentId).toBe(xena.id);
    expect(faxTrace.decisions.find((d: { kind: string }) => d.kind === 'offered')).toMatchObject({ agentId: xena.id, why: "the customer's last agent" });
    expect(yngve.offers.map((offer) => offer.contact.id)).not.toContain(faxId);
    await xena.accept(faxOffer);
    expect(await call(xena.socket, 'contact:end', { contactId: faxId, disposition: 'resolved' })).toEqual({ ok: true });

    await xena.setState('away');
    const toYngve = yngve.nextOffer();
    const third = await chat({ name: 'Karin', email: 'karin@kjent.test' }, 'Ett spørsmål til');
    expect((await toYngve).contact.id).toBe(third.contactId);
    const offered = (await routingTrace(hub.url, admin, third.contactId)).decisions.find((d: { kind: string }) => d.kind === 'offered');
    expect(offered.considered[0]).toEqual({ agentId: xena.id, outcome: "passed over (the customer's last agent): away" });
    expect(offered).toMatchObject({ agentId: yngve.id, why: 'longest idle' });
    await call(third.socket, 'end', {});
    await yngve.setState('away');
  });

  it('moves an unanswered offer to the next agent, never offers a rejected contact to the same agent again, and sets away an agent who misses offers', async () => {
    const petra = await agent({ email: 'petra@routing.test', name: 'Petra Treg', queues: ['billing'], capacity: { chat: 3 } });
    const quentin = await agent({ email: 'quentin@routing.test', name: 'Quentin Nei', queues: ['billing'], capacity: { chat: 3 } });
    await petra.setState('available');
    await quentin.setState('available');

    const toPetra = petra.nextOffer();
    const toQuentin = quentin.nextOffer();
    const first = await chat({ name: 'Faktura 1' }, 'Spørsmål om faktura');
    const ignored = await toPetra;
    expect(ignored.contact.id).toBe(first.contactId);
    const withdrawn = next(petra.socket, 'contact:offer-withdrawn');
    const moved = await toQuentin;
    expect(moved.contact.id).toBe(first.contactId);
    expect(await withdrawn).toMatchObject({ offerId: ignored.offerId, reason: 'expired' });
    expect(await call(quentin.socket, 'offer:reject', { offerId: moved.offerId })).toEqual({ ok: true });

    // Both had it: it waits rather than go back to either.
    await until(async () => {
      const trace = await routingTrace(hub.url, admin, first.contactId);
      return trace.decisions.some((d: { kind: string; why?: string }) => d.kind === 'waiting' && d.why === 'every free agent was already offered this contact') && trace;
    });
    const trace = await routingTrace(hub.url, admin, first.contactId);
    expect(trace.offers.map((offer: { agentId: string; status: string }) => [offer.agentId, offer.status])).toEqual([
      [petra.id, 'expired'],
      [quentin.id, 'rejected'],
    ]);
    const waiting = trace.decisions.filter((d: { kind: string }) => d.kind === 'waiting').at(-1);
    expect(waiting.others).toEqual(
      expect.arrayContaining([
        { agentId: petra.id, reason: 'already offered this contact' },
        { agentId: quentin.id, reason: 'already offered this contact' },
      ]),
    );
    expect(await statusOf(first.contactId)).toBe('queued');

    // A second offer Petra lets run out is her second miss in a row: she is set away.
    const wentAway = next(petra.socket, 'agent:state', (payload: { state: string }) => payload.state === 'away', 15_000);
    const secondToPetra = petra.nextOffer();
    const second = await chat({ name: 'Faktura 2' }, 'Enda en faktura');
    expect((await secondToPetra).contact.id).toBe(second.contactId);
    await wentAway;
    expect((await hub.database.db.agent.findUniqueOrThrow({ where: { id: petra.id } })).state).toBe('away');
    const audit = await hub.database.db.auditLog.findFirst({ where: { entityId: petra.id, action: 'agent.state' }, orderBy: { id: 'desc' } });
    expect(audit?.data).toMatchObject({ state: 'away', actor: 'system:missed-offers' });
    await until(async () => quentin.offers.some((offer) => offer.contact.id === second.contactId));
    for (const socket of customers.slice(-2)) await call(socket, 'end', {});
    await quentin.setState('away');
  });

  it('gives an agent their wrap-up time before the next offer, ending early when the wrap-up is recorded', async () => {
    const wenche = await agent({ email: 'wenche@routing.test', name: 'Wenche Etterarbeid', queues: ['sales'], capacity: { chat: 2 } });
    await wenche.setState('available');
    const offered = wenche.nextOffer();
    const first = await chat({ name: 'Kjøper 1' }, 'Jeg vil ha et tilbud');
    await wenche.accept(await offered);
    expect(await call(wenche.socket, 'contact:end', { contactId: first.contactId })).toEqual({ ok: true });

    const second = await chat({ name: 'Kjøper 2' }, 'Også et tilbud, takk');
    const waiting = await until(async () => {
      const trace = await routingTrace(hub.url, admin, second.contactId);
      return trace.decisions.find((d: { kind: string }) => d.kind === 'waiting');
    });
    expect(waiting.others).toEqual([{ agentId: wenche.id, reason: expect.stringMatching(/^wrapping up for \d+ s more$/) }]);
    expect(await statusOf(second.contactId)).toBe('queued');

    const nextOffer = wenche.nextOffer();
    expect(await call(wenche.socket, 'contact:wrap-up', { contactId: first.contactId, disposition: 'sale' })).toEqual({ ok: true });
    expect((await nextOffer).contact.id).toBe(second.contactId);
    await call(second.socket, 'end', {});
    await wenche.setState('away');
  });

  it('transfers to a queue and to an agent with a note the next agent sees, never back to the agent who passed it on', async () => {
    const first = await agent({ email: 'forste@routing.test', name: 'Frida Førstelinje', queues: ['support'], capacity: { chat: 2 } });
    const billing = await agent({ email: 'faktura@routing.test', name: 'Finn Faktura', queues: ['billing'], capacity: { chat: 2 } });
    const expert = await agent({ email: 'ekspert@routing.test', name: 'Erik Ekspert', queues: ['enterprise'], capacity: { chat: 2 } });
    await Promise.all([first.setState('available'), billing.setState('available'), expert.setState('available')]);

    const offered = first.nextOffer();
    const customer = await chat({ name: 'Trude' }, 'Jeg er belastet to ganger');
    await first.accept(await offered);

    const toBilling = billing.nextOffer();
    const transferred = await call<{ ok: boolean; queueId: string }>(first.socket, 'contact:transfer', {
      contactId: customer.contactId,
      to: { queue: 'billing' },
      note: 'Dobbel belastning 12. mai, be om kreditnota',
    });
    expect(transferred).toEqual({ ok: true, queueId: 'billing' });
    const billingOffer = await toBilling;
    expect(billingOffer.contact).toMatchObject({ id: customer.contactId, queue: 'billing', transferNote: 'Dobbel belastning 12. mai, be om kreditnota' });
    expect(billingOffer.screenPop.transfers).toEqual([
      expect.objectContaining({ from: { agentId: first.id, name: 'Frida Førstelinje' }, to: { queue: 'billing' }, note: 'Dobbel belastning 12. mai, be om kreditnota' }),
    ]);
    expect(billingOffer.screenPop.conversation?.map((message) => message.text)).toContain('Jeg er belastet to ganger');
    await billing.accept(billingOffer);

    const toExpert = expert.nextOffer();
    const direct = await api(hub.url, `/api/contacts/${customer.contactId}/transfer`, {
      method: 'POST',
      token: billing.token,
      body: { to: { agentId: expert.id }, note: 'Gjelder bedriftsavtalen' },
    });
    expect(direct).toEqual({ status: 200, body: { queueId: 'billing' } });
    const expertOffer = await toExpert;
    expect(expertOffer.screenPop.transfers?.map((record) => record.note)).toEqual(['Dobbel belastning 12. mai, be om kreditnota', 'Gjelder bedriftsavtalen']);
    const trace = await routingTrace(hub.url, admin, customer.contactId);
    expect(trace.plan).toMatchObject({ excludedAgents: [billing.id] });
    expect(trace.decisions.filter((d: { kind: string }) => d.kind === 'offered').map((d: { agentId: string }) => d.agentId)).toEqual([first.id, billing.id, expert.id]);

    const refused = await api(hub.url, `/api/contacts/${customer.contactId}/transfer`, { method: 'POST', token: first.token, body: { to: { queue: 'sales' } } });
    expect(refused.status).toBe(403);
    const badQueue = await call<{ ok: boolean; error: { code: string } }>(expert.socket, 'contact:transfer', { contactId: customer.contactId, to: { queue: 'billing', agentId: first.id } });
    expect(badQueue).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await call(customer.socket, 'end', {});
  });
});

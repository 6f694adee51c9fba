import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer } from '@sentral/contract';
import { call, connect, login, next, until } from '../support/sockets.ts';
import { checkTwiml, findAll } from '../support/twiml.ts';
import { contactIdOf, ourNumber, redirectUrl, ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

describe('a call through the IVR to an agent', () => {
  let voice: VoiceTestHub;
  let agentSocket: Socket;
  let agentId: string;
  let agentToken: string;

  beforeAll(async () => {
    voice = await startVoiceHub();
    const session = await login(voice.hub.url, 'agent@demo.test', 'agent');
    agentId = session.agent.id;
    agentToken = session.token;
    agentSocket = await connect(voice.hub.url, '/agent', { token: session.token });
  });

  afterAll(async () => {
    agentSocket?.close();
    await voice?.stop();
  });

  it('serves a known caller, queues them with their place in line, bridges the agent and keeps the journey in the pop', async () => {
    const db = voice.hub.database.db;
    // A Norwegian customer alone on their number, with an order on its way.
    const customer = await db.customer.findFirstOrThrow({
      where: { language: 'nb', orders: { some: { status: 'shipped', expectedDelivery: { not: null } } } },
      include: { identities: { where: { kind: 'phone' } }, orders: { where: { status: { notIn: ['delivered', 'cancelled'] } }, orderBy: { placedAt: 'desc' } } },
    });
    const phone = customer.identities[0]!.value;
    const caller = new ScriptedCall(voice.webhooks, phone);

    // Greeting and language menu, each language in its own voice.
    let twiml = await caller.start();
    expect(caller.said()).toContain('Velkommen til Nordisk Varme');
    const languageSays = findAll(twiml, 'Gather')[0]!.children.filter((c) => c.name === 'Say');
    expect(languageSays.map((say) => say.attributes['language'])).toEqual(['nb-NO', 'da-DK', 'en-GB']);

    twiml = await caller.press('1');
    expect(caller.said()).toContain('For ordrestatus, trykk 1.');
    expect(findAll(twiml, 'Gather')[0]!.attributes).toMatchObject({ input: 'dtmf speech', numDigits: '1', language: 'nb-NO' });

    // Order status, read from the customer's own orders.
    await caller.press('1');
    const newest = customer.orders[0]!;
    expect(caller.said()).toContain(`Ordre ${[...newest.number.replace(/\D/g, '')].join(' ')} er`);
    expect(caller.said()).toContain('For å snakke med en rådgiver, trykk 0.');

    // "Speak to an adviser": the contact opens and the caller waits.
    twiml = await caller.press('0');
    expect(caller.said()).toContain('Vi setter deg over til en rådgiver.');
    const contactId = contactIdOf(findAll(twiml, 'Redirect')[0]!.text);
    const stored = await db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(stored).toMatchObject({ channel: 'voice', externalId: caller.callSid, queueId: 'support', language: 'nb' });

    // Waiting: the wait loop announces the place in line once the contact is queued.
    await until(async () => {
      await caller.follow();
      return /Du er (den neste|nummer \d+) i køen/.test(caller.said()) ? true : null;
    }, 20_000, 200);
    expect(caller.said()).toMatch(/Du er (den neste|nummer \d+) i køen/);
    expect(caller.said()).toContain('Vil du heller at vi ringer deg opp, trykk 1.');

    // An agent becomes available and gets the offer, with the pop and the journey.
    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.id === contactId, 20_000);
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const offer = await offered;
    expect(offer.contact.channel).toBe('voice');
    expect(offer.screenPop.identification).toEqual({ method: 'phone', confidence: 0.85 });
    expect(offer.screenPop.customer?.id).toBe(customer.id);
    expect(offer.screenPop.journey.map((step) => step.step)).toEqual(['identification', 'language', 'order-status', 'agent']);
    expect(offer.screenPop.journey[2]!.result).toContain(newest.number);

    // Accepting bridges: the caller's call is moved into the conference and the agent's browser is called.
    expect(await call(agentSocket, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    const moved = await voice.cloud.waitFor((r) => r.kind === 'update' && r.callSid === caller.callSid);
    expect(moved.params['Url']).toBe(`${voice.webhooks.publicUrl('/webhooks/twilio/voice/connect')}?c=${contactId}`);
    const agentLeg = await voice.cloud.waitFor((r) => r.kind === 'create');
    expect(agentLeg.params).toMatchObject({ To: `client:agent_${agentId.replace(/-/g, '')}`, From: ourNumber, Url: `${voice.webhooks.publicUrl('/webhooks/twilio/voice/agent')}?c=${contactId}` });

    twiml = await caller.post(moved.params['Url']!);
    const conference = findAll(twiml, 'Conference')[0]!;
    expect(conference.text).toBe(`sentral-${contactId}`);
    expect(conference.attributes).toMatchObject({ startConferenceOnEnter: 'false', endConferenceOnExit: 'true' });
    const agentAnswer = await voice.webhooks.post(agentLeg.params['Url']!, voice.webhooks.baseParams({ callSid: agentLeg.callSid, from: ourNumber, to: agentLeg.params['To']!, direction: 'outbound-api' }));
    const agentTwiml = checkTwiml(agentAnswer.body);
    expect(findAll(agentTwiml, 'Conference')[0]).toMatchObject({ text: `sentral-${contactId}`, attributes: { startConferenceOnEnter: 'true' } });
    expect(findAll(agentTwiml, 'Say')[0]!.text).toBe(`Samtale fra ${customer.name}.`);

    // The caller hangs up: the contact ends, with its journey kept in the stored pop.
    const ended = next<{ contactId: string }>(agentSocket, 'contact:ended', (p) => p.contactId === contactId);
    expect((await caller.hangUp()).status).toBe(204);
    await ended;
    const finished = await db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { events: { orderBy: { id: 'asc' } }, offers: true } });
    expect(finished.status).toBe('ended');
    expect(finished.events.map((e) => e.type)).toEqual(['arrived', 'self-service', 'handed-over', 'identified', 'queued', 'offered', 'accepted', 'ended']);
    const pop = finished.offers[0]!.screenPop as { journey: Array<{ step: string; result: string }> };
    expect(pop.journey.map((step) => step.step)).toEqual(['identification', 'language', 'order-status', 'agent']);

    // Every TwiML document of the call parses and uses only Twilio's voice verbs (checked again here, all together).
    expect(voice.documents.length).toBeGreaterThanOrEqual(7);
    for (const document of voice.documents) expect(() => checkTwiml(document)).not.toThrow();
  });

  /** An unknown caller asks for customer service and hears their place in line. */
  async function waitingCaller(from: string, position: RegExp): Promise<{ caller: ScriptedCall; contactId: string }> {
    const caller = new ScriptedCall(voice.webhooks, from);
    await caller.start();
    await caller.press('1');
    await caller.press('0');
    const contactId = contactIdOf(redirectUrl(await caller.press('2')));
    await until(async () => {
      await caller.follow();
      return position.test(caller.said()) ? true : null;
    }, 20_000, 200);
    return { caller, contactId };
  }

  it('records a caller who hangs up while waiting as abandoned, with the time waited', async () => {
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
    const { caller, contactId } = await waitingCaller('+4722000010', /Du er den neste i køen/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await caller.hangUp()).status).toBe(204);
    const contact = await voice.hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(contact.status).toBe('abandoned');
    const abandoned = contact.events.at(-1)!;
    expect(abandoned).toMatchObject({ type: 'abandoned', actor: 'customer' });
    expect((abandoned.data as { waitSeconds: number }).waitSeconds).toBeGreaterThan(0.3);
  });

  it('keeps the place of a caller who asks to be called back, and calls them when an agent is offered the contact', async () => {
    const db = voice.hub.database.db;
    const first = await waitingCaller('+4722000020', /Du er den neste i køen/);
    await first.caller.press('1');
    expect(first.caller.said()).toContain('Vi ringer deg opp på nummeret du ringer fra når det er din tur.');
    expect(findAll(first.caller.now(), 'Hangup')).toHaveLength(1);
    expect((await first.caller.hangUp()).status).toBe(204);
    expect((await db.contact.findUniqueOrThrow({ where: { id: first.contactId } })).status).toBe('queued');

    // A later caller waits behind the one who will be called back.
    const second = await waitingCaller('+4722000021', /Du er nummer 2 i køen/);
    expect(voice.cloud.requests.filter((r) => r.kind === 'create' && r.params['To'] === first.caller.from)).toHaveLength(0);

    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.id === first.contactId, 20_000);
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const offer = await offered;
    const callback = await voice.cloud.waitFor((r) => r.kind === 'create' && r.params['To'] === first.caller.from);
    expect(callback.params).toMatchObject({ From: ourNumber, Url: `${voice.webhooks.publicUrl('/webhooks/twilio/voice/callback')}?c=${first.contactId}`, MachineDetection: 'Enable' });

    // The customer answers our call: greeted, then waits for the agent.
    const leg = voice.webhooks.baseParams({ callSid: callback.callSid, from: ourNumber, to: first.caller.from, direction: 'outbound-api' });
    const answered = await voice.webhooks.post(callback.params['Url']!, leg);
    const greeting = checkTwiml(answered.body);
    expect(findAll(greeting, 'Say')[0]!.text).toBe('Hei! Vi ringer deg opp igjen, slik du ba om.');

    // Accepting moves the called-back leg, not the original call, into the conference.
    expect(await call(agentSocket, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    const moved = await voice.cloud.waitFor((r) => r.kind === 'update' && r.callSid === callback.callSid);
    expect(moved.params['Url']).toBe(`${voice.webhooks.publicUrl('/webhooks/twilio/voice/connect')}?c=${first.contactId}`);
    const journey = (await db.contact.findUniqueOrThrow({ where: { id: first.contactId } })).journey as Array<{ step: string; result: string }>;
    expect(journey.filter((s) => s.step === 'callback').map((s) => s.result)).toEqual([
      'ba om å bli ringt opp, beholdt plassen i køen',
      'vi ringte kunden opp',
      'kunden svarte',
    ]);

    // The called-back customer hangs up: the conversation ends; the other caller gives up.
    const ended = await voice.webhooks.post(callback.params['StatusCallback']!, { ...leg, CallStatus: 'completed' });
    expect(ended.status).toBe(204);
    await until(async () => (await db.contact.findUniqueOrThrow({ where: { id: first.contactId } })).status === 'ended');
    await second.caller.hangUp();
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
  });

  /** A caller put through to customer service and accepted by the agent, bridged into the conference. */
  async function acceptedCall(from: string): Promise<{ caller: ScriptedCall; contactId: string; agentLeg: string }> {
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
    const { caller, contactId } = await waitingCaller(from, /i køen/);
    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.id === contactId, 20_000);
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    expect(await call(agentSocket, 'offer:accept', { offerId: (await offered).offerId })).toMatchObject({ ok: true });
    const agentLeg = await voice.cloud.waitFor((r) => r.kind === 'create' && r.params['Url'] === `${voice.webhooks.publicUrl('/webhooks/twilio/voice/agent')}?c=${contactId}`);
    await voice.cloud.waitFor((r) => r.kind === 'update' && r.callSid === caller.callSid && r.params['Url']?.includes('/connect') === true);
    return { caller, contactId, agentLeg: agentLeg.callSid };
  }

  it('rings the phone number an agent gave, moves a transferred caller back into line and hangs up the first agent\'s leg', async () => {
    const endpoint = (phoneNumber: string | null) =>
      fetch(`${voice.hub.url}/api/voice/endpoint`, { method: 'PUT', headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumber }) });
    expect((await endpoint('+4791555000')).status).toBe(200);
    const { caller, contactId, agentLeg } = await acceptedCall('+4722000040');
    expect(voice.cloud.requests.find((r) => r.callSid === agentLeg)?.params).toMatchObject({ To: '+4791555000', From: ourNumber });
    expect((await endpoint(null)).status).toBe(200);
    const before = voice.cloud.requests.length;
    expect(await call(agentSocket, 'contact:transfer', { contactId, to: { queue: 'billing' }, note: 'Vil betale en faktura' })).toMatchObject({ ok: true });
    const back = await voice.cloud.waitFor((r) => voice.cloud.requests.indexOf(r) >= before && r.callSid === caller.callSid);
    expect(back.params['Url']).toBe(`${voice.webhooks.publicUrl('/webhooks/twilio/voice/wait')}?c=${contactId}`);
    const hungUp = await voice.cloud.waitFor((r) => r.callSid === agentLeg && r.params['Status'] === 'completed');
    expect(hungUp.kind).toBe('update');
    await caller.post(back.params['Url']!);
    expect(caller.said()).toMatch(/(i køen|Takk for at du venter)/);
    await caller.hangUp();
  });

  it('says goodbye to the caller and hangs up both legs when the agent ends the call', async () => {
    const { caller, contactId, agentLeg } = await acceptedCall('+4722000041');
    expect(await call(agentSocket, 'contact:end', { contactId })).toMatchObject({ ok: true });
    const goodbye = await voice.cloud.waitFor((r) => r.callSid === caller.callSid && r.params['Url']?.includes('/after') === true);
    await voice.cloud.waitFor((r) => r.callSid === agentLeg && r.params['Status'] === 'completed');
    const twiml = await caller.post(goodbye.params['Url']!);
    // The rating question first (answered by keying a score, see supervisor-monitor.test.ts), then goodbye.
    expect(caller.said()).toMatch(/^Før du går: .* Takk for at du ringte\. Ha en fin dag!$/);
    expect(findAll(twiml, 'Hangup')).toHaveLength(1);
    expect((await caller.hangUp()).status).toBe(204);
    expect((await voice.hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } })).status).toBe('ended');
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
  });

  it("calls the agent once more when their browser does not take the call", async () => {
    const { caller, contactId, agentLeg } = await acceptedCall('+4722000042');
    const first = voice.cloud.requests.find((r) => r.callSid === agentLeg)!;
    const missed = (callSid: string) =>
      voice.webhooks.post(first.params['StatusCallback']!, { ...voice.webhooks.baseParams({ callSid, from: ourNumber, to: first.params['To']!, direction: 'outbound-api' }), CallStatus: 'no-answer' });
    expect((await missed(agentLeg)).status).toBe(204);
    const again = await voice.cloud.waitFor((r) => r.kind === 'create' && r.callSid !== agentLeg && r.params['Url'] === first.params['Url']);
    expect(again.params['To']).toBe(first.params['To']);
    // A second miss leaves the caller on hold: no third call.
    expect((await missed(again.callSid)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(voice.cloud.requests.filter((r) => r.kind === 'create' && r.params['Url'] === first.params['Url'])).toHaveLength(2);
    expect(await call(agentSocket, 'contact:end', { contactId })).toMatchObject({ ok: true });
    await caller.hangUp();
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
  });

  it('calls the agent again when Twilio reports the first call failed before it has answered the request to place it', async () => {
    // Twilio may send a leg's final status before the hub has the new call's sid back from the REST
    // request. The first agent leg is reported busy, and processed, before the cloud answers its creation.
    let report: Promise<number> | undefined;
    const stop = voice.cloud.onRequest(async (request) => {
      if (request.kind !== 'create' || !request.params['Url']?.startsWith(voice.webhooks.publicUrl('/webhooks/twilio/voice/agent'))) return;
      stop();
      const base = voice.webhooks.baseParams({ callSid: request.callSid, from: ourNumber, to: request.params['To']!, direction: 'outbound-api' });
      report = voice.webhooks.post(request.params['StatusCallback']!, { ...base, CallStatus: 'busy' }).then((response) => response.status);
      await report;
    });
    const { caller, contactId, agentLeg } = await acceptedCall('+4722000043');
    const first = voice.cloud.requests.find((r) => r.callSid === agentLeg)!;
    const again = await voice.cloud.waitFor((r) => r.kind === 'create' && r.callSid !== agentLeg && r.params['Url'] === first.params['Url']);
    expect(await report).toBe(204);
    expect(again.params['To']).toBe(first.params['To']);
    // The late answer to the first creation does not make the failed leg the agent's leg again.
    const agentCallSid = async () => {
      const stored = await voice.hub.database.db.connectorSession.findFirstOrThrow({ where: { key: `call:${caller.callSid}` } });
      return (stored.value as { bridge?: { agentCallSid?: string | null } }).bridge?.agentCallSid;
    };
    await until(async () => (await agentCallSid()) === again.callSid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await agentCallSid()).toBe(again.callSid);
    expect(await call(agentSocket, 'contact:end', { contactId })).toMatchObject({ ok: true });
    await caller.hangUp();
    expect(await call(agentSocket, 'agent:state', { state: 'away' })).toMatchObject({ ok: true });
  });
});

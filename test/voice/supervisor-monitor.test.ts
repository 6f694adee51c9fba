import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer } from '@sentral/contract';
import { call, connect, login, next, until } from '../support/sockets.ts';
import { findAll } from '../support/twiml.ts';
import { contactIdOf, ourNumber, redirectUrl, ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

/** A supervisor listens, whispers and barges into a call through the contact's Twilio conference; callers rate the call. */
describe('supervising calls', () => {
  let voice: VoiceTestHub;
  let agentSocket: Socket;
  let supervisor: { token: string; id: string };
  let agentToken: string;

  beforeAll(async () => {
    voice = await startVoiceHub();
    const agent = await login(voice.hub.url, 'agent@demo.test', 'agent');
    agentToken = agent.token;
    agentSocket = await connect(voice.hub.url, '/agent', { token: agent.token });
    const lead = await login(voice.hub.url, 'supervisor@demo.test', 'supervisor');
    supervisor = { token: lead.token, id: lead.agent.id };
  });

  afterAll(async () => {
    agentSocket?.close();
    await voice?.stop();
  });

  const monitor = async (contactId: string, mode: string, token = supervisor.token) => {
    const response = await fetch(`${voice.hub.url}/api/supervisor/contacts/${contactId}/monitor`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('joins the conference muted, as the agent’s coach, or as a third party', async () => {
    const caller = new ScriptedCall(voice.webhooks, '+4722000077');
    await caller.start();
    await caller.press('1');
    await caller.press('0');
    const contactId = contactIdOf(redirectUrl(await caller.press('2')));
    await until(async () => {
      await caller.follow();
      return /i køen/.test(caller.said()) ? true : null;
    }, 20_000, 200);
    // Waiting, not yet connected: there is nothing to listen to.
    expect(await monitor(contactId, 'listen')).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });

    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.id === contactId, 20_000);
    await call(agentSocket, 'agent:state', { state: 'available' });
    expect(await call(agentSocket, 'offer:accept', { offerId: (await offered).offerId })).toMatchObject({ ok: true });
    const agentLeg = await voice.cloud.waitFor((r) => r.kind === 'create' && r.params['Url']?.endsWith(`c=${contactId}`) === true);
    await until(async () => {
      const session = await voice.hub.database.db.connectorSession.findFirst({ where: { key: `call:${caller.callSid}` } });
      return (session?.value as { bridge?: { agentCallSid?: string | null } } | undefined)?.bridge?.agentCallSid ? true : null;
    });

    const supervisorClient = `client:agent_${supervisor.id.replace(/-/g, '')}`;
    const listened = await monitor(contactId, 'listen');
    expect(listened).toMatchObject({ status: 200, body: { participantId: expect.stringMatching(/^CA/) } });
    const listen = await voice.cloud.waitFor((r) => r.kind === 'join' && r.callSid === listened.body['participantId']);
    expect(listen.conference).toBe(`sentral-${contactId}`);
    expect(listen.params).toMatchObject({ To: supervisorClient, From: ourNumber, Muted: 'true', EndConferenceOnExit: 'false', StartConferenceOnEnter: 'false' });
    expect(listen.params['Coaching']).toBeUndefined();

    const whispered = await monitor(contactId, 'whisper');
    const whisper = await voice.cloud.waitFor((r) => r.kind === 'join' && r.callSid === whispered.body['participantId']);
    expect(whisper.params).toMatchObject({ Muted: 'false', Coaching: 'true', CallSidToCoach: agentLeg.callSid });

    const barged = await monitor(contactId, 'barge');
    const barge = await voice.cloud.waitFor((r) => r.kind === 'join' && r.callSid === barged.body['participantId']);
    expect(barge.params).toMatchObject({ Muted: 'false' });
    expect(barge.params['Coaching']).toBeUndefined();

    const audits = await voice.hub.database.db.auditLog.findMany({ where: { entityId: contactId, action: { startsWith: 'contact.monitor.' } }, orderBy: { id: 'asc' } });
    expect(audits.map((audit) => [audit.action, audit.actorId])).toEqual([
      ['contact.monitor.listen', supervisor.id],
      ['contact.monitor.whisper', supervisor.id],
      ['contact.monitor.barge', supervisor.id],
    ]);
    // Agents cannot listen in on each other.
    expect(await monitor(contactId, 'listen', agentToken)).toMatchObject({ status: 403 });
    expect((await caller.hangUp()).status).toBe(204);
  });

  it('asks the caller for a 1–10 rating once the agent has gone, and stores it', async () => {
    const caller = new ScriptedCall(voice.webhooks, '+4722000078');
    await caller.start();
    await caller.press('1');
    await caller.press('0');
    const contactId = contactIdOf(redirectUrl(await caller.press('2')));
    const offered = next<ContactOffer>(agentSocket, 'contact:offer', (offer) => offer.contact.id === contactId, 20_000);
    await call(agentSocket, 'agent:state', { state: 'available' });
    expect(await call(agentSocket, 'offer:accept', { offerId: (await offered).offerId })).toMatchObject({ ok: true });
    await voice.cloud.waitFor((r) => r.kind === 'update' && r.callSid === caller.callSid && r.params['Url']?.includes('/connect') === true);

    // The agent ends the call: the caller is moved on to the survey instead of a bare goodbye.
    expect(await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
    const movedOn = await voice.cloud.waitFor((r) => r.kind === 'update' && r.callSid === caller.callSid && r.params['Url']?.includes('/after') === true);
    const survey = await caller.post(movedOn.params['Url']!);
    expect(caller.said()).toContain('Tast en karakter fra 1 til 10');
    const gather = findAll(survey, 'Gather')[0]!;
    expect(gather.attributes).toMatchObject({ numDigits: '2', finishOnKey: '#', input: 'dtmf' });

    await caller.post(gather.attributes['action']!, { Digits: '9' });
    expect(caller.said()).toContain('Takk for tilbakemeldingen!');
    expect(await voice.hub.database.db.contactRating.findUnique({ where: { contactId } })).toMatchObject({ score: 9, source: 'ivr' });
    // Keyed again (a retried webhook): the first rating stands.
    await caller.post(gather.attributes['action']!, { Digits: '2' });
    expect(await voice.hub.database.db.contactRating.findUnique({ where: { contactId } })).toMatchObject({ score: 9 });
  });
});

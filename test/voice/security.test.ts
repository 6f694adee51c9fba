import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTwiml, findAll, spoken } from '../support/twiml.ts';
import { gatherAction, newCallSid, ourNumber, ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

describe('voice webhooks: signatures, retries and the fallback', () => {
  let voice: VoiceTestHub;

  beforeAll(async () => {
    voice = await startVoiceHub({ backend: 'postgres' });
  });

  afterAll(async () => {
    await voice?.stop();
  });

  const db = () => voice.hub.database.db;
  const stored = async () => ({ sessions: await db().connectorSession.count(), contacts: await db().contact.count() });
  const incoming = () => voice.webhooks.baseParams({ callSid: newCallSid(), from: '+4722000030', to: ourNumber, status: 'ringing' });

  it('refuses a missing or wrong signature with 403 and stores nothing', async () => {
    const before = await stored();
    const params = incoming();
    const url = voice.webhooks.publicUrl('/webhooks/twilio/voice');
    const attempts = [
      await voice.webhooks.post(url, params, { signature: null }),
      await voice.webhooks.post(url, params, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
      await voice.webhooks.post(url, params, { signature: twilio.getExpectedTwilioSignature('another-accounts-auth-token', url, params) }),
      await voice.webhooks.post('/webhooks/twilio/voice/status', { ...params, CallStatus: 'completed' }, { signature: null }),
    ];
    for (const answer of attempts) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'FORBIDDEN', message: 'missing or invalid X-Twilio-Signature' } });
    }
    expect(await stored()).toEqual(before);
  });

  it('checks signatures against PUBLIC_BASE_URL, so they validate behind a proxy whatever Host the request carries', async () => {
    const params = incoming();
    // What a check built from the request's own Host would expect: refused.
    const local = await voice.webhooks.post('/webhooks/twilio/voice', params, { signedUrl: `${voice.hub.url}/webhooks/twilio/voice` });
    expect(local.status).toBe(403);
    const proxied = await voice.webhooks.post('/webhooks/twilio/voice', params, {
      headers: { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'http', forwarded: 'host=attacker.example' },
    });
    expect(proxied.status).toBe(200);
    expect(spoken(checkTwiml(proxied.body))).toContain('Velkommen til Nordisk Varme.');
  });

  it('refuses parameters beyond the signed set', async () => {
    const before = await stored();
    const params = incoming();
    const url = voice.webhooks.publicUrl('/webhooks/twilio/voice');
    const extraField = await voice.webhooks.post(url, params, { extra: { Digits: '9' } });
    const extraQuery = await voice.webhooks.post(`${url}?queue=enterprise`, params, { signedUrl: url });
    const repeated = await voice.webhooks.post(url, params, { body: `${new URLSearchParams(params).toString()}&From=${encodeURIComponent(params['From']!)}` });
    expect([extraField.status, extraQuery.status, repeated.status]).toEqual([403, 403, 403]);
    expect(await stored()).toEqual(before);
  });

  it('treats one signed request delivered three times as one: one call, one contact, one answer', async () => {
    const caller = new ScriptedCall(voice.webhooks, '+4722000031');
    const first = await voice.webhooks.post('/webhooks/twilio/voice', caller.params({ CallStatus: 'ringing' }));
    const repeats = await Promise.all([1, 2, 3].map(() => voice.webhooks.post('/webhooks/twilio/voice', caller.params({ CallStatus: 'ringing' }))));
    expect(repeats.map((r) => r.body)).toEqual([first.body, first.body, first.body]);
    caller.current = checkTwiml(first.body);

    await caller.press('1');
    await caller.press('0');
    // The step that opens the contact, delivered three times at once.
    const action = gatherAction(caller.now());
    const answers = await Promise.all([1, 2, 3].map(() => voice.webhooks.post(action, caller.params({ Digits: '2' }))));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await db().contact.count({ where: { externalId: caller.callSid } })).toBe(1);
    const session = await db().connectorSession.findUniqueOrThrow({ where: { connector_key: { connector: 'twilio-voice', key: `call:${caller.callSid}` } } });
    expect((session.value as { seq: number }).seq).toBe(4);

    // The hang-up reported three times: abandoned once.
    const statuses = await Promise.all([1, 2, 3].map(() => caller.hangUp()));
    expect(statuses.map((s) => s.status)).toEqual([204, 204, 204]);
    const contact = await db().contact.findFirstOrThrow({ where: { externalId: caller.callSid }, include: { events: true } });
    expect(contact.status).toBe('abandoned');
    expect(contact.events.filter((e) => e.type === 'abandoned')).toHaveLength(1);
  });

  it('re-asks on silence and hears a late request as the current prompt, without moving the call', async () => {
    const caller = new ScriptedCall(voice.webhooks, '+4722000032');
    const greeting = await caller.start();
    const stale = gatherAction(greeting);
    await caller.silence();
    expect(caller.said()).toContain('Jeg fikk ikke med meg noe valg.');
    await caller.press('1');
    // The first prompt's action arrives late: the caller hears the menu they are in, nothing changes.
    const late = checkTwiml((await voice.webhooks.post(stale, caller.params({ Digits: '3' }))).body);
    expect(spoken(late)).toContain('For ordrestatus, trykk 1.');
  });

  it('answers the fallback URL from memory with an apology in the flow\'s languages', async () => {
    const answer = await voice.webhooks.post('/webhooks/twilio/voice/fallback', { ...incoming(), ErrorCode: '11200', ErrorUrl: voice.webhooks.publicUrl('/webhooks/twilio/voice') });
    expect(answer.status).toBe(200);
    const twiml = checkTwiml(answer.body);
    expect(findAll(twiml, 'Say').map((say) => say.attributes['language'])).toEqual(['nb-NO', 'da-DK', 'en-GB']);
    expect(spoken(twiml)).toContain('Vi har dessverre tekniske problemer');
    expect(findAll(twiml, 'Hangup')).toHaveLength(1);
  });
});

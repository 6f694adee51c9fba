import { expect } from 'vitest';
import { TwilioCloud, newCallSid } from '../../services/simulator/src/voice/twilio-cloud.ts';
import { TwilioWebhookClient } from '../../services/simulator/src/voice/webhooks.ts';
import { startTestHub, type Backend, type TestHub } from './hub.ts';
import { checkTwiml, findAll, spoken, type TwimlElement } from './twiml.ts';

export { newCallSid, TwilioCloud };

export const twilioAccount = { accountSid: `AC${'a1'.repeat(16)}`, authToken: 'sentral-test-auth-token-0123456789' };
/** What Twilio calls: a proxy in front of the hub, under a path prefix the proxy strips. */
export const publicBaseUrl = 'https://voice.sentral.example/cc';
export const ourNumber = '+4721000000';

export interface VoiceTestHub {
  hub: TestHub;
  cloud: TwilioCloud;
  webhooks: TwilioWebhookClient;
  /** Every TwiML document the hub answered with in this hub's tests. */
  documents: string[];
  stop(): Promise<void>;
}

/** A hub with voice on, its Twilio REST calls going to a local recording stand-in. */
export async function startVoiceHub(options: { backend?: Backend; env?: Record<string, string> } = {}): Promise<VoiceTestHub> {
  const cloud = await TwilioCloud.start({ accountSid: twilioAccount.accountSid });
  const hub = await startTestHub({
    backend: options.backend ?? 'redis',
    env: {
      TWILIO_ACCOUNT_SID: twilioAccount.accountSid,
      TWILIO_AUTH_TOKEN: twilioAccount.authToken,
      TWILIO_API_BASE_URL: cloud.url,
      PUBLIC_BASE_URL: publicBaseUrl,
      ...options.env,
    },
  });
  const documents: string[] = [];
  // Every TwiML answer of every test is checked as it arrives: well-formed, Twilio's verbs and attributes only.
  const webhooks = new TwilioWebhookClient({
    hubUrl: hub.url,
    publicBaseUrl,
    ...twilioAccount,
    onTwiml: (twiml) => {
      documents.push(twiml);
      checkTwiml(twiml);
    },
  });
  return {
    hub,
    cloud,
    webhooks,
    documents,
    async stop() {
      await hub.stop();
      await cloud.close();
    },
  };
}

/** The caller's side of one call: posts what Twilio would post and follows the TwiML it gets back. */
export class ScriptedCall {
  readonly callSid = newCallSid();
  current: TwimlElement | null = null;

  constructor(
    private readonly webhooks: TwilioWebhookClient,
    readonly from: string,
    readonly to = ourNumber,
  ) {}

  params(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.webhooks.baseParams({ callSid: this.callSid, from: this.from, to: this.to }), ...extra };
  }

  async post(url: string, extra: Record<string, string> = {}): Promise<TwimlElement> {
    const answer = await this.webhooks.post(url, this.params(extra));
    expect(answer.status, answer.body).toBe(200);
    expect(answer.contentType).toContain('text/xml');
    this.current = checkTwiml(answer.body);
    return this.current;
  }

  start(): Promise<TwimlElement> {
    return this.post('/webhooks/twilio/voice', { CallStatus: 'ringing' });
  }

  /** Keys digits into the open <Gather> (or hands the <Pay> result to its action). */
  press(digits: string): Promise<TwimlElement> {
    return this.post(gatherAction(this.now()), { Digits: digits });
  }

  /** Says nothing: Twilio falls through to the <Redirect> after the <Gather>. */
  silence(): Promise<TwimlElement> {
    return this.post(redirectUrl(this.now()));
  }

  follow(): Promise<TwimlElement> {
    return this.post(redirectUrl(this.now()));
  }

  hangUp(status = 'completed'): Promise<{ status: number }> {
    return this.webhooks.post('/webhooks/twilio/voice/status', this.params({ CallStatus: status, CallDuration: '42' }));
  }

  said(): string {
    return spoken(this.now());
  }

  now(): TwimlElement {
    if (!this.current) throw new Error('the call has not started');
    return this.current;
  }
}

export function gatherAction(root: TwimlElement): string {
  const gather = findAll(root, 'Gather')[0] ?? findAll(root, 'Pay')[0];
  if (!gather?.attributes['action']) throw new Error('no <Gather> or <Pay> with an action');
  return gather.attributes['action'];
}

export function redirectUrl(root: TwimlElement): string {
  const redirect = findAll(root, 'Redirect').at(-1);
  if (!redirect) throw new Error('no <Redirect>');
  return redirect.text.trim();
}

export function contactIdOf(url: string): string {
  const contactId = new URL(url).searchParams.get('c');
  if (!contactId) throw new Error(`no contact in ${url}`);
  return contactId;
}

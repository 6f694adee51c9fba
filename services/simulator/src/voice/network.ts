import { TwilioCloud, newCallSid, type RestRequest } from './twilio-cloud.ts';
import { findAll, parseTwimlRoots, spoken, type TwimlElement } from './twiml.ts';
import { TwilioWebhookClient } from './webhooks.ts';

/** What a person on a call does when asked something. */
export interface CallParty {
  /** Keys for an open <Gather>, given what was just said and where the answer goes; null stays silent. */
  answer(said: string, gather: TwimlElement): string | null;
  /** The outcome of a <Pay> (card details are typed into Twilio, never seen by Sentral). */
  pay(pay: TwimlElement): Record<string, string>;
  /** Every URL the call's TwiML came from (the IVR's wait URL names the contact). */
  fetched?(url: string, sentAt: number): void;
}

export interface NetworkOptions {
  accountSid: string;
  authToken: string;
  /** The hub as this process reaches it, and its PUBLIC_BASE_URL. */
  hubUrl: string;
  publicBaseUrl: string;
  /** Where the Twilio REST stand-in listens: the hub's TWILIO_API_BASE_URL. */
  restPort: number;
  restHost?: string;
  /** Seconds of <Pause> and ringing become this share of real time. */
  timeScale: number;
  onError?: (reason: string) => void;
}

class Hangup extends Error {}

const AGENT_ANSWER_MS = 150;

/**
 * A small telephone network standing in for Twilio: inbound calls to the hub's voice webhook, the
 * TwiML they get back carried out verb by verb (Say, Gather, Pause, Redirect, Dial into a
 * Conference, Pay, Hangup), calls the hub places through the REST API answered by agents' devices
 * or by customers waiting for a call back, calls the hub moves or hangs up, and status callbacks.
 */
export class PhoneNetwork {
  private readonly calls = new Map<string, SimulatedCall>();
  private readonly conferences = new Map<string, Set<SimulatedCall>>();
  /** Customers who asked to be called back, by their number. */
  private readonly awaitingCallback = new Map<string, CallParty>();
  readonly webhooks: TwilioWebhookClient;

  private constructor(
    readonly cloud: TwilioCloud,
    readonly options: NetworkOptions,
  ) {
    this.webhooks = new TwilioWebhookClient({ hubUrl: options.hubUrl, publicBaseUrl: options.publicBaseUrl, accountSid: options.accountSid, authToken: options.authToken });
    cloud.onRequest((request) => this.onRest(request));
  }

  static async start(options: NetworkOptions): Promise<PhoneNetwork> {
    const cloud = await TwilioCloud.start({ accountSid: options.accountSid, port: options.restPort, ...(options.restHost ? { host: options.restHost } : {}) });
    return new PhoneNetwork(cloud, options);
  }

  async stop(): Promise<void> {
    for (const call of this.calls.values()) call.hangUp();
    await this.cloud.close();
  }

  /** A customer dials the hub's number: the call runs until someone hangs up. */
  call(from: string, to: string, party: CallParty): SimulatedCall {
    const call = new SimulatedCall(this, newCallSid(), from, to, 'inbound', party, this.webhooks.publicUrl('/webhooks/twilio/voice/status'));
    this.calls.set(call.sid, call);
    call.start(this.webhooks.publicUrl('/webhooks/twilio/voice'), { CallStatus: 'ringing' });
    return call;
  }

  /** The customer on `number` answers when the hub calls them back. */
  expectCallback(number: string, party: CallParty): void {
    this.awaitingCallback.set(number, party);
  }

  callBySid(sid: string): SimulatedCall | undefined {
    return this.calls.get(sid);
  }

  forget(call: SimulatedCall): void {
    this.calls.delete(call.sid);
  }

  // ---- the REST API's effects ---------------------------------------------------------------------

  private onRest(request: RestRequest): void {
    // A supervisor called into a conference: nobody on the simulated network picks that up.
    if (request.kind === 'join') return;
    if (request.kind === 'update') {
      const call = this.calls.get(request.callSid);
      if (!call) return;
      if (request.params['Status'] === 'completed' || request.params['Status'] === 'canceled') call.hangUp();
      else if (request.params['Url']) call.redirect(request.params['Url']);
      return;
    }
    const { To: to = '', From: from = '', Url: url, StatusCallback: statusCallback = '' } = request.params;
    const callback = this.awaitingCallback.get(to);
    const party: CallParty | undefined = to.startsWith('client:') ? agentDevice : callback;
    if (!party || !url) {
      // Nobody picks up.
      setTimeout(() => void this.webhooks.post(statusCallback, this.webhooks.baseParams({ callSid: request.callSid, from, to, direction: 'outbound-api', status: 'no-answer' })).catch(() => undefined), 10);
      return;
    }
    if (callback) this.awaitingCallback.delete(to);
    const call = new SimulatedCall(this, request.callSid, from, to, 'outbound-api', party, statusCallback);
    this.calls.set(call.sid, call);
    setTimeout(() => call.start(url, { AnsweredBy: 'human' }), AGENT_ANSWER_MS * this.options.timeScale * 10);
  }

  // ---- conferences -----------------------------------------------------------------------------------

  join(name: string, call: SimulatedCall): void {
    const members = this.conferences.get(name) ?? new Set<SimulatedCall>();
    members.add(call);
    this.conferences.set(name, members);
  }

  /** A participant left; if it ends the conference on exit, everyone else's <Dial> completes. */
  leave(name: string, call: SimulatedCall, endsConference: boolean): void {
    const members = this.conferences.get(name);
    if (!members?.delete(call)) return;
    if (endsConference || members.size === 0) {
      this.conferences.delete(name);
      for (const member of members) member.conferenceEnded();
    }
  }

  report(reason: string): void {
    this.options.onError?.(reason);
  }
}

/** An agent's browser phone: answers, listens, never keys anything. */
const agentDevice: CallParty = {
  answer: () => null,
  pay: () => ({ Result: 'caller-interrupted-with-star' }),
};

/** One leg in the simulated network, carrying out the TwiML the hub returns. */
export class SimulatedCall {
  private nextUrl: string | null = null;
  private interrupt: (() => void) | null = null;
  private conference: { name: string; endOnExit: boolean; done: () => void } | null = null;
  private over = false;
  private endedResolve!: () => void;
  /** Resolves when the call has ended (and its status callback was sent). */
  readonly ended: Promise<void> = new Promise((resolve) => (this.endedResolve = resolve));
  /** Whether the call was ever in a conference (a customer is put into one only for an agent). */
  bridged = false;

  constructor(
    private readonly network: PhoneNetwork,
    readonly sid: string,
    readonly from: string,
    readonly to: string,
    private readonly direction: 'inbound' | 'outbound-api',
    private readonly party: CallParty,
    private readonly statusCallback: string,
  ) {}

  private get webhooks(): TwilioWebhookClient {
    return this.network.webhooks;
  }

  start(url: string, extra: Record<string, string> = {}): void {
    void this.run(url, extra);
  }

  /** The hub moved the call to new TwiML (REST update with a URL). */
  redirect(url: string): void {
    if (this.over) return;
    this.nextUrl = url;
    this.interrupt?.();
  }

  /** The hub, or the person, hangs up. */
  hangUp(): void {
    if (this.over) return;
    this.over = true;
    this.interrupt?.();
  }

  conferenceEnded(): void {
    this.conference?.done();
  }

  private params(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.webhooks.baseParams({ callSid: this.sid, from: this.from, to: this.to, direction: this.direction }), ...extra };
  }

  private async fetchTwiml(url: string, extra: Record<string, string>): Promise<TwimlElement | null> {
    const sentAt = performance.now();
    const answer = await this.webhooks.post(url, this.params(extra));
    this.party.fetched?.(url, sentAt);
    if (answer.status !== 200) {
      this.network.report(`voice webhook ${new URL(url).pathname}: HTTP ${answer.status}`);
      return null;
    }
    return parseTwimlRoots(answer.body).find((root) => root.name === 'Response') ?? null;
  }

  private async run(url: string, extra: Record<string, string>): Promise<void> {
    let next: { url: string; extra: Record<string, string> } | null = { url, extra };
    try {
      while (next && !this.over) {
        const document = await this.fetchTwiml(next.url, next.extra);
        next = document ? await this.execute(document) : null;
        if (!next && this.nextUrl) next = { url: this.takeRedirect()!, extra: {} };
      }
    } catch (error) {
      if (!(error instanceof Hangup)) this.network.report(`voice call: ${(error as Error).message}`);
    } finally {
      await this.finish();
    }
  }

  private takeRedirect(): string | null {
    const url = this.nextUrl;
    this.nextUrl = null;
    return url;
  }

  /** Carries out one document; returns the next request, or null when the document ran out. */
  private async execute(response: TwimlElement): Promise<{ url: string; extra: Record<string, string> } | null> {
    let said = '';
    for (const verb of response.children) {
      this.check();
      const redirected = this.takeRedirect();
      if (redirected) return { url: redirected, extra: {} };
      switch (verb.name) {
        case 'Say':
          said += ` ${verb.text}`;
          break;
        case 'Pause':
          await this.wait(Number(verb.attributes['length'] ?? 1) * 1000);
          break;
        case 'Play':
          await this.wait(5_000);
          break;
        case 'Gather': {
          said += ` ${spoken(verb)}`;
          for (const pause of findAll(verb, 'Pause')) await this.wait(Number(pause.attributes['length'] ?? 1) * 1000);
          this.check();
          const movedMeanwhile = this.takeRedirect();
          if (movedMeanwhile) return { url: movedMeanwhile, extra: {} };
          const digits = this.party.answer(said.trim(), verb);
          said = '';
          if (digits !== null && verb.attributes['action']) return { url: verb.attributes['action'], extra: { Digits: digits } };
          break;
        }
        case 'Pay':
          return { url: verb.attributes['action']!, extra: this.party.pay(verb) };
        case 'Redirect':
          return { url: verb.text.trim(), extra: {} };
        case 'Hangup':
          this.over = true;
          return null;
        case 'Dial': {
          const room = findAll(verb, 'Conference')[0];
          if (room) await this.sitInConference(room);
          this.check();
          const moved = this.takeRedirect();
          if (moved) return { url: moved, extra: {} };
          if (verb.attributes['action']) return { url: verb.attributes['action'], extra: { DialCallStatus: 'completed' } };
          break;
        }
        default:
          break;
      }
    }
    return null;
  }

  /** In the conference until it ends, the hub moves the call, or someone hangs up. */
  private async sitInConference(room: TwimlElement): Promise<void> {
    const name = room.text.trim();
    const endOnExit = room.attributes['endConferenceOnExit'] === 'true';
    this.bridged = true;
    await new Promise<void>((resolve) => {
      this.conference = { name, endOnExit, done: resolve };
      this.interrupt = resolve;
      this.network.join(name, this);
    });
    this.interrupt = null;
    this.leaveConference();
  }

  private leaveConference(): void {
    if (!this.conference) return;
    const { name, endOnExit } = this.conference;
    this.conference = null;
    this.network.leave(name, this, endOnExit);
  }

  /** Waits a scaled-down while; a redirect or hang-up cuts it short. */
  private async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms * this.network.options.timeScale);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.interrupt = null;
  }

  private check(): void {
    if (this.over) throw new Hangup();
  }

  private async finish(): Promise<void> {
    this.over = true;
    this.leaveConference();
    this.network.forget(this);
    const answer = await this.webhooks.post(this.statusCallback, this.params({ CallStatus: 'completed', CallDuration: '60' })).catch((error: unknown) => {
      this.network.report(`voice status callback: ${(error as Error).message}`);
      return null;
    });
    if (answer && answer.status >= 300) this.network.report(`voice status callback: HTTP ${answer.status}`);
    this.endedResolve();
  }
}

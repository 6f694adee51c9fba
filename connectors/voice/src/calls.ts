import twilio from 'twilio';

type RequestClientInstance = InstanceType<typeof twilio.RequestClient>;
type RequestOptions = Parameters<RequestClientInstance['request']>[0];

/**
 * Sends every REST request to another base URL, keeping path and query: an egress proxy in
 * production, or a local server standing in for Twilio's cloud (tests, the simulator).
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestOptions & { data?: TData }) {
    const original = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.baseUrl}${original.pathname}${original.search}` });
  }
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** Twilio's REST base URL when not https://api.twilio.com (a proxy or a stand-in). */
  apiBaseUrl?: string | null | undefined;
}

export interface OutboundCall {
  to: string;
  from: string;
  /** Where Twilio fetches the TwiML once the call is answered. */
  url: string;
  statusCallback: string;
  /** Hang up on answering machines instead of talking to them. */
  detectMachine?: boolean;
}

/** The Twilio REST operations the voice channel uses, all through the twilio library's client. */
export interface CallControl {
  dial(call: OutboundCall): Promise<string>;
  /** Moves a live call to new TwiML. */
  redirect(callSid: string, url: string): Promise<void>;
  hangUp(callSid: string): Promise<void>;
  /** Calls `to` into a running conference as an extra participant (a supervisor); resolves with the new call's SID. */
  joinConference(conference: string, participant: ConferenceGuest): Promise<string>;
}

export interface ConferenceGuest {
  to: string;
  from: string;
  /** Heard by nobody (listening). */
  muted: boolean;
  /** Heard only by this call (whispering to the agent). */
  coachCallSid: string | null;
  label: string;
}

// A call Twilio could not place rings for at most this long before "no-answer".
const RING_SECONDS = 30;

export function createCallControl(credentials: TwilioCredentials): CallControl {
  const client = twilio(credentials.accountSid, credentials.authToken, {
    ...(credentials.apiBaseUrl ? { httpClient: new RebasedRequestClient(credentials.apiBaseUrl.replace(/\/$/, '')) } : {}),
  });
  return {
    async dial(call) {
      const created = await client.calls.create({
        to: call.to,
        from: call.from,
        url: call.url,
        method: 'POST',
        statusCallback: call.statusCallback,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['answered', 'completed'],
        timeout: RING_SECONDS,
        ...(call.detectMachine ? { machineDetection: 'Enable' } : {}),
      });
      return created.sid;
    },
    async redirect(callSid, url) {
      await client.calls(callSid).update({ url, method: 'POST' });
    },
    async hangUp(callSid) {
      await client.calls(callSid).update({ status: 'completed' });
    },
    async joinConference(conference, guest) {
      // The conference is addressed by its name; the guest leaving never ends it for customer and agent.
      const participant = await client.conferences(conference).participants.create({
        from: guest.from,
        to: guest.to,
        label: guest.label,
        muted: guest.muted,
        ...(guest.coachCallSid ? { coaching: true, callSidToCoach: guest.coachCallSid } : {}),
        beep: 'false',
        startConferenceOnEnter: false,
        endConferenceOnExit: false,
        timeout: RING_SECONDS,
      });
      return participant.callSid;
    },
  };
}

/** The Voice SDK identity of an agent: the same on the access token and on the calls to the agent. */
export function agentIdentity(agentId: string): string {
  return `agent_${agentId.replace(/-/g, '')}`;
}

export interface DeviceCredentials {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
}

const TOKEN_TTL_SECONDS = 3600;

/** An access token with which an agent's browser (Twilio Voice JS SDK) receives the calls Sentral bridges to it. */
export function agentAccessToken(credentials: DeviceCredentials, agentId: string, now = new Date()): { token: string; identity: string; expiresAt: string } {
  const identity = agentIdentity(agentId);
  const token = new twilio.jwt.AccessToken(credentials.accountSid, credentials.apiKeySid, credentials.apiKeySecret, { identity, ttl: TOKEN_TTL_SECONDS });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true }));
  return { token: token.toJwt(), identity, expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000).toISOString() };
}

import twilio from 'twilio';

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface WebhookClientOptions {
  /** Where the hub listens (what this process connects to). */
  hubUrl: string;
  /** The hub's PUBLIC_BASE_URL: what Twilio would call, and so what it signs. */
  publicBaseUrl: string;
  authToken: string;
  accountSid: string;
  /** Sees every TwiML document the hub answers with. */
  onTwiml?: (twiml: string, url: string) => void;
}

/**
 * Calls the hub's voice webhooks exactly as Twilio does: form-encoded POSTs to the URL under the
 * hub's public base URL, signed with the account's auth token over that URL and every parameter.
 */
export class TwilioWebhookClient {
  constructor(private readonly options: WebhookClientOptions) {}

  /** The absolute public URL for a path such as `/webhooks/twilio/voice`. */
  publicUrl(path: string): string {
    return `${this.options.publicBaseUrl}${path}`;
  }

  /** Parameters Twilio sends with every voice request. */
  baseParams(call: { callSid: string; from: string; to: string; direction?: string; status?: string }): Record<string, string> {
    return {
      AccountSid: this.options.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.callSid,
      CallStatus: call.status ?? 'in-progress',
      Direction: call.direction ?? 'inbound',
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
    };
  }

  signature(url: string, params: Record<string, string>): string {
    return twilio.getExpectedTwilioSignature(this.options.authToken, url, params);
  }

  /**
   * POSTs `params` to a public URL (absolute, as TwiML names it, or a path). For tests of the
   * hub's defences: `signature` replaces the computed one (null sends none), `signedUrl` signs
   * another URL, `extra` adds fields after signing, `body` replaces the encoded body, `headers` adds headers.
   */
  async post(
    urlOrPath: string,
    params: Record<string, string>,
    tamper: { signature?: string | null; extra?: Record<string, string>; signedUrl?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<WebhookAnswer> {
    const url = urlOrPath.startsWith('/') ? this.publicUrl(urlOrPath) : urlOrPath;
    if (!url.startsWith(this.options.publicBaseUrl)) throw new Error(`${url} is not under the hub's public URL ${this.options.publicBaseUrl}`);
    const target = `${this.options.hubUrl}${url.slice(this.options.publicBaseUrl.length)}`;
    const signature = tamper.signature === undefined ? this.signature(tamper.signedUrl ?? url, params) : tamper.signature;
    const response = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'user-agent': 'TwilioProxy/1.1',
        ...(signature === null ? {} : { 'x-twilio-signature': signature }),
        ...tamper.headers,
      },
      body: tamper.body ?? new URLSearchParams({ ...params, ...tamper.extra }).toString(),
    });
    const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    if (answer.contentType.includes('xml')) this.options.onTwiml?.(answer.body, url);
    return answer;
  }
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One REST request the hub made to "Twilio". */
export interface RestRequest {
  method: string;
  path: string;
  /** The call the request addressed (updates), or the call it created (creates, joins). */
  callSid: string;
  /** `join`: a participant called into a named conference (a supervisor listening in). */
  kind: 'create' | 'update' | 'join';
  /** The conference a join addressed. */
  conference?: string;
  params: Record<string, string>;
  at: number;
}

export const newCallSid = (): string => `CA${randomBytes(16).toString('hex')}`;

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/**
 * A stand-in for Twilio's REST API (the calls resource) on a local port: the hub reaches it through
 * TWILIO_API_BASE_URL. It answers like Twilio, records every request, and tells listeners about
 * calls placed and calls moved, so a simulated telephone network can act on them.
 */
export class TwilioCloud {
  readonly requests: RestRequest[] = [];
  private readonly listeners = new Set<(request: RestRequest) => void | Promise<void>>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly accountSid: string,
  ) {}

  static async start(options: { accountSid: string; port?: number; host?: string }): Promise<TwilioCloud> {
    const host = options.host ?? '127.0.0.1';
    let cloud: TwilioCloud | undefined;
    const server = createServer((req, res) => {
      void cloud!.handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 20500, message: (error as Error).message, status: 500 }));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    cloud = new TwilioCloud(server, `http://${host}:${port}`, options.accountSid);
    return cloud;
  }

  /**
   * Calls `listener` with every request from now on; returns the unsubscribe. The request is answered
   * once the listeners are done, so a listener can make things happen before the caller gets its answer.
   */
  onRequest(listener: (request: RestRequest) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first recorded request (past or future) that matches. */
  waitFor(match: (request: RestRequest) => boolean, timeoutMs = 30_000): Promise<RestRequest> {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no matching Twilio REST request within ${timeoutMs} ms; seen: ${JSON.stringify(this.requests.map((r) => [r.kind, r.params]))}`));
      }, timeoutMs);
      const stop = this.onRequest((request) => {
        if (!match(request)) return;
        clearTimeout(timer);
        stop();
        resolve(request);
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const path = new URL(req.url ?? '/', 'http://twilio.invalid').pathname;
    const joining = /^\/2010-04-01\/Accounts\/\w+\/Conferences\/([^/]+)\/Participants\.json$/.exec(path);
    if (req.method === 'POST' && joining) return this.join(path, decodeURIComponent(joining[1]!), await readForm(req));
    const base = `/2010-04-01/Accounts/${this.accountSid}/Calls`;
    if (req.method !== 'POST' || !path.startsWith(base)) return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
    const params = await readForm(req);
    const update = /^\/(CA[0-9a-f]{32})\.json$/.exec(path.slice(base.length));
    const creating = path === `${base}.json`;
    if (!update && !creating) return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
    const callSid = update ? update[1]! : newCallSid();
    const request: RestRequest = { method: req.method, path, callSid, kind: update ? 'update' : 'create', params, at: Date.now() };
    this.requests.push(request);
    await Promise.all([...this.listeners].map((listener) => listener(request)));
    const status = update ? (params['Status'] ?? 'in-progress') : 'queued';
    return {
      status: creating ? 201 : 200,
      body: {
        sid: callSid,
        account_sid: this.accountSid,
        to: params['To'] ?? null,
        from: params['From'] ?? null,
        status,
        direction: creating ? 'outbound-api' : 'inbound',
        api_version: '2010-04-01',
        uri: `${base}/${callSid}.json`,
      },
    };
  }

  /** Conference participant create: answered like Twilio, with the new participant's call. */
  private join(path: string, conference: string, params: Record<string, string>): { status: number; body: unknown } {
    const callSid = newCallSid();
    const request: RestRequest = { method: 'POST', path, callSid, kind: 'join', conference, params, at: Date.now() };
    this.requests.push(request);
    for (const listener of [...this.listeners]) listener(request);
    return {
      status: 201,
      body: {
        account_sid: this.accountSid,
        call_sid: callSid,
        conference_sid: `CF${callSid.slice(2)}`,
        label: params['Label'] ?? null,
        muted: params['Muted'] === 'true',
        coaching: params['Coaching'] === 'true',
        call_sid_to_coach: params['CallSidToCoach'] ?? null,
        hold: false,
        status: 'queued',
        uri: path.replace(/\.json$/, `/${callSid}.json`),
      },
    };
  }
}

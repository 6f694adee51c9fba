import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How the stand-in receiver answers the next request. */
export type ReceiverMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'slow'; delayMs: number }
  /** Accepts the connection and never answers. */
  | { kind: 'hang' };

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { sequence: number };
}

/** A real HTTP server standing in for an integrator's webhook receiver; its answers can be changed at any time. */
export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests it answered with 2xx, parsed and checked against `secret` with the standardwebhooks library. */
  verified(secret: string): WebhookEvent[];
  mode: ReceiverMode | ((request: number) => ReceiverMode);
  close(): Promise<void>;
}

export async function startReceiver(mode: Receiver['mode'] = { kind: 'ok' }): Promise<Receiver> {
  let count = 0;
  const hanging = new Set<() => void>();
  const receiver: Receiver = {
    url: '',
    received: [],
    mode,
    verified(secret) {
      const webhook = new Webhook(secret);
      return receiver.received
        .filter((entry) => entry.status >= 200 && entry.status < 300)
        .map((entry) => webhook.verify(entry.body, entry.headers as Record<string, string>) as WebhookEvent);
    },
    async close() {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const current = typeof receiver.mode === 'function' ? receiver.mode(count++) : receiver.mode;
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, headers: Record<string, string> = {}) => {
        receiver.received.push({ at: Date.now(), headers: request.headers, body, status });
        response.writeHead(status, headers).end();
      };
      if (current.kind === 'ok') answer(200);
      else if (current.kind === 'status') answer(current.status, current.headers);
      else if (current.kind === 'slow') setTimeout(() => answer(200), current.delayMs);
      else {
        const release = () => response.destroy();
        hanging.add(release);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

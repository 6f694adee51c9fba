import type { Socket } from 'socket.io-client';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { signFaxBody } from '@sentral/connector-fax';
import type { ContactOffer } from '@sentral/contract';
import { call, connect, login, next } from './sockets.ts';

export interface ApiAnswer {
  status: number;
  body: any;
}

export async function api(url: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<ApiAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export interface TestAgent {
  id: string;
  name: string;
  token: string;
  socket: Socket;
  /** Every offer this agent's socket received, in order. */
  offers: ContactOffer[];
  setState(state: 'available' | 'away' | 'offline'): Promise<void>;
  nextOffer(match?: (offer: ContactOffer) => boolean, timeoutMs?: number): Promise<ContactOffer>;
  accept(offer: ContactOffer): Promise<void>;
  close(): void;
}

/** Creates an agent through the admin API, signs them in on the /agent namespace and records their offers. */
export async function createAgent(
  url: string,
  adminToken: string,
  spec: {
    email: string;
    name: string;
    queues: string[];
    skills?: Record<string, number>;
    languages?: string[];
    capacity?: Record<string, number>;
    state?: 'available' | 'away';
  },
): Promise<TestAgent> {
  const password = 'routing-password';
  const created = await api(url, '/api/agents', {
    method: 'POST',
    token: adminToken,
    body: { email: spec.email, name: spec.name, password, role: 'agent', queues: spec.queues, ...(spec.skills ? { skills: spec.skills } : {}), ...(spec.capacity ? { capacity: spec.capacity } : {}), ...(spec.languages ? { languages: spec.languages } : {}) },
  });
  if (created.status !== 201) throw new Error(`could not create ${spec.email}: ${created.status} ${JSON.stringify(created.body)}`);
  const { token } = await login(url, spec.email, password);
  const socket = await connect(url, '/agent', { token });
  const offers: ContactOffer[] = [];
  socket.on('contact:offer', (offer: ContactOffer) => offers.push(offer));
  const agent: TestAgent = {
    id: created.body.id,
    name: spec.name,
    token,
    socket,
    offers,
    async setState(state) {
      const answer = await call<{ ok: boolean }>(socket, 'agent:state', { state });
      if (!answer.ok) throw new Error(`${spec.name} could not go ${state}: ${JSON.stringify(answer)}`);
    },
    nextOffer: (match = () => true, timeoutMs = 15_000) => next<ContactOffer>(socket, 'contact:offer', match, timeoutMs),
    async accept(offer) {
      const answer = await call<{ ok: boolean }>(socket, 'offer:accept', { offerId: offer.offerId });
      if (!answer.ok) throw new Error(`${spec.name} could not accept: ${JSON.stringify(answer)}`);
    },
    close: () => socket.close(),
  };
  if (spec.state) await agent.setState(spec.state);
  return agent;
}

/** A chat customer who has sent their first message; resolves with the contact it opened. */
export async function chatContact(url: string, auth: Record<string, unknown>, text = 'Hei'): Promise<{ socket: Socket; contactId: string }> {
  const socket = await connect(url, '/chat', auth);
  const sent = await call<{ ok: boolean; contactId: string }>(socket, 'message', { text });
  if (!sent.ok) throw new Error(`chat message refused: ${JSON.stringify(sent)}`);
  return { socket, contactId: sent.contactId };
}

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Bestilling', { x: 60, y: 760, size: 28, font });
  return doc.save();
}

/** A fax from `from`, delivered through the signed provider webhook exactly as a provider would. */
export async function sendFax(url: string, secret: string, from: string, id: string): Promise<string> {
  const boundary = `----sentral${id}`;
  const parts = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="from"\r\n\r\n${from}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="to"\r\n\r\n+4721000000\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="id"\r\n\r\n${id}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bestilling.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    Buffer.from(await onePagePdf()),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ];
  const body = new Uint8Array(Buffer.concat(parts));
  const response = await fetch(`${url}/webhooks/fax`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-sentral-signature': signFaxBody(secret, body) },
    body,
  });
  if (response.status !== 202) throw new Error(`fax refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { contactId: string }).contactId;
}

/** The routing trace of a contact, as supervisors read it. */
export async function routingTrace(url: string, token: string, contactId: string): Promise<any> {
  const answer = await api(url, `/api/contacts/${contactId}/routing`, { token });
  if (answer.status !== 200) throw new Error(`routing trace: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

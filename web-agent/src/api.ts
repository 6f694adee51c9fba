import type { AcceptedContact, AgentState, AwayReason, Channel, ContactOffer, ErrorBody, InternalNote, JourneyStep, Language, Role, Segment, WrapUpSettings } from '@sentral/contract';

/** What `GET /api/me` answers: re-fetched after every (re)connect, it is the truth the desktop rebuilds from. */
export interface Me {
  agent: {
    id: string;
    name: string;
    email: string;
    role: Role;
    state: AgentState;
    stateSince: string;
    /** The away reason code while away with one. */
    awayReason?: string | null;
    languages: string[];
    queues: string[];
    /** How many contacts of each channel the agent takes at once. */
    capacity?: Record<Channel, number>;
  };
  contacts: AcceptedContact[];
  offers: ContactOffer[];
  wrapUps?: AcceptedContact[];
}

export interface QueueInfo {
  id: string;
  name: string;
  channels: Channel[];
  /** The queue's name per language; `name` where one is missing. */
  displayNames?: Partial<Record<Language, string>>;
}

/** The queues with `name` in the reader's language. */
export function localizeQueues(queues: readonly QueueInfo[], language: Language): QueueInfo[] {
  return queues.map((queue) => ({ ...queue, name: queue.displayNames?.[language] ?? queue.name }));
}

/** `GET /api/customers/:id`: the 360 view. */
export interface CustomerView {
  id: string;
  externalId: string | null;
  name: string;
  language: string;
  creditScore: number | null;
  lifetimeValue: number;
  revenue: number;
  currency: string;
  segment: Segment;
  identities: Array<{ kind: 'phone' | 'email' | 'chat' | 'fax'; value: string; verified: boolean }>;
  orders: Array<{
    id: string;
    number: string;
    status: string;
    total: number;
    currency: string;
    placedAt: string;
    expectedDelivery: string | null;
    shipments: Array<{ id: string; carrier: string; trackingNumber: string; status: string }>;
  }>;
  invoices: Array<{ id: string; number: string; amount: number; currency: string; dueDate: string; paidAt: string | null }>;
  warranties: Array<{ id: string; product: string; serialNumber: string | null; expiresAt: string }>;
  timeline: Array<{
    id: string;
    channel: Channel;
    status: string;
    queueId: string;
    subject: string | null;
    /** One line in the reader's language; for self-service it says what the customer did there. */
    summary?: string;
    disposition: string | null;
    notes: string | null;
    createdAt: string;
    endedAt: string | null;
    agent: { id: string; name: string } | null;
    internalNotes?: InternalNote[];
  }>;
}

/** `GET /api/colleagues`: who a contact can be transferred to. */
export interface Colleague {
  id: string;
  name: string;
  role: Role;
  state: AgentState;
  queues: string[];
}

/** One row of `GET /api/customers?query=`. */
export interface CustomerMatch {
  id: string;
  externalId: string | null;
  name: string;
  segment: Segment;
  emails: string[];
  phones: string[];
}

/** The parts of `GET /api/contacts/:id` the desktop uses to rebuild a screen pop after a reload. */
export interface ContactDetail {
  id: string;
  identMethod: string;
  identConfidence: number;
  journey: JourneyStep[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
}

export interface Api {
  me(): Promise<Me>;
  queues(): Promise<QueueInfo[]>;
  wrapUpSettings(): Promise<WrapUpSettings>;
  customer(id: string): Promise<CustomerView>;
  contact(id: string): Promise<ContactDetail>;
  colleagues(): Promise<Colleague[]>;
  searchCustomers(query: string): Promise<CustomerMatch[]>;
  awayReasons(): Promise<AwayReason[]>;
  linkCustomer(contactId: string, target: { customerId: string } | { customer: { name: string; email?: string; phone?: string } }): Promise<CustomerView>;
}

export async function request<T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (body as { error?: ErrorBody } | null)?.error ?? { code: 'INTERNAL', message: `HTTP ${response.status}` };
    throw new ApiError(response.status, error as ErrorBody);
  }
  return body as T;
}

export function login(email: string, password: string): Promise<{ token: string; agent: { id: string; name: string; role: Role } }> {
  return request('/api/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
}

export function createApi(token: string): Api {
  const get = <T,>(path: string) => request<T>(path, { token });
  return {
    me: () => get('/api/me'),
    queues: () => get('/api/queues'),
    wrapUpSettings: () => get('/api/wrap-up'),
    customer: (id) => get(`/api/customers/${encodeURIComponent(id)}`),
    contact: (id) => get(`/api/contacts/${encodeURIComponent(id)}`),
    colleagues: () => get('/api/colleagues'),
    awayReasons: () => get('/api/away-reasons'),
    searchCustomers: (query) => get(`/api/customers?${new URLSearchParams({ query, limit: '10' }).toString()}`),
    linkCustomer: (contactId, target) =>
      request(`/api/contacts/${encodeURIComponent(contactId)}/customer`, { method: 'POST', token, body: JSON.stringify(target) }),
  };
}

import { z } from 'zod';
import { roles, type ErrorBody } from '@sentral/contract';

/** A failed call to the hub, with the hub's own error code when it sent one. */
export class HubRequestError extends Error {
  override name = 'HubRequestError';
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    path: string,
  ) {
    super(`${path} answered ${status}${body ? ` ${body.code}: ${body.message}` : ''}`);
  }
}

const loginAnswer = z.object({ token: z.string(), agent: z.object({ id: z.string(), name: z.string(), role: z.enum(roles) }) });
const queueList = z.array(z.object({ id: z.string(), name: z.string(), channels: z.array(z.string()) }));
const agentList = z.array(
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(roles),
    queues: z.array(z.string()),
    capacity: z.record(z.string(), z.number()).optional(),
    state: z.enum(['available', 'away', 'offline']).optional(),
  }),
);
const customerList = z.array(
  z.object({ id: z.string(), name: z.string(), language: z.string().nullish(), segment: z.string().nullish(), emails: z.array(z.string()).default([]), phones: z.array(z.string()).default([]) }),
);
const wrapUpAnswer = z.object({ dispositions: z.array(z.string()) });
const errorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type SignedIn = z.infer<typeof loginAnswer>;
export type HubQueue = z.infer<typeof queueList>[number];
export type ListedAgent = z.infer<typeof agentList>[number];
export type ListedCustomer = z.infer<typeof customerList>[number];

/** The hub's public REST API, as far as the simulator uses it. Every answer is validated. */
export interface HubClient {
  readonly url: string;
  login(email: string, password: string): Promise<SignedIn>;
  queues(token: string): Promise<HubQueue[]>;
  /** Every agent, or null on a hub that has no agent list. */
  agents(token: string): Promise<ListedAgent[] | null>;
  /** Customers matching `query` (the hub wants at least three letters: it lists nobody wholesale). */
  customers(token: string, query: string, limit: number): Promise<ListedCustomer[] | null>;
  /** The disposition codes agents may choose, or null on a hub without wrap-up settings. */
  dispositions(token: string): Promise<string[] | null>;
}

export function createHubClient(url: string): HubClient {
  const base = url.replace(/\/$/, '');

  async function request<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = errorAnswer.safeParse(body);
      throw new HubRequestError(response.status, parsed.success ? (parsed.data.error as ErrorBody) : null, path);
    }
    return schema.parse(body);
  }
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const orNullWhenMissing = <T>(promise: Promise<T>): Promise<T | null> =>
    promise.catch((error: unknown) => {
      if (error instanceof HubRequestError && error.status === 404) return null;
      throw error;
    });

  return {
    url: base,
    login: (email, password) => request('/api/auth/login', loginAnswer, { method: 'POST', body: JSON.stringify({ email, password }) }),
    queues: (token) => request('/api/queues', queueList, bearer(token)),
    agents: (token) => orNullWhenMissing(request('/api/agents', agentList, bearer(token))),
    customers: (token, query, limit) =>
      orNullWhenMissing(request(`/api/customers?${new URLSearchParams({ query, limit: String(limit) }).toString()}`, customerList, bearer(token))),
    dispositions: async (token) => (await orNullWhenMissing(request('/api/wrap-up', wrapUpAnswer, bearer(token))))?.dispositions ?? null,
  };
}

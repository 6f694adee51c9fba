import { z } from 'zod';
import type { Ack } from './errors.ts';
import type { Channel, IdentificationMethod, JourneyStep, Segment } from './domain.ts';
import { agentStates } from './domain.ts';
import { ratingSchema, type AgentStatus, type KpiProgress, type StaffingAdvice, type WaitingContact } from './supervision.ts';

/** Longest text a chat customer or agent may send in one message (characters). */
export const MAX_MESSAGE_LENGTH = 8_000;

const text = z.string().trim().min(1, 'must not be empty').max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`);
const id = z.string().uuid();

// ---- /agent -------------------------------------------------------------------------------

/** Where a transfer goes: a queue or one agent, never both; the note is shown to the next agent. */
export const transferSchema = z
  .object({
    contactId: id,
    to: z.union([z.object({ queue: z.string().min(1).max(64) }).strict(), z.object({ agentId: id }).strict()]),
    note: z.string().trim().max(2_000).optional(),
  })
  .strict();

export interface ScreenPopCustomer {
  id: string;
  name: string;
  segment: Segment;
  language: string;
  lifetimeValue: number;
  creditScore: number | null;
  currency: string;
  openOrders: Array<{
    number: string;
    status: string;
    total: number;
    currency: string;
    expectedDelivery: string | null;
    shipments: Array<{ carrier: string; trackingNumber: string; status: string }>;
  }>;
  openInvoices: Array<{ number: string; amount: number; currency: string; dueDate: string; overdue: boolean }>;
  warranties: Array<{ product: string; serialNumber: string | null; expiresAt: string; active: boolean }>;
  openCases: Array<{ contactId: string; channel: Channel; status: string; since: string; subject: string | null }>;
}

export interface ScreenPop {
  identification: { method: IdentificationMethod; confidence: number };
  customer: ScreenPopCustomer | null;
  timeline: Array<{ contactId: string; channel: Channel; at: string; summary: string; disposition: string | null; notes?: string | null }>;
  journey: JourneyStep[];
  /** Email and fax: when the first answer is due (service level). */
  firstResponseDueAt?: string | null;
  /** Fax: the received document at a glance; the thumbnail is fetched with the agent's token. */
  fax?: { pages: number | null; thumbnailUrl: string | null } | null;
  /** A transferred contact: who passed it on, to where, and the note they left (oldest first). */
  transfers?: TransferRecord[];
  /** A transferred contact: the conversation so far, so the next agent reads it before accepting. */
  conversation?: Array<{ from: ChatMessage['from']; at: string; text: string }>;
  /** Live facts from the back-office system, filled in by `contact:pop-update` after the pop arrived. */
  external?: Pick<PopUpdate, 'status' | 'external' | 'fetchedAt'> | null;
}

export interface TransferRecord {
  at: string;
  from: { agentId: string | null; name: string | null };
  to: { queue: string | null } | { agentId: string; name: string | null };
  note: string | null;
}

export interface OfferedContact {
  id: string;
  channel: Channel;
  queue: string;
  priority: number;
  subject?: string | null;
  from?: string | null;
  /** The note of the agent who transferred the contact, when it was transferred. */
  transferNote?: string | null;
}

export interface ContactOffer {
  offerId: string;
  expiresAt: string;
  contact: OfferedContact;
  screenPop: ScreenPop;
}

export interface ChatMessage {
  id: string;
  seq: number;
  from: 'customer' | 'agent' | 'bot' | 'system';
  text: string;
  at: string;
  /** Email: the sanitised HTML body. */
  html?: string | null;
  /** Files that came with the message; `url` is fetched with the agent's token. */
  attachments?: Array<{ id: string; filename: string | null; contentType: string; size: number; pages: number | null; url: string }>;
  /** Outbound email/fax: whether the channel has taken it yet. */
  delivery?: 'pending' | 'sent' | 'failed' | null;
}

export interface AgentServerEvents {
  'contact:offer': (offer: ContactOffer) => void;
  /** The offer is gone before it was answered (expired, customer left, re-routed). */
  'contact:offer-withdrawn': (payload: { offerId: string; contactId: string; reason: 'expired' | 'abandoned' | 'reassigned' }) => void;
  'contact:message': (payload: { contactId: string; message: ChatMessage }) => void;
  'contact:ended': (payload: { contactId: string; by: 'agent' | 'customer' | 'system' }) => void;
  /** An email/fax reply was sent, or failed for good (`error` says why, for the agent to act on). */
  'contact:delivery': (payload: { contactId: string; messageId: string; status: 'sent' | 'failed'; error?: string }) => void;
  'agent:state': (payload: { state: (typeof agentStates)[number]; since: string }) => void;
  /** The customer started or stopped typing in an accepted conversation. */
  'contact:typing': (payload: { contactId: string; typing: boolean }) => void;
  /** Live facts from the back-office system arrived after the pop (or did not, and why). */
  'contact:pop-update': (payload: PopUpdate) => void;
}

/** The outcome of a live back-office lookup for a contact's screen pop. */
export interface PopUpdate {
  contactId: string;
  offerId: string;
  /** `ok`: fresh facts; `stale`: the system did not answer and cached facts stand in; `timeout`/`error`: none. */
  status: 'ok' | 'stale' | 'timeout' | 'error';
  external: Record<string, unknown> | null;
  /** When the facts were fetched (older than now when stale). */
  fetchedAt: string | null;
  latencyMs: number;
}

export const agentClientSchemas = {
  'offer:accept': z.object({ offerId: id }).strict(),
  'offer:reject': z.object({ offerId: id }).strict(),
  'agent:state': z.object({ state: z.enum(agentStates) }).strict(),
  'contact:send': z.object({ contactId: id, text, clientMessageId: z.string().max(100).optional() }).strict(),
  'contact:end': z
    .object({ contactId: id, disposition: z.string().trim().min(1).max(100).optional(), notes: z.string().max(10_000).optional() })
    .strict(),
  /** Disposition and notes for a conversation that has ended (by the agent, the customer or the system). */
  'contact:wrap-up': z
    .object({ contactId: id, disposition: z.string().trim().min(1).max(100), notes: z.string().max(10_000).optional() })
    .strict(),
  /** Hands an accepted contact to a queue or to one agent, with a note the next agent sees in the screen pop. */
  'contact:transfer': transferSchema,
} as const;

/** Dispositions an agent may choose at wrap-up and the wrap-up time the desktop counts down (`GET /api/wrap-up`). */
export interface WrapUpSettings {
  dispositions: string[];
  wrapUpSeconds: number;
}

type AgentPayload<E extends keyof typeof agentClientSchemas> = z.infer<(typeof agentClientSchemas)[E]>;

export interface AcceptedContact {
  id: string;
  channel: Channel;
  queue: string;
  customerId: string | null;
  messages: ChatMessage[];
  subject?: string | null;
  /** The customer's address on the channel (phone number, email address, chat visitor id). */
  from?: string | null;
  /** A name the customer gave on the channel (e.g. typed into the chat form). */
  displayName?: string | null;
  language?: string | null;
  acceptedAt?: string | null;
  /** Set while the conversation has ended and waits for the agent's wrap-up. */
  endedAt?: string | null;
}

export interface AgentClientEvents {
  'offer:accept': (payload: AgentPayload<'offer:accept'>, ack: (res: Ack<{ contact: AcceptedContact }>) => void) => void;
  'offer:reject': (payload: AgentPayload<'offer:reject'>, ack: (res: Ack) => void) => void;
  'agent:state': (payload: AgentPayload<'agent:state'>, ack: (res: Ack<{ state: string }>) => void) => void;
  'contact:send': (payload: AgentPayload<'contact:send'>, ack: (res: Ack<{ message: ChatMessage }>) => void) => void;
  'contact:end': (payload: AgentPayload<'contact:end'>, ack: (res: Ack) => void) => void;
  'contact:wrap-up': (payload: AgentPayload<'contact:wrap-up'>, ack: (res: Ack) => void) => void;
  'contact:transfer': (payload: AgentPayload<'contact:transfer'>, ack: (res: Ack) => void) => void;
}

// ---- /chat --------------------------------------------------------------------------------

export const chatHandshakeSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().email().max(320).optional(),
    visitorId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, _ or -').optional(),
    language: z.enum(['nb', 'da', 'en']).optional(),
    queue: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
  })
  .strict();

export const chatClientSchemas = {
  /** `optionId` answers a bot message's options (a tapped button); `text` then carries the option's label. */
  message: z.object({ text, clientMessageId: z.string().min(1).max(100).optional(), optionId: z.string().regex(/^[a-z0-9:_-]{1,64}$/).optional() }).strict(),
  end: z.object({}).strict(),
  /** The visitor started or stopped typing; forwarded to the agent of an accepted conversation. */
  typing: z.object({ typing: z.boolean() }).strict(),
  /** The visitor's 1-10 satisfaction rating of the conversation that just ended (asked for by a system message). */
  rating: ratingSchema,
} as const;

/** A choice a bot offers with its message; the widget shows it as a button and sends `optionId` back. */
export interface ChatOption {
  id: string;
  label: string;
}

/** A link a bot message carries (e.g. the knowledge-base article an answer came from). */
export interface ChatLink {
  title: string;
  url: string;
}

export interface ChatServerMessage {
  from: 'agent' | 'bot' | 'system';
  text: string;
  at: string;
  seq?: number;
  options?: ChatOption[];
  links?: ChatLink[];
}

export interface ChatServerEvents {
  session: (payload: { visitorId: string; contactId: string | null }) => void;
  message: (payload: ChatServerMessage) => void;
  queue: (payload: { position: number; estimatedWaitSeconds: number }) => void;
  ended: (payload: { by: 'agent' | 'customer' | 'system'; at: string }) => void;
}

export interface ChatClientEvents {
  message: (payload: z.infer<(typeof chatClientSchemas)['message']>, ack: (res: Ack<{ id: string; contactId: string; seq: number }>) => void) => void;
  end: (payload: z.infer<(typeof chatClientSchemas)['end']>, ack: (res: Ack) => void) => void;
  typing: (payload: z.infer<(typeof chatClientSchemas)['typing']>) => void;
  rating: (payload: z.infer<(typeof chatClientSchemas)['rating']>, ack: (res: Ack) => void) => void;
}

// ---- /supervisor --------------------------------------------------------------------------

export interface QueueStats {
  id: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  serviceLevel: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  abandonRate: number | null;
  agents: { available: number; busy: number; away: number; wrapup: number; offline: number };
  /** The queue's threshold and target: the share answered within `serviceLevelSeconds` (default 80 % in 20 s). */
  serviceLevelSeconds: number;
  serviceLevelTarget: number;
  /** Today so far (see the README for the definitions). */
  offered: number;
  answered: number;
  abandoned: number;
  satisfaction: number | null;
  /** Share of the staffed agents busy or in wrap-up right now. */
  occupancy: number | null;
  staffing: StaffingAdvice;
  targets: KpiProgress[];
}

export interface SupervisorStats {
  at: string;
  queues: QueueStats[];
  agents: AgentStatus[];
  /** The longest-waiting contacts (at most 100), to act on. */
  waiting: WaitingContact[];
}

export interface SupervisorServerEvents {
  stats: (payload: SupervisorStats) => void;
}

/** Room names: pushes go to rooms, never to loops over users. */
export const rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  chatContact: (contactId: string) => `contact:${contactId}`,
  chatVisitor: (visitorId: string) => `visitor:${visitorId}`,
  supervisors: 'supervisors',
} as const;

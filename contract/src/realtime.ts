import { z } from 'zod';
import type { Ack } from './errors.ts';
import type { Channel, IdentificationMethod, JourneyStep, Segment } from './domain.ts';
import { agentStates } from './domain.ts';
import { awayReasonCode } from './presence.ts';
import { ratingSchema, type AgentStatus, type KpiProgress, type SelfServiceStats, type StaffingAdvice, type WaitingContact } from './supervision.ts';

/** Longest text a chat customer or agent may send in one message (characters). */
export const MAX_MESSAGE_LENGTH = 8_000;

// PostgreSQL cannot store NUL characters: text carrying one is refused here rather than failing on insert.
const withoutNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters';
const text = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine(withoutNul, NUL_MESSAGE);
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
  timeline: Array<{
    contactId: string;
    channel: Channel;
    at: string;
    summary: string;
    disposition: string | null;
    notes?: string | null;
    /** Notes agents and supervisors left during the conversation (never shown to the customer). */
    internalNotes?: InternalNote[];
  }>;
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

/** An internal note on a contact: for agents and supervisors only, never sent to the customer on any channel. */
export interface InternalNote {
  id: string;
  contactId: string;
  at: string;
  author: { id: string; name: string } | null;
  text: string;
}

/** Longest internal note (characters). */
export const MAX_NOTE_LENGTH = 4_000;

export interface TransferRecord {
  at: string;
  /** An agent's transfer, or a supervisor's reassignment of the waiting contact (then `from` is the supervisor). */
  kind?: 'transferred' | 'reassigned';
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

export type OfferWithdrawnReason = 'expired' | 'abandoned' | 'reassigned' | 'accepted' | 'rejected';

export interface AgentServerEvents {
  'contact:offer': (offer: ContactOffer) => void;
  /**
   * The offer is gone from every session of the agent: answered in one of them (accepted, rejected),
   * or gone before it was answered (expired, customer left, re-routed).
   */
  'contact:offer-withdrawn': (payload: { offerId: string; contactId: string; reason: OfferWithdrawnReason }) => void;
  /** An offer was accepted in one of the agent's sessions: every session opens the contact. */
  'contact:accepted': (payload: { offerId: string; contact: AcceptedContact }) => void;
  /** The contact left the agent's desk in one of their sessions (wrapped up or transferred): every session closes it. */
  'contact:closed': (payload: { contactId: string; reason: 'wrapped-up' | 'transferred' }) => void;
  'contact:message': (payload: { contactId: string; message: ChatMessage }) => void;
  'contact:ended': (payload: { contactId: string; by: 'agent' | 'customer' | 'system' }) => void;
  /** An email/fax reply was sent, or failed for good (`error` says why, for the agent to act on). */
  'contact:delivery': (payload: { contactId: string; messageId: string; status: 'sent' | 'failed'; error?: string }) => void;
  /** `reason`: the away reason code while away (see `GET /api/away-reasons`), else null. */
  'agent:state': (payload: { state: (typeof agentStates)[number]; since: string; reason?: string | null }) => void;
  /** An internal note was added to one of the agent's contacts (by this agent in another session, or a supervisor). */
  'contact:note': (payload: { contactId: string; note: InternalNote }) => void;
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
  /** `reason` (a configured away reason code) only with `away`. */
  'agent:state': z
    .object({ state: z.enum(agentStates), reason: awayReasonCode.optional() })
    .strict()
    .refine((value) => value.reason === undefined || value.state === 'away', { message: 'a reason is given only with away', path: ['reason'] }),
  /** An internal note on a contact: stored on its timeline, shown to agents and supervisors, never to the customer. */
  'contact:note': z
    .object({ contactId: id, text: z.string().trim().min(1, 'must not be empty').max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`) })
    .strict(),
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
  /** The agent started or stopped typing a reply in an accepted chat; the customer sees it. */
  'contact:typing': z.object({ contactId: id, typing: z.boolean() }).strict(),
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
  'agent:state': (payload: AgentPayload<'agent:state'>, ack: (res: Ack<{ state: string; since: string; reason: string | null }>) => void) => void;
  'contact:note': (payload: AgentPayload<'contact:note'>, ack: (res: Ack<{ note: InternalNote }>) => void) => void;
  'contact:send': (payload: AgentPayload<'contact:send'>, ack: (res: Ack<{ message: ChatMessage }>) => void) => void;
  'contact:end': (payload: AgentPayload<'contact:end'>, ack: (res: Ack) => void) => void;
  'contact:wrap-up': (payload: AgentPayload<'contact:wrap-up'>, ack: (res: Ack) => void) => void;
  'contact:transfer': (payload: AgentPayload<'contact:transfer'>, ack: (res: Ack) => void) => void;
  'contact:typing': (payload: AgentPayload<'contact:typing'>) => void;
}

// ---- /chat --------------------------------------------------------------------------------

export const chatHandshakeSchema = z
  .object({
    name: z.string().trim().min(1).max(200).refine(withoutNul, NUL_MESSAGE).optional(),
    email: z.string().trim().email().max(320).optional(),
    visitorId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, _ or -').optional(),
    language: z.enum(['nb', 'da', 'en']).optional(),
    queue: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
    /** Proves the browser was given `visitorId` by this hub (from a `session` event); without it a new visitor id is issued. */
    resumeToken: z.string().max(200).optional(),
    /** The host site's signed identity of the customer (HS256 JWT). */
    identityToken: z.string().max(4_096).optional(),
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
  /** The visitor id and resume token to keep (localStorage) and the conversation this socket is in. */
  session: (payload: { visitorId: string; contactId: string | null; resumeToken?: string; verification?: { state: 'verified' | 'claimed'; email: string | null; name: string | null } | null }) => void;
  message: (payload: ChatServerMessage) => void;
  queue: (payload: { position: number; estimatedWaitSeconds: number }) => void;
  ended: (payload: { by: 'agent' | 'customer' | 'system'; at: string }) => void;
  /** An agent took the conversation: the widget shows their name. */
  agent: (payload: { name: string; at: string }) => void;
  /** The agent started or stopped typing. */
  typing: (payload: { typing: boolean }) => void;
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
  /** Email and fax contacts still open whose first-response deadline has passed without an answer. */
  overdue: number;
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
  /** Today's self-service contacts that belong to this queue (started in it, or the IVR's default queue). */
  selfService?: SelfServiceStats;
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

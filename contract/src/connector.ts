import type { Channel, JourneyStep, SelfServiceOutcome } from './domain.ts';
import type { ChatLink, ChatOption } from './realtime.ts';
import type { ChatVerification, WebChatPorts } from './web-chat.ts';
import type { AgentDeviceGrant, ChannelIdentification, SelfServicePorts } from './self-service.ts';

/**
 * What every channel hands the hub: a contact in a channel-neutral shape. The hub stores it
 * before the connector acknowledges its channel, so nothing the customer sent is lost.
 */
export interface InboundContact {
  channel: Channel;
  /** The provider's id of the inbound event; a repeated delivery with the same id finds the same contact. */
  externalId: string;
  /** The customer's raw address on this channel: phone number, email address, chat visitor id, fax number. */
  from: string | null;
  to?: string | null;
  /** Keeps one conversation open per key (e.g. one open chat per visitor). */
  openKey?: string | null;
  /** Extra identity evidence the channel already holds (e.g. an email a chat visitor typed). */
  claimedEmail?: string | null;
  displayName?: string | null;
  subject?: string | null;
  language?: string | null;
  queueId?: string | null;
  journey?: JourneyStep[];
  firstMessage?: InboundMessage | null;
  /**
   * The conversation this message continues. `contactIds` come from a token Sentral wrote into
   * its own outgoing messages and join whatever the sender; `messageIds` are the channel's ids of
   * earlier messages (mail In-Reply-To/References) and join only a contact from the same sender.
   */
  thread?: { contactIds?: string[]; messageIds?: string[] } | null;
  /** The configured endpoint (mailbox, fax line) the contact arrived through; replies leave through it. */
  account?: string | null;
  /** Weak identity evidence found in the content, such as phone numbers in a mail signature. */
  hintedPhones?: string[];
  /** The first answer is due this many seconds after arrival (service level); shown to the agent. */
  respondWithinSeconds?: number | null;
  /**
   * Acknowledge a newly opened contact automatically. The channel sets it only after checking the
   * sender is no machine; the hub still sends at most `maxPerDay` automatic messages to one address.
   */
  acknowledge?: { maxPerDay: number } | null;
  /** Who the customer is, as the channel itself established it (IVR verification); the hub then skips matching the address. */
  identified?: ChannelIdentification | null;
  /** Web chat: how far the customer proved who they are; stored as the contact's `attributes.verification`. */
  verification?: ChatVerification | null;
}

/** One message as a channel received it. */
export interface InboundMessage {
  text: string;
  clientMessageId?: string | null;
  /** The channel's own id of this message (mail Message-ID): the same id is stored only once. */
  externalId?: string | null;
  /** HTML the channel already sanitised; never the sender's raw markup. */
  html?: string | null;
  attachments?: InboundAttachment[];
  /** Channel facts shown with the message (mail: from, to, cc, date, subject). */
  meta?: Record<string, unknown>;
  /** The bot option the customer tapped (chat); `text` then carries the option's label. */
  optionId?: string | null;
}

export interface InboundAttachment {
  filename: string | null;
  contentType: string;
  content: Uint8Array;
  /** Referenced from the HTML body as `cid:<contentId>`. */
  contentId?: string | null;
  inline?: boolean;
}

export interface OpenedContact {
  contactId: string;
  created: boolean;
  /** The first message as stored (absent when the inbound contact carried none). */
  message?: StoredMessage;
  /** The message was stored before (same external id): nothing new was written. */
  duplicate?: boolean;
  /** An ended conversation was opened again by this message. */
  reopened?: boolean;
}

export interface StoredMessage {
  id: string;
  seq: number;
  at: string;
}

/** The hub as a connector sees it: the narrow port through which inbound traffic enters. */
export interface ContactIntake {
  open(inbound: InboundContact): Promise<OpenedContact>;
  customerMessage(contactId: string, message: InboundMessage): Promise<StoredMessage>;
  customerEnded(contactId: string): Promise<void>;
  /** The contact still open under this key, if any (e.g. a chat visitor reconnecting). */
  openConversation(openKey: string): Promise<string | null>;
  queueStatus(contactId: string): Promise<{ position: number; estimatedWaitSeconds: number } | null>;
  /** Tells the agent of an accepted conversation that the customer is (no longer) typing. */
  customerTyping?(contactId: string, typing: boolean): Promise<void>;
  /** Stores the customer's 1-10 satisfaction rating of a finished contact; `from` is their address on it (chat visitor id). */
  rateContact?(contactId: string, from: string, score: number): Promise<void>;
  /** Replaces the contact's self-service journey with a longer one (steps taken while waiting); a shorter, stale one is ignored. */
  updateJourney?(contactId: string, journey: JourneyStep[]): Promise<void>;
  /**
   * Stores a contact that starts in self-service (an IVR call, a bot chat) before the channel answers.
   * It waits in no queue until `handOver`; a repeated delivery (same channel and external id) finds it again.
   */
  openSelfService?(inbound: InboundContact): Promise<OpenedContact>;
  /** Ends a contact still in self-service; a contact already handed over or ended is left as it is. */
  finishSelfService?(contactId: string, finish: SelfServiceFinish): Promise<{ finished: boolean }>;
  /** The customer asked for a person: the contact leaves self-service for queue and offer, carrying its journey. */
  handOver?(contactId: string, handover: SelfServiceHandover): Promise<{ handedOver: boolean }>;
}

export interface SelfServiceFinish {
  outcome: SelfServiceOutcome;
  journey: JourneyStep[];
  /** Who the customer turned out to be (a verification during the conversation). */
  identified?: ChannelIdentification | null;
  /** Where a customer who left mid-flow was (e.g. `verify-secret`), for the reports' drop-off steps. */
  leftAt?: string | null;
}

export interface SelfServiceHandover {
  journey: JourneyStep[];
  /** The queue the flow chose; the routing rules may still move it. */
  queueId: string | null;
  identified?: ChannelIdentification | null;
  language?: string | null;
  displayName?: string | null;
}

/** What the hub sends back out through a channel. */
export type OutboundEvent =
  /**
   * `customerAddress` (the chat visitor id) also reaches the customer's sockets that have not joined the
   * conversation yet: a bot answers the first message while the channel is still acknowledging it.
   */
  | { kind: 'message'; contactId: string; from: 'agent' | 'bot' | 'system'; text: string; at: string; seq?: number; options?: ChatOption[]; links?: ChatLink[]; customerAddress?: string | null }
  | { kind: 'queue'; contactId: string; position: number; estimatedWaitSeconds: number }
  | { kind: 'ended'; contactId: string; by: 'agent' | 'customer' | 'system'; at: string }
  /** An agent was offered the contact (a channel may call the customer back now). */
  | { kind: 'offered'; contactId: string; offerId: string; agentId: string; expiresAt: string }
  /** An agent accepted the contact (a voice channel bridges the call to the agent now). */
  | { kind: 'accepted'; contactId: string; agentId: string; agentName: string; at: string }
  /** The contact left its agent and waits again (transfer to a queue): the channel takes the customer back into line. */
  | { kind: 'requeued'; contactId: string; at: string }
  /** The agent of an accepted conversation started or stopped typing. */
  | { kind: 'typing'; contactId: string; typing: boolean };

/**
 * A stored message the hub asks a channel to send durably (email, fax): the hub retries transient
 * failures and shows permanent ones to the agent. `messageId` is the idempotency key.
 */
export interface OutboundMessage {
  messageId: string;
  contactId: string;
  author: 'agent' | 'bot' | 'system';
  text: string;
  at: string;
  language: string | null;
  /** The customer's address on the channel (email address, fax number). */
  to: string;
  /** The endpoint the conversation arrived through (mailbox id); null when unknown. */
  account: string | null;
  subject: string | null;
  /** The channel's ids of the conversation's earlier messages, oldest first (mail References). */
  thread: string[];
  /** The channel's id of the message this one answers (mail In-Reply-To). */
  inReplyTo: string | null;
  /** Sent by Sentral on its own (an acknowledgement): channels mark it so robots do not answer it. */
  automatic: boolean;
  /** A message of its own (a one-time code, a chat transcript), not a reply: the subject is used as given. */
  standalone?: boolean;
}

export interface SentMessage {
  /** The channel's id of the sent message (mail Message-ID, provider fax id). */
  externalId: string | null;
}

/** Thrown by `send`: `permanent` failures are not retried and are shown to the agent. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}

/** A webhook request as the hub received it; the raw body is kept for signature checks. */
export interface WebhookRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Uint8Array;
  /** The URL the provider called as the outside world sees it: PUBLIC_BASE_URL plus path and query (what providers sign). */
  url?: string;
}

export interface WebhookResponse {
  status: number;
  body: unknown;
  /** When set, `body` is text sent as is with this content type (e.g. TwiML); otherwise it is sent as JSON. */
  contentType?: string;
}

/** An inbound webhook a connector serves; the hub mounts it at `path` (outside `/api`). */
export interface ConnectorWebhook {
  path: string;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}

/** Endpoints an operator configured through the API (mailboxes), secrets decrypted; the connector validates their shape. */
export interface ConnectorAccounts {
  list(): Promise<Array<{ id: string; enabled: boolean; settings: unknown; secrets: unknown }>>;
  /** Called when an operator changed an account in this process; connectors also re-list now and then. */
  onChange(listener: () => void): () => void;
}

/** Small durable state a connector keeps between runs (e.g. a mailbox's UIDVALIDITY and last UID). */
export interface ConnectorState {
  get<T>(key: string): Promise<T | null>;
  set(key: string, value: unknown): Promise<void>;
}

export interface ConnectorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface ConnectorContext<Config> {
  /** The connector's own configuration slice, validated and frozen. */
  config: Config;
  intake: ContactIntake;
  logger: ConnectorLogger;
  /** Present when the hub serves Socket.IO; connectors that do not need it ignore it. */
  realtime?: {
    namespace(name: string): unknown;
    /**
     * The client's address for a socket's handshake request (`socket.request`), by the same TRUST_PROXY rule
     * as HTTP: key per-address limits by this, never by a header the client wrote itself.
     */
    clientAddress?(request: unknown): string;
  };
  accounts?: ConnectorAccounts;
  state?: ConnectorState;
  /** Back-office facts, conversation sessions and flows for self-service channels. */
  selfService?: SelfServicePorts;
  /** Web chat: shared limits, stored history, the message form and identity checks. */
  webChat?: WebChatPorts;
}

/**
 * The contract every connector implements. Inbound-only abilities are optional; the hub asks
 * for capabilities instead of switching on a connector's id.
 */
export interface ChannelConnector {
  readonly id: string;
  readonly channel: Channel;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends an agent's message, a queue update or the end of the conversation to the customer. */
  deliver?(event: OutboundEvent): Promise<void>;
  /** Sends a stored message durably; the hub queues, retries and records it. Throws `DeliveryError`. */
  send?(message: OutboundMessage): Promise<SentMessage>;
  /** Inbound webhooks this connector serves. */
  readonly webhooks?: readonly ConnectorWebhook[];
  /** Credentials for an agent's browser to take this channel's calls; absent when the channel has no browser client. */
  agentDevice?(agent: { id: string; name: string }): Promise<AgentDeviceGrant>;
  /** Lets a supervisor join a live conversation (a call's conference): listen muted, whisper to the agent, or barge in. */
  monitor?(request: MonitorRequest): Promise<{ participantId: string }>;
}

export interface MonitorRequest {
  contactId: string;
  mode: 'listen' | 'whisper' | 'barge';
  supervisor: { id: string; name: string };
}

export interface ConnectorFactory<Config> {
  readonly id: string;
  readonly channel: Channel;
  /** Parses and validates the connector's own configuration slice; throws with the bad field named. */
  parseConfig(raw: unknown): Config;
  create(context: ConnectorContext<Config>): ChannelConnector;
}

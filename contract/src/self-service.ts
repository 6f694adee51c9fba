import type { Channel, IdentificationMethod, Language } from './domain.ts';

/*
 * Ports through which a self-service channel (an IVR today, a bot later) reads the customer's
 * back-office facts and keeps its own conversation state. The hub implements them on PostgreSQL;
 * connectors never see the database, so the facts they may read and the few things they may change
 * are exactly what is listed here.
 */

export interface CustomerSummary {
  id: string;
  name: string;
  language: Language;
  currency: string;
}

/** Who a phone number belongs to. `phone` is the E.164 form, or null when the number is withheld or not a real number. */
export interface PhoneLookup {
  phone: string | null;
  customers: CustomerSummary[];
  /** How far a match on the number alone identifies a customer (a number is weaker evidence than a verification). */
  confidence: number;
}

export type VerificationResult =
  | { verified: true; customer: CustomerSummary; factor: 'pin' | 'postcode' }
  /** `claimedCustomerId` is the one customer the reference pointed at, if it pointed at exactly one. */
  | { verified: false; claimedCustomerId: string | null };

export interface OrderFact {
  number: string;
  status: string;
  placedAt: string;
  expectedDelivery: string | null;
  shipments: Array<{ carrier: string; trackingNumber: string; status: string; updatedAt: string }>;
}

export interface StockFact {
  productNumber: string;
  name: string;
  inStock: number;
  restockDate: string | null;
}

export interface DeliveryFact {
  postcode: string;
  country: string;
  workingDays: number;
  expectedDate: string;
}

export interface InvoiceFact {
  number: string;
  /** Exact decimal amount as text, e.g. "1234.50". */
  amount: string;
  currency: string;
  dueDate: string;
  overdue: boolean;
}

export interface PaymentOutcome {
  invoiceNumber: string;
  /** Unique per payment attempt (provider, call and step): a redelivered result is recorded once. */
  reference: string;
  channel: Channel;
  amount: string;
  currency: string;
  succeeded: boolean;
  /** The payment provider's confirmation code on success. */
  confirmation?: string | null;
  /** Why it failed, as the provider put it; never card data. */
  failure?: string | null;
}

export interface SelfService {
  customersByPhone(rawNumber: string | null): Promise<PhoneLookup>;
  /** Checks a customer or order number against a PIN or postcode. */
  verify(reference: string, secret: string): Promise<VerificationResult>;
  openOrders(customerId: string): Promise<OrderFact[]>;
  /** An order by its number as the customer keys it (digits with or without the ORD- prefix). */
  order(reference: string): Promise<OrderFact | null>;
  stock(productNumber: string): Promise<StockFact | null>;
  /** Working days skip weekends and the closed holidays of `calendarQueue`'s calendar, when one is named. */
  deliveryEstimate(postcode: string, country: string, from?: Date, calendarQueue?: string | null): Promise<DeliveryFact | null>;
  openInvoices(customerId: string): Promise<InvoiceFact[]>;
  /** Records a payment attempt on the invoice; an unpaid invoice becomes paid on success. */
  recordPayment(outcome: PaymentOutcome): Promise<{ recorded: boolean }>;
}

export interface VersionedSession {
  value: unknown;
  version: number;
}

/**
 * Durable per-conversation state with compare-and-set, so two deliveries of one provider event
 * cannot both move a conversation forward. Keys are private to the connector that writes them.
 */
export interface SessionStore {
  get(key: string): Promise<VersionedSession | null>;
  /** Stores the value unless the key exists; either way returns what is stored now. */
  create(key: string, value: unknown, ttlSeconds: number): Promise<{ created: boolean; session: VersionedSession }>;
  /** Replaces the value only while the stored version is still `version`; false when another write came first. */
  replace(key: string, version: number, value: unknown): Promise<boolean>;
}

/** A self-service flow (IVR menus) as data, chosen by the address the customer reached. */
export interface StoredFlow {
  id: string;
  /** The definition as stored; the connector validates it against its own schema. */
  definition: unknown;
  updatedAt: string;
}

export interface FlowDirectory {
  /** The flow for this address (e.g. the called number), else the channel's default flow, else null. */
  forAddress(channel: Channel, address: string | null): Promise<StoredFlow | null>;
}

export interface AgentDirectory {
  /** The phone number calls to this agent go to; null means the agent answers in the browser. */
  voiceNumber(agentId: string): Promise<string | null>;
}

export interface SelfServicePorts {
  selfService: SelfService;
  sessions: SessionStore;
  flows: FlowDirectory;
  agents: AgentDirectory;
}

/** What a channel already established about who the customer is (IVR verification, a choice among several customers on one number). */
export interface ChannelIdentification {
  customerId: string | null;
  method: IdentificationMethod;
  confidence: number;
}

/** Credentials a browser uses to take this channel's calls (e.g. a Twilio Voice SDK access token). */
export interface AgentDeviceGrant {
  token: string;
  identity: string;
  expiresAt: string;
}

/** The customer's intent in a chat text, as a trained classifier reads it; `intent` is null below its confidence floor. */
export interface IntentGuess {
  intent: string | null;
  score: number;
}

/**
 * Classifies what a customer wrote. The language is always given: Norwegian and Danish are never guessed apart.
 * @public The port the chat bot's classifier implements.
 */
export interface IntentClassifier {
  classify(text: string, language: Language): Promise<IntentGuess>;
}

/** A published knowledge-base article as a search or a bot shows it. */
export interface ArticleHit {
  id: string;
  slug: string;
  title: string;
  language: Language;
  snippet: string;
  /** The public help-centre URL path, e.g. /help/nb/levering. */
  url: string;
}

/** @public The port the knowledge base implements for search and the bot. */
export const articleStatuses = ['draft', 'published'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];

/** A row of `GET /api/kb/articles`. */
export interface ArticleSummary {
  id: string;
  slug: string;
  title: string;
  language: Language;
  category: string;
  tags: string[];
  status: ArticleStatus;
  version: number;
  updatedAt: string;
  publishedAt: string | null;
}

/** `GET /api/kb/articles/:id`. */
export interface ArticleView extends ArticleSummary {
  body: string;
  /** Earlier versions, newest first (every save keeps the one it replaced). */
  versions: Array<{ version: number; title: string; status: ArticleStatus; savedAt: string; savedById: string | null }>;
}

export interface KnowledgeBase {
  search(query: string, language: Language, limit?: number): Promise<ArticleHit[]>;
}

import { z } from 'zod';
import type { ChatLink, ChatOption } from './realtime.ts';

/*
 * What the web-chat connector needs from the hub beyond the intake: shared rate limits, the stored
 * conversation (to resume by sequence number), the message form for when nobody can answer, and
 * identity checks. The hub implements these on PostgreSQL and its mailboxes; the connector never
 * sees the database or SMTP.
 */

export const chatLanguages = ['nb', 'da', 'en'] as const;
export type ChatLanguage = (typeof chatLanguages)[number];

/** Rate limits the chat connector applies; the hub's limit table holds their figures. */
export const webChatLimits = [
  'chat:connect:address',
  'chat:connect:visitor',
  'chat:message:visitor',
  'chat:message:address',
  'chat:conversation:visitor',
  'chat:conversation:address',
  'verification:code',
  'verification:attempt',
  'offline:address',
  'chat:transcript:visitor',
] as const;
export type WebChatLimit = (typeof webChatLimits)[number];

/**
 * Who the chat customer is, as the widget established it; stored on the contact as
 * `attributes.verification`. Only `state: "verified"` may unlock personal data (orders, invoices).
 * - `identity-token`: the host site signed the customer's identity (HS256 JWT);
 * - `email-code`: the customer typed the one-time code mailed to `email`;
 * - `typed-email`: the customer typed an address, proven by nothing (`state: "claimed"`).
 */
export interface ChatVerification {
  state: 'verified' | 'claimed';
  method: 'identity-token' | 'email-code' | 'typed-email';
  email: string | null;
  /** The customer the verification points at, when one is known. */
  customerId: string | null;
  /** The host site's id of the customer (`sub` of the identity token). */
  externalId: string | null;
  name: string | null;
  at: string;
}

/** One message of a conversation as the customer sees it again after a reload or reconnect. */
export interface ChatTranscriptEntry {
  seq: number;
  from: 'customer' | 'agent' | 'bot' | 'system';
  text: string;
  at: string;
  options?: ChatOption[];
  links?: ChatLink[];
  attachments?: Array<{ filename: string | null; contentType: string; size: number }>;
}

/** Why the widget offers the message form instead of the chat. */
export type ChatUnavailableReason = 'closed' | 'nobody' | 'wait';

export interface ChatAvailability {
  available: boolean;
  reason: ChatUnavailableReason | null;
  estimatedWaitSeconds: number | null;
}

const email = z.string().trim().toLowerCase().email('must be an email address').max(320);

/** The message form the widget shows when nobody can answer. */
export const offlineMessageSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    email,
    text: z.string().trim().min(1, 'must not be empty').max(8_000),
  })
  .strict();
export type OfflineMessage = z.infer<typeof offlineMessageSchema>;

/** Images and PDF a chat customer may attach, recognised by their first bytes, never by name or declared type. */
export const chatAttachmentTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
/** Below Socket.IO's message limit, so an oversized file gets a clear error rather than a dropped connection. */
export const MAX_CHAT_ATTACHMENT_BYTES = 1_500_000;

export const webChatClientSchemas = {
  /** Every stored message after `afterSeq` of the visitor's current (or just ended) conversation. */
  history: z.object({ afterSeq: z.number().int().min(0).max(1_000_000) }).strict(),
  /** Whether somebody can answer now, or the widget should offer the message form. */
  availability: z.object({}).strict(),
  'offline:message': offlineMessageSchema,
  /** Mails a one-time code to an address the customer typed. */
  'verify:start': z.object({ email }).strict(),
  'verify:code': z.object({ code: z.string().trim().regex(/^\d{6}$/, 'must be six digits') }).strict(),
  /** Mails the conversation that just ended to the customer. */
  transcript: z.object({ email }).strict(),
  /** A file for the agent (image or PDF), with an optional caption. */
  attachment: z
    .object({
      filename: z.string().trim().min(1).max(200),
      data: z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]),
      text: z.string().trim().max(2_000).optional(),
      clientMessageId: z.string().min(1).max(100).optional(),
    })
    .strict(),
} as const;


export interface WebChatPorts {
  /** Counts one use of `key` under a chat limit; throws `RATE_LIMITED` (with `retryAfterSeconds`) past it. */
  consume(limit: WebChatLimit, key: string): Promise<void>;
  /** Gives back a use counted ahead of an action that turned out not to need it. */
  refund(limit: WebChatLimit, key: string): Promise<void>;
  /** The conversation's stored messages after `afterSeq`, oldest first, as the customer sees them. */
  history(contactId: string, afterSeq: number): Promise<ChatTranscriptEntry[]>;
  /** The visitor's conversation that ended within the resume window (to show it, its rating request and its end again). */
  recentConversation(visitorId: string): Promise<string | null>;
  availability(queue: string | null): Promise<ChatAvailability>;
  /**
   * Stores the message form as an email-channel contact (with the chat transcript, when there is one),
   * routed like any email, and queues the confirmation mail. Resolves once it is committed.
   */
  leaveMessage(input: OfflineMessage & { visitorId: string; language: ChatLanguage; queue: string | null; conversationId: string | null }): Promise<{ contactId: string }>;
  /** Checks a host site's identity token; throws `UNAUTHENTICATED` when it is not valid. */
  verifyIdentityToken(token: string): Promise<ChatVerification>;
  /** Mails a one-time code to `email` through a configured mailbox (rate-limited per address and visitor). */
  sendVerificationCode(visitorId: string, email: string, language: ChatLanguage): Promise<void>;
  /** The verification a correct code proves, or null when the code is wrong or expired. */
  checkVerificationCode(visitorId: string, code: string): Promise<ChatVerification | null>;
  /** Records who the customer is on an open conversation (`attributes.verification`). */
  recordVerification(contactId: string, verification: ChatVerification): Promise<void>;
  /** Mails the conversation's transcript to `email`. */
  sendTranscript(contactId: string, email: string, language: ChatLanguage): Promise<void>;
  /** Issues and checks the token that lets a returning browser resume its visitor id. */
  resumeToken: { issue(visitorId: string): string; check(visitorId: string, token: string): boolean };
}

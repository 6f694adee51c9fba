import { randomBytes, randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import {
  chatAttachmentTypes,
  chatClientSchemas,
  chatHandshakeSchema,
  webChatClientSchemas,
  type ChatLanguage,
  type ChatVerification,
  type WebChatLimit,
  type WebChatPorts,
  type InboundAttachment,
  MAX_CHAT_ATTACHMENT_BYTES,
  rooms,
  SentralError,
  type Ack,
  type ChatClientEvents,
  type ChatServerEvents,
  type ChannelConnector,
  type ConnectorContext,
  type ConnectorFactory,
  type ErrorBody,
  type OutboundEvent,
} from '@sentral/contract';

const configSchema = z
  .object({
    /** Messages a visitor may send per 10 seconds before they are refused. */
    burstLimit: z.number().int().min(1).max(1000).default(20),
    /** Sites whose pages may open the chat (the browser's Origin); `*` allows any. Requests without an Origin are not from a page. */
    allowedOrigins: z.union([z.literal('*'), z.array(z.string().url())]).default('*'),
  })
  .strict();

export type ChatConnectorConfig = z.infer<typeof configSchema>;

type ChatSocket = Socket<ChatClientEvents, ChatServerEvents, Record<string, never>, ChatSession>;
type ChatNamespace = Namespace<ChatClientEvents, ChatServerEvents, Record<string, never>, ChatSession>;

interface ChatSession {
  visitorId: string;
  name?: string | undefined;
  email?: string | undefined;
  language?: string | undefined;
  queue?: string | undefined;
  /** The client's address (first X-Forwarded-For hop, as the HTTP edge trusts it): limits count per address. */
  address: string;
  /** The browser proved it was given this visitor id (resume token), or the id is new: it may read the stored conversation. */
  trusted: boolean;
  sent: number[];
  /** When "typing" was last passed on, and what is still to pass on once the interval is over. */
  typingForwardedAt: number;
  typingPending: boolean | null;
  typingTimer: NodeJS.Timeout | null;
  /** An agent has the conversation (learnt from the pushes this socket received), so typing is worth passing on. */
  agentPresent: boolean;
  /** The open conversation, as far as this socket knows: a message without one counts as a new conversation. */
  openContactId: string | null;
  /** The conversation this socket last took part in: what a `rating` after its end refers to. */
  lastContactId: string | null;
  verification: ChatVerification | null;
  /** Settles once the socket knows its conversation: events that read it wait for this. */
  ready: Promise<void>;
}

// Keystrokes (started or stopped) reach the agent at most once a second per socket, whatever a client sends.
const TYPING_INTERVAL_MS = 1000;

function clientAddress(socket: { handshake: { address: string; headers: Record<string, string | string[] | undefined> } }): string {
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || socket.handshake.address;
}

function languageOf(session: ChatSession): ChatLanguage {
  return session.language === 'da' || session.language === 'en' ? session.language : 'nb';
}

const openKeyFor = (visitorId: string) => `chat:${visitorId}`;

/** The conversation this socket joined last (rooms keep their joining order). */
function latestContactRoom(socket: ChatSocket): string | undefined {
  return [...socket.rooms].filter((room) => room.startsWith('contact:')).at(-1)?.slice('contact:'.length);
}

/** The file's real type from its first bytes; null for anything but the images and PDF a chat accepts. */
function attachmentType(bytes: Uint8Array): (typeof chatAttachmentTypes)[number] | null {
  const starts = (signature: number[], at = 0) => signature.every((byte, index) => bytes[at + index] === byte);
  const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(ascii('GIF87a')) || starts(ascii('GIF89a'))) return 'image/gif';
  if (starts(ascii('RIFF')) && starts(ascii('WEBP'), 8)) return 'image/webp';
  if (starts(ascii('%PDF-'))) return 'application/pdf';
  return null;
}

/** A claimed address: typed into the widget, proven by nothing yet. */
function typedEmail(email: string): ChatVerification {
  return { state: 'claimed', method: 'typed-email', email: email.toLowerCase(), customerId: null, externalId: null, name: null, at: new Date().toISOString() };
}

/** A zod failure from parsing a payload becomes the contract's validation error naming the field. */
function asValidation(error: unknown): unknown {
  if (!(error instanceof z.ZodError)) return error;
  const issue = error.issues[0];
  return new SentralError('VALIDATION_FAILED', `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`);
}

function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof SentralError) return error.toJSON();
  return { code: 'INTERNAL', message: 'the message could not be handled' };
}

/**
 * Web chat over the `/chat` Socket.IO namespace. A visitor keeps one open conversation, found
 * again by visitor id after a reconnect; every message is stored before it is acknowledged.
 */
export const chatConnector: ConnectorFactory<ChatConnectorConfig> = {
  id: 'web-chat',
  channel: 'chat',
  parseConfig: (raw) => configSchema.parse(raw ?? {}),
  create(context: ConnectorContext<ChatConnectorConfig>): ChannelConnector {
    const { intake, logger, config } = context;
    const webChat: WebChatPorts | undefined = context.webChat;
    // The hub lends its Socket.IO server; the namespace's types are this connector's own contract.
    const namespace = context.realtime?.namespace('/chat') as ChatNamespace | undefined;
    let started = false;

    function overLimit(session: ChatSession): boolean {
      const now = Date.now();
      session.sent = session.sent.filter((at) => now - at < 10_000);
      session.sent.push(now);
      return session.sent.length > config.burstLimit;
    }

    /** Shared limits (across sockets and hub processes) for the visitor and the client address. */
    async function consume(...pairs: Array<[WebChatLimit, string]>): Promise<void> {
      if (!webChat) return;
      for (const [limit, key] of pairs) await webChat.consume(limit, key);
    }

    const openingByVisitor = new Map<string, Promise<unknown>>();
    async function oneAtATime<T>(visitorId: string, work: () => Promise<T>): Promise<T> {
      const before = openingByVisitor.get(visitorId) ?? Promise.resolve();
      const run = before.catch(() => undefined).then(work);
      openingByVisitor.set(visitorId, run);
      try {
        return await run;
      } finally {
        if (openingByVisitor.get(visitorId) === run) openingByVisitor.delete(visitorId);
      }
    }

    const conversationLimits = (session: ChatSession): Array<[WebChatLimit, string]> => [
      ['chat:conversation:visitor', session.visitorId],
      ['chat:conversation:address', session.address],
    ];

    /**
     * Counts a conversation this message is about to open. Refused, it looks once more: a conversation
     * another tab just opened is joined, not refused. True when a use was counted.
     */
    // A message with no open conversation opens one: that is counted per visitor and address.
    async function countNewConversation(session: ChatSession): Promise<boolean> {
      if (!webChat) return false;
      if (!session.openContactId) session.openContactId = await intake.openConversation(openKeyFor(session.visitorId));
      if (session.openContactId) return false;
      const counted: Array<[WebChatLimit, string]> = [];
      try {
        for (const pair of conversationLimits(session)) {
          await webChat.consume(...pair);
          counted.push(pair);
        }
        return true;
      } catch (error) {
        for (const pair of counted) await webChat.refund(...pair);
        session.openContactId = await intake.openConversation(openKeyFor(session.visitorId));
        if (session.openContactId) return false;
        throw error;
      }
    }

    async function refundConversation(session: ChatSession): Promise<void> {
      for (const pair of conversationLimits(session)) await webChat?.refund(...pair);
    }

    function refuse(reply: (res: Ack<never>) => void, error: unknown, what: string): void {
      if (!(error instanceof SentralError)) logger.error({ err: error }, `${what} failed`);
      reply({ ok: false, error: toErrorBody(error) });
    }

    async function onMessage(socket: ChatSocket, raw: unknown, ack: unknown): Promise<void> {
      const reply = typeof ack === 'function' ? (ack as (res: Ack<{ id: string; contactId: string; seq: number }>) => void) : () => undefined;
      const parsed = chatClientSchemas.message.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.') || 'payload';
        const code = issue.code === 'too_big' ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
        reply({ ok: false, error: { code, message: `${field}: ${issue.message}` } });
        return;
      }
      await receive(socket, { text: parsed.data.text, clientMessageId: parsed.data.clientMessageId, optionId: parsed.data.optionId }, reply);
    }

    /** An image or a PDF from the customer, recognised by its bytes; stored as a message with the file. */
    async function onAttachment(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      const { filename, data, text, clientMessageId } = webChatClientSchemas.attachment.parse(raw);
      const content = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      if (content.byteLength > MAX_CHAT_ATTACHMENT_BYTES) throw new SentralError('PAYLOAD_TOO_LARGE', `data: larger than ${MAX_CHAT_ATTACHMENT_BYTES} bytes`);
      const contentType = attachmentType(content);
      if (!contentType) throw new SentralError('VALIDATION_FAILED', 'data: only images (PNG, JPEG, GIF, WebP) and PDF documents are accepted');
      await receive(socket, { text: text || `📎 ${filename}`, clientMessageId, attachments: [{ filename, contentType, content }] }, reply);
    }

    async function receive(
      socket: ChatSocket,
      input: { text: string; clientMessageId?: string | undefined; optionId?: string | undefined; attachments?: InboundAttachment[] },
      reply: (res: Ack<{ id: string; contactId: string; seq: number }>) => void,
    ): Promise<void> {
      const session = socket.data;
      if (overLimit(session)) {
        reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many messages; wait a moment' } });
        return;
      }
      try {
        await consume(['chat:message:visitor', session.visitorId], ['chat:message:address', session.address]);
        const { text, clientMessageId, optionId, attachments } = input;
        const verification = session.verification;
        const openOrJoin = () => intake.open({
          channel: 'chat',
          externalId: `${session.visitorId}:${clientMessageId ?? randomUUID()}`,
          openKey: openKeyFor(session.visitorId),
          from: session.visitorId,
          claimedEmail: session.email ?? null,
          displayName: session.name ?? null,
          language: session.language ?? null,
          queueId: session.queue ?? null,
          // A tapped bot button: the option's id travels with its label (stored in the message's meta).
          firstMessage: { text, clientMessageId: clientMessageId ?? null, optionId: optionId ?? null, ...(attachments ? { attachments } : {}), ...(optionId ? { meta: { optionId } } : {}) },
          verification: verification ?? (session.email ? typedEmail(session.email) : null),
          identified: verification?.state === 'verified' && verification.customerId ? { customerId: verification.customerId, method: 'verified', confidence: 1 } : null,
        });
        const opened = session.openContactId
          ? await openOrJoin()
          : // The first messages of a visitor's tabs take turns: one opens the conversation, the others join it.
            await oneAtATime(session.visitorId, async () => {
              const counted = await countNewConversation(session);
              const result = await openOrJoin();
              // Another hub's tab opened it first: this message joined it, so it was no new conversation.
              if (counted && !result.created) await refundConversation(session);
              return result;
            });
        // One conversation room at a time: an ended conversation's room is kept until the next one starts.
        for (const room of [...socket.rooms]) if (room.startsWith('contact:') && room !== rooms.chatContact(opened.contactId)) await socket.leave(room);
        await socket.join(rooms.chatContact(opened.contactId));
        session.lastContactId = opened.contactId;
        session.openContactId = opened.contactId;
        const message = opened.message;
        if (!message) throw new SentralError('CONFLICT', 'the conversation has ended');
        reply({ ok: true, id: message.id, contactId: opened.contactId, seq: message.seq });
        if (opened.created && namespace) {
          // Every tab of this visitor (on any hub) joins the new conversation and hears about it.
          namespace.in(rooms.chatVisitor(session.visitorId)).socketsJoin(rooms.chatContact(opened.contactId));
          namespace.to(rooms.chatVisitor(session.visitorId)).emit('session', { visitorId: session.visitorId, contactId: opened.contactId });
        }
      } catch (error) {
        refuse(reply, error, 'chat message');
      }
    }

    async function onEnd(socket: ChatSocket, ack: unknown): Promise<void> {
      const reply = typeof ack === 'function' ? (ack as (res: Ack) => void) : () => undefined;
      try {
        // The open conversation, not merely the first room joined: an ended one's room may still be there.
        const contactId = (await intake.openConversation(openKeyFor(socket.data.visitorId))) ?? latestContactRoom(socket);
        // The room stays: what follows the end (the rating request, its thanks) still reaches the customer.
        if (contactId) await intake.customerEnded(contactId);
        reply({ ok: true });
      } catch (error) {
        logger.error({ err: error }, 'chat end failed');
        reply({ ok: false, error: toErrorBody(error) });
      }
    }

    /**
     * Typing is answered from the socket's own state: no agent yet, nothing to do; otherwise at most one
     * forward per interval, the latest state passed on when the interval ends (so "stopped" is never lost).
     */
    function onTyping(socket: ChatSocket, raw: unknown): void {
      const parsed = chatClientSchemas.typing.safeParse(raw);
      const session = socket.data;
      if (!parsed.success || !session.agentPresent || !session.openContactId || !intake.customerTyping) return;
      const wait = session.typingForwardedAt + TYPING_INTERVAL_MS - Date.now();
      if (wait > 0) {
        session.typingPending = parsed.data.typing;
        session.typingTimer ??= setTimeout(() => {
          session.typingTimer = null;
          const pending = session.typingPending;
          session.typingPending = null;
          if (pending !== null && socket.connected) forwardTyping(socket, pending);
        }, wait);
        return;
      }
      forwardTyping(socket, parsed.data.typing);
    }

    function forwardTyping(socket: ChatSocket, typing: boolean): void {
      const session = socket.data;
      const contactId = session.openContactId;
      if (!contactId || !intake.customerTyping) return;
      session.typingForwardedAt = Date.now();
      intake.customerTyping(contactId, typing).catch((error: unknown) => logger.warn({ err: error }, 'typing could not be passed on'));
    }

    /** Every stored message after `afterSeq` of this visitor's conversation: what a reconnecting widget missed. */
    async function onHistory(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      const { afterSeq } = webChatClientSchemas.history.parse(raw);
      const session = socket.data;
      if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'history is not available on this hub');
      if (!session.trusted) throw new SentralError('FORBIDDEN', 'resumeToken: the stored conversation needs the resume token given with this visitor id');
      const contactId = session.openContactId ?? session.lastContactId;
      if (!contactId) {
        reply({ ok: true, contactId: null, messages: [] });
        return;
      }
      reply({ ok: true, contactId, ended: !session.openContactId, messages: await webChat.history(contactId, afterSeq) });
    }

    async function onAvailability(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      webChatClientSchemas.availability.parse(raw ?? {});
      if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'availability is not known on this hub');
      reply({ ok: true, ...(await webChat.availability(socket.data.queue ?? null)) });
    }

    /** The message form: acknowledged only once it is stored. */
    async function onOfflineMessage(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      const form = webChatClientSchemas['offline:message'].parse(raw);
      const session = socket.data;
      if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'the message form is not available on this hub');
      await consume(['offline:address', session.address]);
      const stored = await webChat.leaveMessage({
        ...form,
        visitorId: session.visitorId,
        language: languageOf(session),
        queue: session.queue ?? null,
        conversationId: session.trusted ? (session.openContactId ?? session.lastContactId) : null,
      });
      // The customer chose to write instead of waiting: the chat no longer waits for an agent.
      if (session.openContactId) await intake.customerEnded(session.openContactId);
      reply({ ok: true, contactId: stored.contactId });
    }

    async function onVerifyStart(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      const { email } = webChatClientSchemas['verify:start'].parse(raw);
      if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'verification is not available on this hub');
      await webChat.sendVerificationCode(socket.data.visitorId, email, languageOf(socket.data));
      // Until the code comes back, the address is only claimed.
      await adoptVerification(socket, typedEmail(email), false);
      reply({ ok: true });
    }

    async function onVerifyCode(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      const { code } = webChatClientSchemas['verify:code'].parse(raw);
      if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'verification is not available on this hub');
      await consume(['verification:attempt', socket.data.visitorId]);
      const verification = await webChat.checkVerificationCode(socket.data.visitorId, code);
      if (!verification) throw new SentralError('VALIDATION_FAILED', 'code: wrong or expired');
      await adoptVerification(socket, verification, true);
      reply({ ok: true, verification: { state: verification.state, email: verification.email, name: verification.name } });
    }

    /** Keeps who the customer is on the socket and on the open conversation; a claim never replaces a verification. */
    async function adoptVerification(socket: ChatSocket, verification: ChatVerification, proven: boolean): Promise<void> {
      const session = socket.data;
      if (!proven && session.verification?.state === 'verified') return;
      session.verification = verification;
      if (verification.email) session.email = verification.email;
      if (session.openContactId && webChat) await webChat.recordVerification(session.openContactId, verification);
    }

    async function onTranscript(socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void): Promise<void> {
      const { email } = webChatClientSchemas.transcript.parse(raw);
      const session = socket.data;
      if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'transcripts are not available on this hub');
      const contactId = session.lastContactId;
      if (!contactId || !session.trusted) throw new SentralError('NOT_FOUND', 'there is no conversation to send');
      await consume(['chat:transcript:visitor', session.visitorId]);
      await webChat.sendTranscript(contactId, email, languageOf(session));
      reply({ ok: true });
    }

    /** The customer's 1-10 rating of the conversation that just ended on this socket. */
    async function onRating(socket: ChatSocket, raw: unknown, ack: unknown): Promise<void> {
      const reply = typeof ack === 'function' ? (ack as (res: Ack) => void) : () => undefined;
      const parsed = chatClientSchemas.rating.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        reply({ ok: false, error: { code: 'VALIDATION_FAILED', message: `${issue.path.join('.') || 'payload'}: ${issue.message}` } });
        return;
      }
      await socket.data.ready;
      const contactId = socket.data.lastContactId;
      if (!contactId || !intake.rateContact) {
        reply({ ok: false, error: { code: 'NOT_FOUND', message: 'there is no conversation to rate' } });
        return;
      }
      try {
        await intake.rateContact(contactId, socket.data.visitorId, parsed.data.score);
        reply({ ok: true });
      } catch (error) {
        if (!(error instanceof SentralError)) logger.error({ err: error }, 'chat rating failed');
        reply({ ok: false, error: toErrorBody(error) });
      }
    }

    const extraEvents: Record<string, (socket: ChatSocket, raw: unknown, reply: (res: Ack<Record<string, unknown>>) => void) => Promise<void>> = {
      history: onHistory,
      availability: onAvailability,
      'offline:message': onOfflineMessage,
      'verify:start': onVerifyStart,
      'verify:code': onVerifyCode,
      transcript: onTranscript,
      attachment: onAttachment,
    };

    function onConnection(socket: ChatSocket): void {
      const session = socket.data;
      // The socket's own state follows what it is told: an agent joined, the conversation ended.
      socket.onAnyOutgoing((event: string, payload: unknown) => {
        if (event === 'agent') session.agentPresent = true;
        else if (event === 'ended') {
          session.agentPresent = false;
          session.openContactId = null;
        } else if (event === 'session') {
          const contactId = (payload as { contactId?: string | null }).contactId ?? null;
          if (contactId) session.openContactId = session.lastContactId = contactId;
        }
      });
      session.ready = (async () => {
        await socket.join(rooms.chatVisitor(session.visitorId));
        let current = await intake.openConversation(openKeyFor(session.visitorId));
        session.openContactId = current;
        // A conversation that ended a moment ago is still shown (its rating request, its end) after a reload.
        if (!current && session.trusted && webChat) current = await webChat.recentConversation(session.visitorId);
        if (current) {
          await socket.join(rooms.chatContact(current));
          session.lastContactId = current;
        }
        const verification = session.verification ? { state: session.verification.state, email: session.verification.email, name: session.verification.name } : null;
        socket.emit('session', {
          visitorId: session.visitorId,
          contactId: session.openContactId,
          ...(webChat ? { resumeToken: webChat.resumeToken.issue(session.visitorId) } : {}),
          verification,
        });
        if (session.openContactId) {
          if (session.verification && webChat) await webChat.recordVerification(session.openContactId, session.verification);
          const place = await intake.queueStatus(session.openContactId);
          if (place) socket.emit('queue', place);
          // Open and no longer waiting: an agent (or the bot) has it, so typing is passed on.
          else session.agentPresent = true;
        }
      })().catch((error: unknown) => logger.error({ err: error }, 'chat connection setup failed'));

      socket.on('message', (raw: unknown, ack: unknown) => void onMessage(socket, raw, ack));
      socket.on('end', (_raw: unknown, ack: unknown) => void onEnd(socket, ack));
      socket.on('typing', (raw: unknown) => onTyping(socket, raw));
      socket.on('rating', (raw: unknown, ack: unknown) => void onRating(socket, raw, ack));
      socket.on('disconnect', () => {
        if (session.typingTimer) clearTimeout(session.typingTimer);
      });
      socket.onAny((event: string, ...args: unknown[]) => {
        if (event === 'message' || event === 'end' || event === 'typing' || event === 'rating') return;
        const ack = args.at(-1);
        const reply = typeof ack === 'function' ? (ack as (res: Ack<Record<string, unknown>>) => void) : () => undefined;
        const handler = extraEvents[event];
        if (!handler) {
          reply({ ok: false, error: { code: 'UNKNOWN_EVENT', message: `unknown event "${event}"` } });
          return;
        }
        const payload = typeof args[0] === 'function' ? {} : args[0];
        // Every one of these reads the socket's conversation: they wait until it is known.
        session.ready.then(() => handler(socket, payload, reply)).catch((error: unknown) => refuse(reply, asValidation(error), `chat ${event}`));
      });
    }

    /** Origin, shape, limits, resume token and identity token, before the socket is let in. */
    async function handshake(socket: ChatSocket): Promise<void> {
      const origin = socket.handshake.headers.origin;
      if (origin && config.allowedOrigins !== '*' && !config.allowedOrigins.includes(origin)) {
        throw new SentralError('FORBIDDEN', `origin: ${origin} may not embed the chat (WIDGET_ALLOWED_ORIGINS)`);
      }
      const auth = chatHandshakeSchema.parse(socket.handshake.auth ?? {});
      const address = clientAddress(socket);
      await consume(['chat:connect:address', address]);
      const resumed = Boolean(auth.visitorId && auth.resumeToken && webChat?.resumeToken.check(auth.visitorId, auth.resumeToken));
      const visitorId = auth.visitorId ?? randomBytes(12).toString('base64url');
      if (auth.visitorId) await consume(['chat:connect:visitor', visitorId]);
      let verification: ChatVerification | null = null;
      if (auth.identityToken) {
        if (!webChat) throw new SentralError('CHANNEL_DISABLED', 'identity tokens are not accepted on this hub');
        verification = await webChat.verifyIdentityToken(auth.identityToken);
      }
      socket.data = {
        visitorId,
        name: verification?.name ?? auth.name,
        email: verification?.email ?? auth.email,
        language: auth.language,
        queue: auth.queue,
        address,
        // A new visitor id is this socket's own; a given one is trusted only with its resume token.
        trusted: !auth.visitorId || resumed,
        sent: [],
        typingForwardedAt: 0,
        typingPending: null,
        typingTimer: null,
        agentPresent: false,
        openContactId: null,
        lastContactId: null,
        verification,
        ready: Promise.resolve(),
      };
    }

    return {
      id: 'web-chat',
      channel: 'chat',
      async start() {
        if (started || !namespace) return;
        started = true;
        namespace.use((socket, next) => {
          handshake(socket).then(
            () => next(),
            (error: unknown) => {
              const body = toErrorBody(asValidation(error));
              if (body.code === 'INTERNAL') logger.error({ err: error }, 'chat handshake failed');
              next(Object.assign(new Error(body.message), { data: body }));
            },
          );
        });
        namespace.on('connection', onConnection);
      },
      async stop() {
        if (!started || !namespace) return;
        started = false;
        namespace.disconnectSockets(true);
      },
      async deliver(event: OutboundEvent) {
        if (!namespace) return;
        const room = namespace.to(rooms.chatContact(event.contactId));
        switch (event.kind) {
          case 'message':
            (event.customerAddress ? namespace.to([rooms.chatContact(event.contactId), rooms.chatVisitor(event.customerAddress)]) : room).emit('message', {
              from: event.from,
              text: event.text,
              at: event.at,
              ...(event.seq ? { seq: event.seq } : {}),
              ...(event.options?.length ? { options: event.options } : {}),
              ...(event.links?.length ? { links: event.links } : {}),
            });
            return;
          case 'queue':
            room.emit('queue', { position: event.position, estimatedWaitSeconds: event.estimatedWaitSeconds });
            return;
          case 'ended':
            room.emit('ended', { by: event.by, at: event.at });
            return;
          case 'accepted':
            room.emit('agent', { name: event.agentName, at: event.at });
            return;
          case 'typing':
            room.emit('typing', { typing: event.typing });
            return;
        }
      },
    };
  },
};

import { randomBytes, randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import {
  chatClientSchemas,
  chatHandshakeSchema,
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
  sent: number[];
  /** When "typing" was last passed on: a visitor's keystrokes reach the agent at most once a second. */
  typingForwardedAt: number;
  /** The conversation this socket last took part in: what a `rating` after its end refers to. */
  lastContactId: string | null;
}

const TYPING_INTERVAL_MS = 1000;

const openKeyFor = (visitorId: string) => `chat:${visitorId}`;

/** The conversation this socket joined last (rooms keep their joining order). */
function latestContactRoom(socket: ChatSocket): string | undefined {
  return [...socket.rooms].filter((room) => room.startsWith('contact:')).at(-1)?.slice('contact:'.length);
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
    // The hub lends its Socket.IO server; the namespace's types are this connector's own contract.
    const namespace = context.realtime?.namespace('/chat') as ChatNamespace | undefined;
    let started = false;

    function overLimit(session: ChatSession): boolean {
      const now = Date.now();
      session.sent = session.sent.filter((at) => now - at < 10_000);
      session.sent.push(now);
      return session.sent.length > config.burstLimit;
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
      const session = socket.data;
      if (overLimit(session)) {
        reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many messages; wait a moment' } });
        return;
      }
      try {
        const { text, clientMessageId, optionId } = parsed.data;
        const opened = await intake.open({
          channel: 'chat',
          externalId: `${session.visitorId}:${clientMessageId ?? randomUUID()}`,
          openKey: openKeyFor(session.visitorId),
          from: session.visitorId,
          claimedEmail: session.email ?? null,
          displayName: session.name ?? null,
          language: session.language ?? null,
          queueId: session.queue ?? null,
          firstMessage: { text, clientMessageId: clientMessageId ?? null, optionId: optionId ?? null },
        });
        // One conversation room at a time: an ended conversation's room is kept until the next one starts.
        for (const room of [...socket.rooms]) if (room.startsWith('contact:') && room !== rooms.chatContact(opened.contactId)) await socket.leave(room);
        await socket.join(rooms.chatContact(opened.contactId));
        session.lastContactId = opened.contactId;
        const message = opened.message;
        if (!message) throw new SentralError('CONFLICT', 'the conversation has ended');
        reply({ ok: true, id: message.id, contactId: opened.contactId, seq: message.seq });
        if (opened.created) socket.emit('session', { visitorId: session.visitorId, contactId: opened.contactId });
      } catch (error) {
        if (!(error instanceof SentralError)) logger.error({ err: error }, 'chat message failed');
        reply({ ok: false, error: toErrorBody(error) });
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

    function onTyping(socket: ChatSocket, raw: unknown): void {
      const parsed = chatClientSchemas.typing.safeParse(raw);
      const contactId = latestContactRoom(socket);
      if (!parsed.success || !contactId || !intake.customerTyping) return;
      const session = socket.data;
      const now = Date.now();
      if (parsed.data.typing && now - session.typingForwardedAt < TYPING_INTERVAL_MS) return;
      session.typingForwardedAt = parsed.data.typing ? now : 0;
      intake.customerTyping(contactId, parsed.data.typing).catch((error: unknown) => logger.warn({ err: error }, 'typing could not be passed on'));
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

    function onConnection(socket: ChatSocket): void {
      void (async () => {
        const session = socket.data;
        await socket.join(rooms.chatVisitor(session.visitorId));
        const current = await intake.openConversation(openKeyFor(session.visitorId));
        if (current) await socket.join(rooms.chatContact(current));
        if (current) session.lastContactId = current;
        socket.emit('session', { visitorId: session.visitorId, contactId: current });
        if (current) {
          const place = await intake.queueStatus(current);
          if (place) socket.emit('queue', place);
        }
      })().catch((error: unknown) => logger.error({ err: error }, 'chat connection setup failed'));

      socket.on('message', (raw: unknown, ack: unknown) => void onMessage(socket, raw, ack));
      socket.on('end', (_raw: unknown, ack: unknown) => void onEnd(socket, ack));
      socket.on('typing', (raw: unknown) => onTyping(socket, raw));
      socket.on('rating', (raw: unknown, ack: unknown) => void onRating(socket, raw, ack));
      socket.onAny((event: string, ...args: unknown[]) => {
        if (event === 'message' || event === 'end' || event === 'typing' || event === 'rating') return;
        const ack = args.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error: { code: 'UNKNOWN_EVENT', message: `unknown event "${event}"` } });
      });
    }

    return {
      id: 'web-chat',
      channel: 'chat',
      async start() {
        if (started || !namespace) return;
        started = true;
        namespace.use((socket, next) => {
          const parsed = chatHandshakeSchema.safeParse(socket.handshake.auth ?? {});
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            const error = new Error(`${issue.path.join('.') || 'auth'}: ${issue.message}`) as Error & { data: ErrorBody };
            error.data = { code: 'VALIDATION_FAILED', message: error.message };
            next(error);
            return;
          }
          socket.data = {
            visitorId: parsed.data.visitorId ?? randomBytes(12).toString('base64url'),
            name: parsed.data.name,
            email: parsed.data.email,
            language: parsed.data.language,
            queue: parsed.data.queue,
            sent: [],
            typingForwardedAt: 0,
            lastContactId: null,
          };
          next();
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
            room.emit('message', {
              from: event.from,
              text: event.text,
              at: event.at,
              ...(event.seq ? { seq: event.seq } : {}),
              ...(event.options ? { options: event.options } : {}),
              ...(event.links ? { links: event.links } : {}),
            });
            return;
          case 'queue':
            room.emit('queue', { position: event.position, estimatedWaitSeconds: event.estimatedWaitSeconds });
            return;
          case 'ended':
            room.emit('ended', { by: event.by, at: event.at });
            return;
        }
      },
    };
  },
};

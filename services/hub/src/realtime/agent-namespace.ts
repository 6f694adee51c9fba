import type { Namespace, Server, Socket } from 'socket.io';
import type { z } from 'zod';
import { agentClientSchemas, rooms, SentralError, type Ack, type AgentClientEvents, type AgentServerEvents, type ErrorBody } from '@sentral/contract';
import type { AgentPrincipal, TokenService } from '../auth/tokens.ts';
import type { AgentWork } from '../contacts/service.ts';
import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { findUnsafeInput } from '../input-guard.ts';
import { answeringFailures } from './guard.ts';
import { watchSessions } from './session-watch.ts';

type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, { agent: AgentPrincipal; token: string }>;
type EventName = keyof typeof agentClientSchemas;

/** Turns any failure into the contract's ack error; unexpected ones are logged, never leaked. */
export function toAckError(error: unknown, logger: Logger): ErrorBody {
  if (error instanceof SentralError) return error.toJSON();
  logger.error({ err: error }, 'realtime handler failed');
  return { code: 'INTERNAL', message: 'internal error' };
}

/** The `/agent` namespace: token-checked handshake, one room per agent, validated events with acks. */
export function attachAgentNamespace(
  io: Server,
  deps: {
    tokens: TokenService;
    work: AgentWork;
    dispatcher: Dispatcher;
    db: Database;
    logger: Logger;
    disconnectGraceMs: number;
    sessionCheckMs: number;
    /** Passes the agent's typing on to the chat customer. */
    onAgentTyping?: (contactId: string, typing: boolean) => Promise<void>;
  },
): { stop(): void } {
  const { tokens, work, dispatcher, db, logger } = deps;
  const graceTimers = new Set<NodeJS.Timeout>();
  const namespace = io.of('/agent') as unknown as Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, { agent: AgentPrincipal; token: string }>;

  namespace.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string') {
      next(Object.assign(new Error('a token is required'), { data: { code: 'UNAUTHENTICATED', message: 'a token is required' } }));
      return;
    }
    tokens
      .verify(token)
      .then((agent) => {
        // The token check refuses deleted, disabled and changed accounts; it is repeated while the socket is open.
        socket.data.agent = agent;
        socket.data.token = token;
        next();
      })
      .catch((error: unknown) => {
        const body = error instanceof SentralError ? error.toJSON() : { code: 'UNAUTHENTICATED', message: 'invalid token' };
        next(Object.assign(new Error(body.message), { data: body }));
      });
  });

  // An agent's keystrokes reach the customer at most once a second per conversation; "stopped" always does.
  const typingForwardedAt = new Map<string, number>();
  async function agentTyping(agent: AgentPrincipal, contactId: string, typing: boolean): Promise<object> {
    const key = `${agent.id}:${contactId}`;
    const now = Date.now();
    if (typing && now - (typingForwardedAt.get(key) ?? 0) < 1000) return {};
    if (typing) typingForwardedAt.set(key, now);
    else typingForwardedAt.delete(key);
    const owned = await db.contact.findFirst({ where: { id: contactId, agentId: agent.id, status: 'accepted', channel: 'chat' }, select: { id: true } });
    if (owned) await deps.onAgentTyping?.(contactId, typing);
    return {};
  }

  const handlers: { [E in EventName]: (agent: AgentPrincipal, payload: z.infer<(typeof agentClientSchemas)[E]>) => Promise<object> } = {
    'offer:accept': async (agent, { offerId }) => ({ contact: await work.accept(agent, offerId) }),
    'offer:reject': async (agent, { offerId }) => {
      await work.reject(agent, offerId);
      return {};
    },
    'agent:state': async (agent, { state, reason }) => work.setState(agent, state, undefined, reason),
    'contact:note': async (agent, { contactId, text }) => ({ note: await work.addNote(agent, contactId, text) }),
    'contact:send': async (agent, { contactId, text, clientMessageId }) => ({ message: await work.send(agent, contactId, text, clientMessageId) }),
    'contact:transfer': async (agent, { contactId, to, note }) => work.transfer(agent, contactId, to, note),
    'contact:end': async (agent, { contactId, disposition, notes }) => {
      await work.end(agent, contactId, { disposition, notes });
      return {};
    },
    'contact:wrap-up': async (agent, { contactId, disposition, notes }) => {
      await work.wrapUp(agent, contactId, { disposition, notes });
      return {};
    },
    'contact:typing': (agent, { contactId, typing }) => agentTyping(agent, contactId, typing),
  };

  namespace.on('connection', (socket: AgentSocket) => {
    const agent = socket.data.agent;
    void socket.join(rooms.agent(agent.id));
    // Offers made while the agent was away from the socket are shown again.
    dispatcher
      .pendingOffersFor(agent.id)
      .then((offers) => offers.forEach((offer) => socket.emit('contact:offer', offer)))
      .catch((error: unknown) => logger.error({ err: error }, 'could not re-send pending offers'));

    socket.onAny(answeringFailures((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      const reply = typeof ack === 'function' ? (ack as (res: Ack<object>) => void) : () => undefined;
      // Own keys only: an event called "constructor" or "toString" must not reach Object.prototype.
      if (!Object.hasOwn(handlers, event)) {
        reply({ ok: false, error: { code: 'UNKNOWN_EVENT', message: `unknown event "${event.slice(0, 100)}"` } });
        return;
      }
      const name = event as EventName;
      const unsafe = findUnsafeInput(args[0], 'payload');
      if (unsafe) {
        reply({ ok: false, error: { code: 'VALIDATION_FAILED', message: unsafe } });
        return;
      }
      const parsed = agentClientSchemas[name].safeParse(args[0]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const code = issue.code === 'too_big' ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
        reply({ ok: false, error: { code, message: `${issue.path.join('.') || 'payload'}: ${issue.message}` } });
        return;
      }
      const handler = handlers[name] as (a: AgentPrincipal, p: unknown) => Promise<object>;
      handler(agent, parsed.data)
        .then((result) => reply({ ok: true, ...result }))
        .catch((error: unknown) => reply({ ok: false, error: toAckError(error, logger) }));
    }, (error) => toAckError(error, logger)));

    socket.on('disconnect', () => {
      // A closed laptop must not keep receiving offers: after a grace period with no socket left, go offline.
      const timer = setTimeout(() => {
        graceTimers.delete(timer);
        namespace
          .in(rooms.agent(agent.id))
          .fetchSockets()
          .then(async (remaining) => {
            if (remaining.length > 0) return;
            const current = await db.agent.findUnique({ where: { id: agent.id }, select: { state: true } });
            if (current && current.state !== 'offline') await work.setState(agent, 'offline', 'system:disconnect');
          })
          .catch((error: unknown) => logger.warn({ err: error }, 'disconnect check failed'));
      }, deps.disconnectGraceMs);
      timer.unref();
      graceTimers.add(timer);
    });
  });
  const sessions = watchSessions(namespace as unknown as Namespace, { tokens, everyMs: deps.sessionCheckMs, logger });
  return {
    stop() {
      sessions.stop();
      for (const timer of graceTimers) clearTimeout(timer);
      graceTimers.clear();
    },
  };
}

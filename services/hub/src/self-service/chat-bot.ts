import {
  languages,
  type ContactIntake,
  type InboundContact,
  type IntentClassifier,
  type KnowledgeBase,
  type Language,
  type SelfService,
  type SessionStore,
} from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { appendMessage } from '../contacts/messages.ts';
import type { ChatBotDoor } from './bot-door.ts';
import { botFlowSchema, type BotFlow } from './engine/flow.ts';
import { FlowEngine, type EngineInput, type EngineSession, type EngineTurn, type Said } from './engine/engine.ts';
import { servedInSelfService } from './journey.ts';

export interface ChatBot extends ChatBotDoor {
  /** Ends self-service chats the customer left (no message within the idle time) and IVR calls whose end never came. */
  startSweep(everyMs: number): { stop(): Promise<void> };
}

const FLOW_CACHE_MS = 5_000;
const SESSION_TTL_SECONDS = 2 * 86_400;
const WRITE_ATTEMPTS = 6;
/** A call cannot sit in a phone menu this long: its status callback was lost. */
const STALE_CALL_MS = 4 * 3_600_000;

const sessionKey = (contactId: string) => `chat:${contactId}`;
const asLanguage = (value: string | null | undefined): Language => ((languages as readonly string[]).includes(value ?? '') ? (value as Language) : 'nb');

/**
 * The chat door to the flow engine. The intake stores a chat contact in self-service and every
 * customer message first; the bot then answers each message once (by its sequence number), through
 * the notifier as `from: 'bot'` messages that are stored like any other. It is silent once the
 * contact has left self-service: the intake only hands it messages of contacts still there.
 */
export function createChatBot(deps: {
  db: Database;
  sessions: SessionStore;
  selfService: SelfService;
  notifier: Notifier;
  /** The intake the bot hands over and finishes through (built with the bot, so passed late). */
  intake: () => ContactIntake;
  logger: Logger;
  classifier?: IntentClassifier | null;
  knowledge?: KnowledgeBase | null;
  /** A self-service chat without a customer message this long is over (the customer left). */
  idleSeconds: number;
  now?: () => Date;
}): ChatBot {
  const { db, sessions, notifier, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const flowCache = new Map<string, { at: number; flow: BotFlow | null }>();
  // One turn at a time per conversation in this process; the session's compare-and-set covers the others.
  const running = new Map<string, Promise<void>>();

  async function flowFor(queueId: string | null): Promise<{ address: string; flow: BotFlow } | null> {
    for (const address of queueId ? [queueId, '*'] : ['*']) {
      const cached = flowCache.get(address);
      let flow = cached && Date.now() - cached.at < FLOW_CACHE_MS ? cached.flow : undefined;
      if (flow === undefined) {
        const row = await db.selfServiceFlow.findUnique({ where: { channel_address: { channel: 'chat', address } }, select: { definition: true } });
        const parsed = row ? botFlowSchema.safeParse(row.definition) : null;
        if (parsed && !parsed.success) logger.warn({ address }, 'stored chat flow is not valid; the bot is off for it');
        flow = parsed?.success ? parsed.data : null;
        flowCache.set(address, { at: Date.now(), flow });
      }
      if (flow) return { address, flow };
    }
    return null;
  }

  function engineFor(flow: BotFlow, queueId: string): FlowEngine {
    return new FlowEngine(flow, { selfService: deps.selfService, classifier: deps.classifier ?? null, knowledge: deps.knowledge ?? null, calendarQueue: queueId, now });
  }

  function serialised(contactId: string, work: () => Promise<void>): void {
    const previous = running.get(contactId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => logger.error({ err: error, contactId }, 'the bot could not answer'))
      .finally(() => {
        if (running.get(contactId) === next) running.delete(contactId);
      });
    running.set(contactId, next);
  }

  /** Stores and sends the bot's messages; a conversation that ended meanwhile gets none. */
  async function say(contactId: string, said: Said[]): Promise<void> {
    if (said.length === 0) return;
    const visitor = (await db.contact.findUnique({ where: { id: contactId }, select: { fromAddress: true } }))?.fromAddress ?? null;
    for (const message of said) {
      const stored = await db
        .$transaction((tx) =>
          appendMessage(tx, {
            contactId,
            author: 'bot',
            text: message.text,
            meta: { ...(message.options ? { options: message.options } : {}), ...(message.links ? { links: message.links } : {}) },
          }),
        )
        .catch(() => null);
      if (!stored) return;
      await notifier.toCustomer('chat', {
        kind: 'message',
        contactId,
        from: 'bot',
        text: stored.text,
        at: stored.at,
        seq: stored.seq,
        customerAddress: visitor,
        ...(message.options ? { options: message.options } : {}),
        ...(message.links ? { links: message.links } : {}),
      });
    }
  }

  function identified(session: EngineSession) {
    return session.identity?.method === 'verified' ? session.identity : null;
  }

  /** What follows a turn: the journey on the contact, the handover, or the end of the conversation. */
  async function settle(contactId: string, session: EngineSession, turn: EngineTurn): Promise<void> {
    const intake = deps.intake();
    await say(contactId, turn.said);
    if (turn.outcome.kind === 'handover') {
      await intake.handOver?.(contactId, { journey: session.journey, queueId: turn.outcome.queue, identified: identified(session), language: session.language });
    } else if (turn.outcome.kind === 'finished') {
      await finish(contactId, session, 'customer');
    } else {
      await intake.updateJourney?.(contactId, session.journey);
    }
  }

  async function finish(contactId: string, session: EngineSession, by: 'customer' | 'system'): Promise<void> {
    const served = servedInSelfService(session.journey);
    const awaiting = session.awaiting;
    const done = await deps.intake().finishSelfService?.(contactId, {
      outcome: served ? 'self-served' : 'abandoned-in-self-service',
      journey: session.journey,
      identified: identified(session),
      leftAt: served ? null : 'node' in awaiting ? `${awaiting.kind}:${awaiting.node}` : awaiting.kind,
    });
    if (done?.finished) await notifier.toCustomer('chat', { kind: 'ended', contactId, by, at: now().toISOString() });
  }

  async function load(contactId: string) {
    return db.contact.findUnique({ where: { id: contactId }, select: { queueId: true, language: true, customerId: true, identMethod: true, identConfidence: true, status: true } });
  }

  /** Runs one turn against the stored session, retrying when another process wrote first. */
  async function turn(contactId: string, seq: number, step: (engine: FlowEngine, draft: EngineSession) => Promise<EngineTurn>): Promise<void> {
    const contact = await load(contactId);
    if (!contact) return;
    const found = await flowFor(contact.queueId);
    if (!found) return;
    const engine = engineFor(found.flow, contact.queueId);
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const stored = await sessions.get(sessionKey(contactId));
      if (!stored) return;
      const session = stored.value as EngineSession;
      if (session.lastSeq >= seq) return;
      const draft = structuredClone(session);
      draft.lastSeq = seq;
      // A proof the channel took meanwhile (a one-time code) counts from the next message on.
      if (contact.identMethod === 'verified' && contact.customerId && draft.identity?.method !== 'verified') {
        draft.identity = { customerId: contact.customerId, method: 'verified', confidence: contact.identConfidence };
      }
      const result = await step(engine, draft);
      if (await sessions.replace(sessionKey(contactId), stored.version, draft)) {
        await settle(contactId, draft, result);
        return;
      }
    }
    logger.warn({ contactId, seq }, 'the bot session kept changing; message left unanswered');
  }

  return {
    async entryPointFor(inbound: InboundContact) {
      if (inbound.channel !== 'chat') return null;
      const found = await flowFor(inbound.queueId ?? null);
      return found ? `chat:${inbound.queueId ?? found.address}` : null;
    },

    started(contactId, inbound) {
      serialised(contactId, async () => {
        const contact = await load(contactId);
        if (!contact) return;
        const found = await flowFor(contact.queueId);
        if (!found) return;
        // Verified only when the channel established it (a signed identity, a one-time code); an email typed in the chat is a claim.
        const verified = contact.identMethod === 'verified' && contact.customerId !== null;
        const draft: EngineSession = {
          v: 1,
          language: asLanguage(inbound.language ?? contact.language),
          awaiting: { kind: 'done' },
          identity: verified ? { customerId: contact.customerId, method: 'verified', confidence: contact.identConfidence } : null,
          verifyAttempts: 0,
          journey: [],
          misses: 0,
          lastSeq: inbound.firstMessage ? 1 : 0,
        };
        const first: EngineInput | null = inbound.firstMessage ? { text: inbound.firstMessage.text, optionId: inbound.firstMessage.optionId ?? null } : null;
        const result = await engineFor(found.flow, contact.queueId).begin(draft, first);
        const { created } = await sessions.create(sessionKey(contactId), draft, SESSION_TTL_SECONDS);
        if (created) await settle(contactId, draft, result);
      });
    },

    message(contactId, message) {
      serialised(contactId, () => turn(contactId, message.seq, (engine, draft) => engine.input(draft, { text: message.text, optionId: message.optionId ?? null })));
    },

    async ended(contactId) {
      const stored = await sessions.get(sessionKey(contactId));
      if (!stored) return false;
      await finish(contactId, stored.value as EngineSession, 'customer');
      return true;
    },

    startSweep(everyMs) {
      let inFlight: Promise<void> | null = null;
      const sweepOnce = async () => {
        try {
          const idleSince = new Date(now().getTime() - deps.idleSeconds * 1000);
          const stale = await db.$queryRaw<Array<{ id: string }>>`
            SELECT c.id::text AS id FROM "Contact" c
            WHERE c.status = 'self-service' AND (
              (c.channel = 'chat' AND coalesce((SELECT max(m."createdAt") FROM "Message" m WHERE m."contactId" = c.id AND m.author = 'customer'), c."createdAt") < ${idleSince})
              OR (c.channel = 'voice' AND c."createdAt" < ${new Date(now().getTime() - STALE_CALL_MS)}))
            LIMIT 200`;
          // The customer's end as they left it: served if the bot or the IVR answered something, else abandoned.
          for (const { id } of stale) await deps.intake().customerEnded(id);
          if (stale.length) logger.info({ count: stale.length }, 'self-service conversations ended after the customer left');
        } catch (error) {
          logger.warn({ err: error }, 'self-service sweep failed');
        }
      };
      const timer = setInterval(() => void (inFlight ??= sweepOnce().finally(() => (inFlight = null))), everyMs);
      timer.unref();
      return {
        async stop() {
          clearInterval(timer);
          await inFlight;
          await Promise.all([...running.values()]);
        },
      };
    },
  };
}

import { z } from 'zod';
import { identificationMethods, languages, type SessionStore } from '@sentral/contract';

/**
 * One call's state, kept in the hub's session store between webhooks. Every change is a
 * compare-and-set on the stored version: two deliveries of one Twilio request cannot both move the
 * call forward, and the reply already given for a step is answered again for its retry.
 */

const invoiceRef = z.object({ number: z.string(), amount: z.string(), currency: z.string(), dueDate: z.string(), overdue: z.boolean() });

export const awaitingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('language'), node: z.string() }),
  /** Several customers share the caller's number: which one is calling. `node` is where the call goes on. */
  z.object({ kind: z.literal('customer'), node: z.string() }),
  z.object({ kind: z.literal('menu'), node: z.string() }),
  z.object({ kind: z.literal('digits'), node: z.string() }),
  z.object({ kind: z.literal('verify-reference'), node: z.string() }),
  z.object({ kind: z.literal('verify-secret'), node: z.string() }),
  z.object({ kind: z.literal('invoice'), node: z.string(), index: z.number().int(), invoice: invoiceRef }),
  z.object({ kind: z.literal('paying'), node: z.string(), invoice: invoiceRef }),
  z.object({ kind: z.literal('after-action'), node: z.string() }),
  z.object({ kind: z.literal('waiting') }),
  z.object({ kind: z.literal('done') }),
]);

export type Awaiting = z.infer<typeof awaitingSchema>;
export type InvoiceRef = z.infer<typeof invoiceRef>;

const journeyStep = z.object({ at: z.string(), step: z.string(), result: z.string(), data: z.record(z.string(), z.string()).optional() });

export const callSessionSchema = z.object({
  v: z.literal(1),
  callSid: z.string(),
  /** The caller's number as Twilio sent it, and its E.164 form (null when withheld or not a number). */
  from: z.string().nullable(),
  phone: z.string().nullable(),
  /** The number the caller dialled: the flow is chosen by it and call-backs come from it. */
  to: z.string().nullable(),
  flowId: z.string(),
  language: z.enum(languages),
  /** Steps answered so far: the step URL carries it, so a retried request is recognised. */
  seq: z.number().int().min(0),
  awaiting: awaitingSchema,
  /** Unanswered or invalid inputs in a row. */
  misses: z.number().int().min(0),
  identity: z
    .object({ customerId: z.string().nullable(), name: z.string().nullable(), method: z.enum(identificationMethods), confidence: z.number() })
    .nullable(),
  candidates: z.array(z.object({ id: z.string(), name: z.string() })),
  verification: z
    .object({ attempts: z.number().int(), reference: z.string().nullable(), claimedCustomerId: z.string().nullable(), failed: z.boolean() })
    .nullable(),
  journey: z.array(journeyStep),
  contactId: z.string().nullable(),
  queueId: z.string().nullable(),
  callback: z.object({
    requested: z.boolean(),
    callSid: z.string().nullable(),
    placedAt: z.string().nullable(),
    answered: z.boolean(),
  }),
  /** The leg that carries the customer now: the inbound call, or our call back. */
  activeCallSid: z.string(),
  bridge: z
    .object({
      conference: z.string(),
      agentId: z.string(),
      agentCallSid: z.string().nullable(),
      attempts: z.number().int().min(1).default(1),
      // Names one attempt at calling the agent; its status callbacks carry it, so a status that comes
      // before the call's sid is recorded still counts, and a repeated or stale one changes nothing.
      dial: z.string().nullable().default(null),
    })
    .nullable(),
  /** What the hub said to a caller who is not with an agent (e.g. the queue is closed): spoken at the next chance. */
  notice: z.string().nullable().default(null),
  ended: z.boolean(),
  lastReply: z.object({ seq: z.number().int(), twiml: z.string() }).nullable(),
  startedAt: z.string(),
});

export type CallSession = z.infer<typeof callSessionSchema>;

const contactIndexSchema = z.object({ callSid: z.string() });

// A call is long over after a day; its journey lives on in the contact.
const SESSION_TTL_SECONDS = 24 * 3600;
const MAX_WRITE_ATTEMPTS = 8;

export const callKey = (callSid: string) => `call:${callSid}`;
const contactKey = (contactId: string) => `contact:${contactId}`;

export interface Loaded {
  session: CallSession;
  version: number;
}

export class SessionConflictError extends Error {
  override name = 'SessionConflictError';
}

/** Typed access to call sessions over the hub's generic session store. */
export class CallSessions {
  constructor(private readonly store: SessionStore) {}

  async get(callSid: string): Promise<Loaded | null> {
    const stored = await this.store.get(callKey(callSid));
    return stored ? { session: callSessionSchema.parse(stored.value), version: stored.version } : null;
  }

  async byContact(contactId: string): Promise<Loaded | null> {
    const index = await this.store.get(contactKey(contactId));
    if (!index) return null;
    return this.get(contactIndexSchema.parse(index.value).callSid);
  }

  async create(session: CallSession): Promise<{ created: boolean; loaded: Loaded }> {
    const { created, session: stored } = await this.store.create(callKey(session.callSid), session, SESSION_TTL_SECONDS);
    return { created, loaded: { session: callSessionSchema.parse(stored.value), version: stored.version } };
  }

  /** Remembers which call a contact belongs to; the hub's events name contacts, Twilio names calls. */
  async link(contactId: string, callSid: string): Promise<void> {
    await this.store.create(contactKey(contactId), { callSid }, SESSION_TTL_SECONDS);
  }

  /** Writes `next` only if nobody wrote since `loaded` was read. */
  async replace(loaded: Loaded, next: CallSession): Promise<Loaded | null> {
    const ok = await this.store.replace(callKey(next.callSid), loaded.version, next);
    return ok ? { session: next, version: loaded.version + 1 } : null;
  }

  /**
   * Applies `change` to the latest state, retrying on concurrent writes. `change` returns null to
   * leave the session as it is (the change was already made); `changed` tells whether this call made it.
   */
  async update(callSid: string, change: (draft: CallSession) => CallSession | null): Promise<{ session: CallSession; changed: boolean } | null> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const loaded = await this.get(callSid);
      if (!loaded) return null;
      const next = change(structuredClone(loaded.session));
      if (!next) return { session: loaded.session, changed: false };
      if (await this.replace(loaded, next)) return { session: next, changed: true };
    }
    throw new SessionConflictError(`call ${callSid} kept changing under ${MAX_WRITE_ATTEMPTS} writes`);
  }
}

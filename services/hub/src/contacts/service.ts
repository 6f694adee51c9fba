import { SentralError, type AcceptedContact, type AgentState, type ChatMessage, type Channel, type InternalNote } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { AgentPrincipal } from '../auth/tokens.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { text } from '../i18n.ts';
import { transferContact, type TransferTarget } from '../routing/transfer.ts';
import { appendMessage, recordEvent, transcript } from './messages.ts';
import { addInternalNote } from './notes.ts';
import { assertAwayReason } from '../presence/away-reasons.ts';

type Tx = Prisma.TransactionClient;

/** The part of the outbound sender agent work needs. */
export interface OutboundSender {
  durable(channel: Channel): boolean;
  /** Queues a stored, pending agent message for sending and records the first response. */
  replied(contactId: string, messageId: string): Promise<void>;
}

/** What agents do with contacts: answer offers, talk, end, change state. Every step is checked against ownership. */
export interface AgentWork {
  accept(agent: AgentPrincipal, offerId: string): Promise<AcceptedContact>;
  reject(agent: AgentPrincipal, offerId: string): Promise<void>;
  send(agent: AgentPrincipal, contactId: string, body: string, clientMessageId?: string): Promise<ChatMessage>;
  end(agent: AgentPrincipal, contactId: string, wrapUp: { disposition?: string | undefined; notes?: string | undefined }): Promise<void>;
  /** `reason`: an active away reason code, only with `away` (refused otherwise). */
  setState(agent: AgentPrincipal, state: AgentState, actor?: string, reason?: string): Promise<{ state: AgentState; since: string; reason: string | null }>;
  /** Stores an internal note on a contact of this agent (or any contact, for a supervisor); never sent to the customer. */
  addNote(agent: AgentPrincipal, contactId: string, text: string): Promise<InternalNote>;
  openContacts(agent: AgentPrincipal): Promise<AcceptedContact[]>;
  /** Records disposition and notes once the conversation has ended, whoever ended it. */
  wrapUp(agent: AgentPrincipal, contactId: string, wrapUp: { disposition: string; notes?: string | undefined }): Promise<void>;
  /** The agent's recently ended conversations that still have no disposition (restored after a reconnect). */
  pendingWrapUps(agent: AgentPrincipal): Promise<AcceptedContact[]>;
  /** Hands an accepted contact to a queue or to one agent; the note is shown in the next agent's screen pop. */
  transfer(agent: AgentPrincipal, contactId: string, to: TransferTarget, note?: string): Promise<{ queueId: string }>;
}

// How far back an ended conversation without a disposition still counts as waiting for wrap-up: one shift.
const WRAP_UP_WINDOW_MS = 8 * 3_600_000;

const acceptedColumns = {
  id: true,
  channel: true,
  queueId: true,
  customerId: true,
  subject: true,
  fromAddress: true,
  attributes: true,
  language: true,
  acceptedAt: true,
  endedAt: true,
} as const;

type AcceptedRow = Prisma.ContactGetPayload<{ select: typeof acceptedColumns }>;

const agentActor = (agent: AgentPrincipal) => `agent:${agent.id}`;
const handedOver = (attributes: unknown) => (attributes as { selfService?: { outcome?: unknown } } | null)?.selfService?.outcome === 'handed-over';

export function createAgentWork(deps: {
  db: Database;
  notifier: Notifier;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: Metrics;
  /** When given, ending and wrap-up accept only these disposition codes. */
  dispositions?: readonly string[];
  /** Durable sending for channels that have it (email, fax): queued, retried, recorded. */
  outbound?: OutboundSender;
}): AgentWork {
  const { db, notifier, dispatcher, metrics } = deps;
  const checkDisposition = (disposition: string) => {
    if (deps.dispositions && !deps.dispositions.includes(disposition)) {
      throw new SentralError('VALIDATION_FAILED', `disposition: must be one of ${deps.dispositions.join(', ')}`, { field: 'disposition' });
    }
  };

  async function lockOffer(tx: Tx, agent: AgentPrincipal, offerId: string) {
    const [offer] = await tx.$queryRaw<Array<{ id: string; contactId: string; agentId: string; status: string; expiresAt: Date }>>`
      SELECT id, "contactId", "agentId", status::text AS status, "expiresAt" FROM "Offer" WHERE id = ${offerId}::uuid FOR UPDATE`;
    // Another agent's offer looks exactly like a missing one: nothing about it leaks.
    if (!offer || offer.agentId !== agent.id) throw new SentralError('NOT_FOUND', 'no such offer');
    if (offer.status !== 'pending' || offer.expiresAt.getTime() <= Date.now()) {
      throw new SentralError('OFFER_EXPIRED', `the offer is no longer open (${offer.status})`);
    }
    return offer;
  }

  async function ownContact(tx: Tx | Database, agent: AgentPrincipal, contactId: string) {
    const contact = await tx.contact.findUnique({
      where: { id: contactId },
      select: { id: true, agentId: true, status: true, channel: true, language: true, queueId: true, customerId: true },
    });
    if (!contact || contact.agentId !== agent.id) {
      throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
    }
    if (contact.status !== 'accepted') throw new SentralError('CONFLICT', `the contact is ${contact.status}, not in conversation`);
    return contact;
  }

  async function toAccepted(contact: AcceptedRow): Promise<AcceptedContact> {
    const displayName = (contact.attributes as { displayName?: unknown } | null)?.displayName;
    return {
      id: contact.id,
      channel: contact.channel as Channel,
      queue: contact.queueId,
      customerId: contact.customerId,
      messages: await transcript(db, contact.id),
      subject: contact.subject,
      from: contact.fromAddress,
      displayName: typeof displayName === 'string' ? displayName : null,
      language: contact.language,
      acceptedAt: contact.acceptedAt?.toISOString() ?? null,
      endedAt: contact.endedAt?.toISOString() ?? null,
    };
  }

  return {
    async accept(agent, offerId) {
      const contact = await db.$transaction(async (tx) => {
        const offer = await lockOffer(tx, agent, offerId);
        await tx.offer.update({ where: { id: offer.id }, data: { status: 'accepted', pendingKey: null, respondedAt: new Date() } });
        const accepted = await tx.contact.update({
          where: { id: offer.contactId },
          data: { status: 'accepted', acceptedAt: new Date() },
          select: acceptedColumns,
        });
        await recordEvent(tx, offer.contactId, 'accepted', agentActor(agent), { offerId });
        return accepted;
      });
      metrics.contactTransitions.inc({ channel: contact.channel, state: 'accepted' });
      // Voice bridges the caller to the agent now; other channels ignore it.
      await notifier.toCustomer(contact.channel, { kind: 'accepted', contactId: contact.id, agentId: agent.id, agentName: agent.name, at: new Date().toISOString() });
      const firstName = agent.name.split(' ')[0] ?? agent.name;
      await notifier.toCustomer(contact.channel, {
        kind: 'message',
        contactId: contact.id,
        from: 'system',
        // A conversation the bot handed over is taken over; any other is joined.
        text: text(handedOver(contact.attributes) ? 'agentTookOver' : 'agentJoined', contact.language, firstName),
        at: new Date().toISOString(),
      });
      await dispatcher.announceQueue(contact.queueId);
      const view = await toAccepted(contact);
      // Every session of the agent follows: the offer leaves them all and the contact opens in each.
      notifier.toAgent(agent.id, 'contact:offer-withdrawn', { offerId, contactId: contact.id, reason: 'accepted' });
      notifier.toAgent(agent.id, 'contact:accepted', { offerId, contact: view });
      return view;
    },

    async reject(agent, offerId) {
      const contactId = await db.$transaction(async (tx) => {
        const offer = await lockOffer(tx, agent, offerId);
        await tx.offer.update({ where: { id: offer.id }, data: { status: 'rejected', pendingKey: null, respondedAt: new Date() } });
        await tx.contact.update({ where: { id: offer.contactId }, data: { status: 'queued', agentId: null } });
        await recordEvent(tx, offer.contactId, 'rejected', agentActor(agent), { offerId });
        return offer.contactId;
      });
      notifier.toAgent(agent.id, 'contact:offer-withdrawn', { offerId, contactId, reason: 'rejected' });
      await dispatcher.kick();
    },

    async send(agent, contactId, body, clientMessageId) {
      const { message, channel, durable } = await db.$transaction(async (tx) => {
        const contact = await ownContact(tx, agent, contactId);
        // Marked pending in the same transaction: a crash before the send is queued cannot lose the reply.
        const durable = deps.outbound?.durable(contact.channel) ?? false;
        const stored = await appendMessage(tx, { contactId, author: 'agent', text: body, clientMessageId, agentId: agent.id, ...(durable ? { delivery: 'pending' } : {}) });
        return { message: stored, channel: contact.channel, durable };
      });
      if (durable) await deps.outbound!.replied(contactId, message.id);
      else await notifier.toCustomer(channel, { kind: 'message', contactId, from: 'agent', text: message.text, at: message.at, seq: message.seq });
      // The agent's other sessions show the reply too.
      notifier.toAgent(agent.id, 'contact:message', { contactId, message });
      return message;
    },

    async end(agent, contactId, wrapUp) {
      // A disposition given at the end counts in analytics as one given at wrap-up, so it is held to the same list.
      if (wrapUp.disposition !== undefined) checkDisposition(wrapUp.disposition);
      const contact = await db.$transaction(async (tx) => {
        const owned = await ownContact(tx, agent, contactId);
        await tx.contact.update({
          where: { id: contactId },
          data: {
            status: 'ended',
            endedAt: new Date(),
            openKey: null,
            disposition: wrapUp.disposition ?? null,
            notes: wrapUp.notes ?? null,
          },
        });
        await recordEvent(tx, contactId, 'ended', agentActor(agent), { disposition: wrapUp.disposition ?? null });
        await tx.agent.update({ where: { id: agent.id }, data: { idleSince: new Date() } });
        await tx.auditLog.create({
          data: { actorId: agent.id, action: 'contact.end', entity: 'contact', entityId: contactId, data: { disposition: wrapUp.disposition ?? null } },
        });
        return owned;
      });
      metrics.contactTransitions.inc({ channel: contact.channel, state: 'ended' });
      const at = new Date().toISOString();
      await notifier.toCustomer(contact.channel, { kind: 'message', contactId, from: 'system', text: text('endedByAgent', contact.language), at });
      await notifier.toCustomer(contact.channel, { kind: 'ended', contactId, by: 'agent', at });
      notifier.toAgent(agent.id, 'contact:ended', { contactId, by: 'agent' });
      await dispatcher.kick();
    },

    async setState(agent, state, actor = agentActor(agent), reason) {
      if (reason !== undefined) {
        if (state !== 'away') throw new SentralError('VALIDATION_FAILED', 'reason: a reason is given only with away', { field: 'reason' });
        await assertAwayReason(db, reason);
      }
      const now = new Date();
      const updated = await db.$transaction(async (tx) => {
        const row = await tx.agent.update({
          where: { id: agent.id },
          data: { state, stateSince: now, awayReason: reason ?? null, ...(state === 'available' ? { idleSince: now } : {}) },
          select: { state: true, stateSince: true, awayReason: true },
        });
        await tx.auditLog.create({ data: { actorId: agent.id, action: 'agent.state', entity: 'agent', entityId: agent.id, data: { state, actor, ...(reason ? { reason } : {}) } } });
        return row;
      });
      const result = { state: updated.state as AgentState, since: updated.stateSince.toISOString(), reason: updated.awayReason };
      notifier.toAgent(agent.id, 'agent:state', result);
      if (state === 'available') await dispatcher.kick();
      return result;
    },

    async addNote(agent, contactId, body) {
      const note = await addInternalNote(db, agent, contactId, body);
      // Every session of the contact's agent shows it; the customer's channel is never told.
      const owner = await db.contact.findUnique({ where: { id: contactId }, select: { agentId: true } });
      if (owner?.agentId) notifier.toAgent(owner.agentId, 'contact:note', { contactId, note });
      return note;
    },

    async openContacts(agent) {
      const contacts = await db.contact.findMany({
        where: { agentId: agent.id, status: 'accepted' },
        select: acceptedColumns,
        orderBy: { acceptedAt: 'asc' },
      });
      return Promise.all(contacts.map(toAccepted));
    },

    async wrapUp(agent, contactId, wrapUp) {
      checkDisposition(wrapUp.disposition);
      await db.$transaction(async (tx) => {
        const [contact] = await tx.$queryRaw<Array<{ agentId: string | null; status: string }>>`
          SELECT "agentId", status::text AS status FROM "Contact" WHERE id = ${contactId}::uuid FOR UPDATE`;
        if (!contact || contact.agentId !== agent.id) throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
        if (contact.status !== 'ended') throw new SentralError('CONFLICT', `the contact is ${contact.status}; end the conversation before wrapping it up`);
        await tx.contact.update({ where: { id: contactId }, data: { disposition: wrapUp.disposition, notes: wrapUp.notes ?? null } });
        await recordEvent(tx, contactId, 'wrapped-up', agentActor(agent), { disposition: wrapUp.disposition });
        await tx.auditLog.create({
          data: { actorId: agent.id, action: 'contact.wrap-up', entity: 'contact', entityId: contactId, data: { disposition: wrapUp.disposition } },
        });
      });
      notifier.toAgent(agent.id, 'contact:closed', { contactId, reason: 'wrapped-up' });
    },

    async transfer(agent, contactId, to, note) {
      const moved = await transferContact(db, dispatcher.rules, agent, { contactId, to, note });
      metrics.contactTransitions.inc({ channel: moved.channel, state: 'queued' });
      // The channel takes the customer back into line (a caller hears the queue again).
      await notifier.toCustomer(moved.channel, { kind: 'requeued', contactId, at: new Date().toISOString() });
      notifier.toAgent(agent.id, 'contact:closed', { contactId, reason: 'transferred' });
      await dispatcher.kick();
      await Promise.all([...new Set([moved.fromQueue, moved.queueId])].map((queueId) => dispatcher.announceQueue(queueId)));
      return { queueId: moved.queueId };
    },

    async pendingWrapUps(agent) {
      const contacts = await db.contact.findMany({
        where: { agentId: agent.id, status: 'ended', disposition: null, endedAt: { gte: new Date(Date.now() - WRAP_UP_WINDOW_MS) } },
        select: acceptedColumns,
        orderBy: { endedAt: 'asc' },
        take: 20,
      });
      return Promise.all(contacts.map(toAccepted));
    },
  };
}

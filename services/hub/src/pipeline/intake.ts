import { z } from 'zod';
import {
  channels,
  identificationMethods,
  SentralError,
  type Channel,
  type ContactIntake,
  type InboundContact,
  type OpenedContact,
} from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { contactJobs, type ContactJobData, type JobProducer } from '@sentral/queues';
import { assertSafeInput } from '../input-guard.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { appendMessage, appendToContact, isUniqueViolation, recordEvent } from '../contacts/messages.ts';
import { queuePlaces } from '../routing/queue-position.ts';
import type { QueueDirectory } from './queue-directory.ts';
import { conversationFields, inboundMessageSchema, type Conversations } from './conversations.ts';

const inboundSchema = z.object({
  channel: z.enum(channels),
  externalId: z.string().min(1).max(300),
  from: z.string().max(320).nullable(),
  to: z.string().max(320).nullish(),
  openKey: z.string().max(300).nullish(),
  claimedEmail: z.string().max(320).nullish(),
  displayName: z.string().max(200).nullish(),
  subject: z.string().max(998).nullish(),
  language: z.string().max(10).nullish(),
  queueId: z.string().max(64).nullish(),
  journey: z.array(z.object({ at: z.string(), step: z.string().max(500), result: z.string().max(2000) })).max(200).optional(),
  firstMessage: inboundMessageSchema.nullish(),
  identified: z
    .object({ customerId: z.string().uuid().nullable(), method: z.enum(identificationMethods), confidence: z.number().min(0).max(1) })
    .strict()
    .nullish(),
  ...conversationFields,
});

const closed = new Set(['ended', 'abandoned']);
const journeySchema = z.array(z.object({ at: z.string(), step: z.string().max(500), result: z.string().max(2000) }).strict()).max(200);
// A channel answering a caller (a webhook) waits at most this long for the queue backend; the
// contact is stored already, and the recovery sweep enqueues it if this add never lands.
const ENQUEUE_WAIT_MS = 500;

/**
 * The hub's front door for every channel. A contact is committed to PostgreSQL before `open`
 * returns, so a connector acknowledges its channel only for what is safely stored; the job that
 * identifies and routes it is enqueued afterwards with an id derived from the contact, and the
 * recovery sweep re-enqueues anything a crash left behind.
 */
export function createIntake(deps: {
  db: Database;
  jobs: JobProducer<ContactJobData>;
  queues: QueueDirectory;
  notifier: Notifier;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: Metrics;
  /** Email and fax: threads, attachments and channel ids; without it every message opens or joins by key only. */
  conversations?: Conversations;
  /** Called once a new contact is stored (e.g. to acknowledge it automatically). */
  onOpened?: (opened: OpenedContact, inbound: InboundContact) => Promise<void>;
}): ContactIntake {
  const { db, jobs, queues, notifier, dispatcher, logger, metrics, conversations } = deps;

  async function enqueueIdentify(contactId: string): Promise<void> {
    const added = jobs.add(contactJobs.identify.name, { contactId }, { jobId: contactJobs.identify.jobId(contactId) }).then(
      () => true,
      (error: unknown) => {
        // Stored but not enqueued: the recovery sweep picks it up; the customer is not failed for it.
        logger.warn({ err: error, contactId }, 'could not enqueue a stored contact; recovery will retry');
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ENQUEUE_WAIT_MS)));
    const done = await Promise.race([added, slow]);
    clearTimeout(timer);
    if (!done) logger.warn({ contactId }, 'queue backend is slow; the contact is stored and will be enqueued by recovery if needed');
  }

  async function findExisting(inbound: InboundContact): Promise<{ id: string; status: string } | null> {
    const byEvent = await db.contact.findUnique({
      where: { channel_externalId: { channel: inbound.channel, externalId: inbound.externalId } },
      select: { id: true, status: true },
    });
    if (byEvent) return byEvent;
    if (!inbound.openKey) return null;
    return db.contact.findUnique({ where: { openKey: inbound.openKey }, select: { id: true, status: true } });
  }

  async function create(inbound: InboundContact): Promise<OpenedContact> {
    const queueId = await queues.resolve(inbound.channel, inbound.queueId ?? null);
    const prepared = conversations ? await conversations.prepare(inbound) : null;
    const channelFields = conversations && prepared ? conversations.contactFields(inbound, prepared) : null;
    return db.$transaction(async (tx) => {
      const contact = await tx.contact.create({
        data: {
          channel: inbound.channel,
          externalId: inbound.externalId,
          openKey: inbound.openKey ?? null,
          fromAddress: inbound.from,
          toAddress: inbound.to ?? null,
          subject: inbound.subject ?? null,
          language: inbound.language ?? null,
          queueId,
          journey: (inbound.journey ?? []) as unknown as Prisma.InputJsonValue,
          attributes: {
            ...(inbound.claimedEmail ? { claimedEmail: inbound.claimedEmail } : {}),
            ...(inbound.displayName ? { displayName: inbound.displayName } : {}),
            ...(inbound.identified ? { identified: { ...inbound.identified } } : {}),
            ...channelFields?.attributes,
          },
          ...(channelFields ? { accountId: channelFields.accountId, firstResponseDueAt: channelFields.firstResponseDueAt } : {}),
        },
        select: { id: true },
      });
      await recordEvent(tx, contact.id, 'arrived', 'customer', { channel: inbound.channel });
      const message = inbound.firstMessage
        ? await appendMessage(tx, {
            contactId: contact.id,
            author: 'customer',
            text: inbound.firstMessage.text,
            clientMessageId: inbound.firstMessage.clientMessageId,
            ...conversations?.extrasOf(inbound.firstMessage),
          })
        : undefined;
      if (message && prepared) await conversations?.storeAttachments(tx, contact.id, message.id, prepared.attachments);
      return { contactId: contact.id, created: true, ...(message ? { message: { id: message.id, seq: message.seq, at: message.at } } : {}) };
    });
  }

  const intake: ContactIntake = {
    async open(raw) {
      // Whatever channel it came through: a NUL in a name or text, or absurd nesting, is refused, not a 500.
      assertSafeInput(raw, 'contact');
      const parsed = inboundSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new SentralError('VALIDATION_FAILED', `${issue.path.join('.') || 'contact'}: ${issue.message}`);
      }
      const inbound = parsed.data as InboundContact;
      const continued = await conversations?.continueConversation(inbound);
      if (continued) return continued;
      const existing = await findExisting(inbound);
      if (existing && !closed.has(existing.status)) {
        const message = inbound.firstMessage ? await intake.customerMessage(existing.id, inbound.firstMessage) : undefined;
        return { contactId: existing.id, created: false, ...(message ? { message } : {}) };
      }
      if (existing) return { contactId: existing.id, created: false };
      let opened: OpenedContact;
      try {
        opened = await create(inbound);
      } catch (error) {
        // Two deliveries of one event raced each other: the loser returns the winner's contact.
        if (!isUniqueViolation(error)) throw error;
        const stored = await conversations?.continueConversation(inbound);
        if (stored) return stored;
        const winner = await findExisting(inbound);
        if (!winner) throw error;
        return intake.open(inbound);
      }
      metrics.contactTransitions.inc({ channel: inbound.channel, state: 'arrived' });
      await enqueueIdentify(opened.contactId);
      await deps.onOpened?.(opened, inbound).catch((error: unknown) => logger.warn({ err: error, contactId: opened.contactId }, 'after-open step failed'));
      return opened;
    },

    async customerMessage(contactId, input) {
      assertSafeInput(input, 'message');
      const {
        message,
        contact: { agentId, status },
      } = await db.$transaction((tx) => appendToContact(tx, { contactId, author: 'customer', text: input.text, clientMessageId: input.clientMessageId }));
      if (agentId && status === 'accepted') notifier.toAgent(agentId, 'contact:message', { contactId, message });
      return { id: message.id, seq: message.seq, at: message.at };
    },

    async customerEnded(contactId) {
      const outcome = await db.$transaction(async (tx) => {
        const [contact] = await tx.$queryRaw<Array<{ status: string; agentId: string | null; channel: Channel; queuedAt: Date | null; createdAt: Date; queueId: string }>>`
          SELECT status::text AS status, "agentId", channel::text AS channel, "queuedAt", "createdAt", "queueId"
          FROM "Contact" WHERE id = ${contactId}::uuid FOR UPDATE`;
        if (!contact || closed.has(contact.status)) return null;
        const now = new Date();
        if (contact.status === 'accepted') {
          await tx.contact.update({ where: { id: contactId }, data: { status: 'ended', endedAt: now, openKey: null } });
          await recordEvent(tx, contactId, 'ended', 'customer');
          return { ...contact, abandoned: false, offerId: null };
        }
        const pending = await tx.offer.findFirst({ where: { contactId, status: 'pending' }, select: { id: true } });
        if (pending) await tx.offer.update({ where: { id: pending.id }, data: { status: 'cancelled', pendingKey: null, respondedAt: now } });
        await tx.contact.update({ where: { id: contactId }, data: { status: 'abandoned', endedAt: now, openKey: null, agentId: null } });
        const waitSeconds = (now.getTime() - (contact.queuedAt ?? contact.createdAt).getTime()) / 1000;
        await recordEvent(tx, contactId, 'abandoned', 'customer', { waitSeconds });
        return { ...contact, abandoned: true, offerId: pending?.id ?? null };
      });
      if (!outcome) return;
      metrics.contactTransitions.inc({ channel: outcome.channel, state: outcome.abandoned ? 'abandoned' : 'ended' });
      if (outcome.agentId && outcome.offerId) {
        notifier.toAgent(outcome.agentId, 'contact:offer-withdrawn', { offerId: outcome.offerId, contactId, reason: 'abandoned' });
      } else if (outcome.agentId) {
        notifier.toAgent(outcome.agentId, 'contact:ended', { contactId, by: 'customer' });
      }
      await dispatcher.kick();
      if (outcome.abandoned) await dispatcher.announceQueue(outcome.queueId);
    },

    async customerTyping(contactId, typing) {
      const contact = await db.contact.findUnique({ where: { id: contactId }, select: { agentId: true, status: true } });
      if (contact?.agentId && contact.status === 'accepted') notifier.toAgent(contact.agentId, 'contact:typing', { contactId, typing });
    },

    async openConversation(openKey) {
      const contact = await db.contact.findUnique({ where: { openKey }, select: { id: true } });
      return contact?.id ?? null;
    },

    async updateJourney(contactId, journey) {
      const parsed = journeySchema.safeParse(journey);
      if (!parsed.success) throw new SentralError('VALIDATION_FAILED', `journey: ${parsed.error.issues[0]!.message}`);
      // Journeys only grow: a write that arrives after a longer one changes nothing.
      await db.$executeRaw`
        UPDATE "Contact" SET journey = ${JSON.stringify(parsed.data)}::jsonb
        WHERE id = ${contactId}::uuid AND jsonb_array_length(journey) < ${parsed.data.length}`;
    },

    async queueStatus(contactId) {
      const contact = await db.contact.findUnique({ where: { id: contactId }, select: { queueId: true, status: true, routing: { select: { heldUntilOpen: true } } } });
      if (!contact || (contact.status !== 'queued' && contact.status !== 'offered')) return null;
      // Waiting for a closed queue to open: no place in a line that does not move.
      if (contact.routing?.heldUntilOpen) return null;
      const [place] = await queuePlaces(db, contact.queueId, contactId);
      return place ? { position: place.position, estimatedWaitSeconds: place.estimatedWaitSeconds } : null;
    },
  };
  return intake;
}

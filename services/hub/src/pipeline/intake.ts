import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  channels,
  identificationMethods,
  selfServiceOutcomes,
  SentralError,
  type Channel,
  type ContactIntake,
  type InboundContact,
  type ChannelIdentification,
  type JourneyStep,
  type OpenedContact,
  type SelfServiceFinish,
} from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { contactJobs, type ContactJobData, type JobProducer } from '@sentral/queues';
import { assertSafeInput } from '../input-guard.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { appendMessage, appendToContact, attachmentUrl, isUniqueViolation, recordEvent } from '../contacts/messages.ts';
import { finishedStatuses, inSelfService } from '../contacts/statuses.ts';
import { identifyCustomer } from './identify.ts';
import { entryPointOf, servedInSelfService } from '../self-service/journey.ts';
import type { ChatBotDoor } from '../self-service/bot-door.ts';
import { queuePlaces } from '../routing/queue-position.ts';
import type { QueueDirectory } from './queue-directory.ts';
import { conversationFields, inboundMessageSchema, type Conversations } from './conversations.ts';

const journeyStepSchema = z.object({
  at: z.string(),
  step: z.string().max(500),
  result: z.string().max(2000),
  data: z.record(z.string().max(40), z.string().max(300)).optional(),
});
const journeySchema = z.array(journeyStepSchema.strict()).max(200);
const identifiedSchema = z
  .object({ customerId: z.string().uuid().nullable(), method: z.enum(identificationMethods), confidence: z.number().min(0).max(1) })
  .strict()
  .nullish();
const finishSchema = z
  .object({ outcome: z.enum(selfServiceOutcomes), journey: journeySchema, identified: identifiedSchema, leftAt: z.string().max(100).nullish() })
  .strict();
const handoverSchema = z
  .object({
    journey: journeySchema,
    queueId: z.string().max(64).nullable(),
    identified: identifiedSchema,
    language: z.string().max(10).nullish(),
    displayName: z.string().max(200).nullish(),
  })
  .strict();
/** Prisma's names of the two ways a self-service contact ends. */
const finishedAs = { 'self-served': 'self_served', 'abandoned-in-self-service': 'abandoned_in_self_service' } as const;

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
  journey: z.array(journeyStepSchema).max(200).optional(),
  firstMessage: inboundMessageSchema.nullish(),
  identified: identifiedSchema,
  verification: z
    .object({
      state: z.enum(['verified', 'claimed']),
      method: z.enum(['identity-token', 'email-code', 'typed-email']),
      email: z.string().max(320).nullable(),
      customerId: z.string().uuid().nullable(),
      externalId: z.string().max(200).nullable(),
      name: z.string().max(200).nullable(),
      at: z.string().max(40),
    })
    .strict()
    .nullish(),
  ...conversationFields,
});

const closed = new Set<string>(finishedStatuses);
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
  /** Country for matching a self-service caller's number when the channel did not identify them. */
  defaultCountry?: string;
  /**
   * The chat bot: a new chat contact in a queue it serves starts in self-service, and the customer's
   * messages of such a contact go to it instead of an agent.
   */
  bot?: ChatBotDoor;
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

  async function create(inbound: InboundContact, selfService: { entryPoint: string } | null = null): Promise<OpenedContact> {
    const queueId = await queues.resolve(inbound.channel, inbound.queueId ?? null);
    // A self-service contact waits in no queue, so the worker never identifies it: it is identified here.
    const identity = selfService
      ? (inbound.identified ??
        (await identifyCustomer(db, inbound.channel, inbound.from, inbound.claimedEmail ?? null, deps.defaultCountry ?? 'NO')))
      : null;
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
          ...(selfService && identity
            ? { status: 'self_service' as const, customerId: identity.customerId, identMethod: identity.method, identConfidence: identity.confidence }
            : {}),
          attributes: {
            ...(selfService ? { entryPoint: selfService.entryPoint } : {}),
            ...(inbound.claimedEmail ? { claimedEmail: inbound.claimedEmail } : {}),
            ...(inbound.displayName ? { displayName: inbound.displayName } : {}),
            ...(inbound.identified ? { identified: { ...inbound.identified } } : {}),
            ...(inbound.verification ? { verification: { ...inbound.verification } } : {}),
            ...channelFields?.attributes,
          },
          ...(channelFields ? { accountId: channelFields.accountId, firstResponseDueAt: channelFields.firstResponseDueAt } : {}),
        },
        select: { id: true },
      });
      await recordEvent(tx, contact.id, 'arrived', 'customer', { channel: inbound.channel });
      if (selfService) await recordEvent(tx, contact.id, 'self-service', 'customer', { entryPoint: selfService.entryPoint });
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

  function invalid(error: z.ZodError, what: string): SentralError {
    const issue = error.issues[0]!;
    return new SentralError('VALIDATION_FAILED', `${issue.path.join('.') || what}: ${issue.message}`);
  }

  /** Stores a contact in self-service, or finds the one a repeated delivery already stored. */
  async function openSelfServiceContact(inbound: InboundContact, entryPoint: string): Promise<OpenedContact> {
    const existing = await findExisting(inbound);
    if (existing) return { contactId: existing.id, created: false };
    try {
      const opened = await create(inbound, { entryPoint });
      metrics.contactTransitions.inc({ channel: inbound.channel, state: 'self-service' });
      return opened;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await findExisting(inbound);
      if (!winner) throw error;
      return { contactId: winner.id, created: false };
    }
  }

  async function lockSelfService(tx: Prisma.TransactionClient, contactId: string) {
    const [contact] = await tx.$queryRaw<Array<{ status: string; channel: Channel; queueId: string; journey: unknown; attributes: unknown; customerId: string | null }>>`
      SELECT status::text AS status, channel::text AS channel, "queueId", journey, attributes, "customerId"
      FROM "Contact" WHERE id = ${contactId}::uuid FOR UPDATE`;
    return contact && inSelfService(contact.status) ? contact : null;
  }

  /** The longer of the stored and the given journey: journeys only grow. */
  function longer(stored: unknown, given: JourneyStep[]): JourneyStep[] {
    const current = Array.isArray(stored) ? (stored as JourneyStep[]) : [];
    return given.length >= current.length ? given : current;
  }

  /** Identification the channel learnt during self-service (a verification) replaces what the address gave. */
  function identityFields(identified: ChannelIdentification | null | undefined) {
    if (!identified || identified.method === 'none') return {};
    return { customerId: identified.customerId, identMethod: identified.method, identConfidence: identified.confidence };
  }

  async function finishSelfService(contactId: string, raw: SelfServiceFinish, actor: string): Promise<{ finished: boolean }> {
    const parsed = finishSchema.safeParse(raw);
    if (!parsed.success) throw invalid(parsed.error, 'finish');
    const finish = parsed.data;
    const done = await db.$transaction(async (tx) => {
      const contact = await lockSelfService(tx, contactId);
      if (!contact) return null;
      const journey = longer(contact.journey, finish.journey as JourneyStep[]);
      await tx.contact.update({
        where: { id: contactId },
        data: {
          status: finishedAs[finish.outcome],
          endedAt: new Date(),
          openKey: null,
          journey: journey as unknown as Prisma.InputJsonValue,
          ...identityFields(finish.identified),
          attributes: { ...(contact.attributes as object), selfService: { outcome: finish.outcome, leftAt: finish.leftAt ?? null } },
        },
      });
      await recordEvent(tx, contactId, finish.outcome, actor, { steps: journey.length, ...(finish.leftAt ? { leftAt: finish.leftAt } : {}) });
      return contact;
    });
    if (!done) return { finished: false };
    metrics.contactTransitions.inc({ channel: done.channel, state: finish.outcome });
    return { finished: true };
  }

  /** A self-service contact the customer ended themselves (chat "end", a hang-up the channel did not classify). */
  async function endedInSelfService(contactId: string): Promise<boolean> {
    const contact = await db.contact.findUnique({ where: { id: contactId }, select: { status: true, journey: true } });
    if (!contact || !inSelfService(contact.status)) return false;
    if (deps.bot?.ended && (await deps.bot.ended(contactId))) return true;
    const journey = (Array.isArray(contact.journey) ? contact.journey : []) as unknown as JourneyStep[];
    await finishSelfService(contactId, { outcome: servedInSelfService(journey) ? 'self-served' : 'abandoned-in-self-service', journey }, 'customer');
    return true;
  }

  const intake: ContactIntake = {
    async openSelfService(raw) {
      const parsed = inboundSchema.safeParse(raw);
      if (!parsed.success) throw invalid(parsed.error, 'contact');
      const inbound = parsed.data as InboundContact;
      return openSelfServiceContact(inbound, entryPointOf(inbound));
    },

    finishSelfService: (contactId, finish) => finishSelfService(contactId, finish, 'system'),

    async handOver(contactId, raw) {
      const parsed = handoverSchema.safeParse(raw);
      if (!parsed.success) throw invalid(parsed.error, 'handover');
      const handover = parsed.data;
      const moved = await db.$transaction(async (tx) => {
        const contact = await lockSelfService(tx, contactId);
        if (!contact) return null;
        const queueId = await queues.resolve(contact.channel, handover.queueId ?? contact.queueId);
        const journey = longer(contact.journey, handover.journey as JourneyStep[]);
        await tx.contact.update({
          where: { id: contactId },
          data: {
            // From here on the contact is like any other: identified, routed, queued and offered by the worker.
            status: 'arrived',
            queueId,
            journey: journey as unknown as Prisma.InputJsonValue,
            ...(handover.language ? { language: handover.language } : {}),
            attributes: {
              ...(contact.attributes as object),
              ...(handover.identified ? { identified: { ...handover.identified } } : {}),
              ...(handover.displayName ? { displayName: handover.displayName } : {}),
              selfService: { outcome: 'handed-over' },
            },
          },
        });
        await recordEvent(tx, contactId, 'handed-over', 'customer', { queueId, steps: journey.length });
        return contact;
      });
      if (!moved) return { handedOver: false };
      metrics.contactTransitions.inc({ channel: moved.channel, state: 'arrived' });
      await enqueueIdentify(contactId);
      return { handedOver: true };
    },

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
      const botEntry = deps.bot ? await deps.bot.entryPointFor(inbound) : null;
      if (botEntry) {
        const opened = await openSelfServiceContact(inbound, botEntry);
        if (opened.created) deps.bot!.started(opened.contactId, inbound);
        // Another delivery stored the conversation first: this message joins it like any other.
        return opened.created ? opened : intake.open(inbound);
      }
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
      } = await db.$transaction(async (tx) => {
        const appended = await appendToContact(tx, { contactId, author: 'customer', text: input.text, clientMessageId: input.clientMessageId, ...(input.meta ? { meta: input.meta } : {}) });
        // Files (a chat customer's image or PDF) commit with their message; a resent message keeps the files it has.
        if (input.attachments?.length && !(await tx.attachment.count({ where: { messageId: appended.message.id } }))) {
          const stored = [];
          for (const file of input.attachments.slice(0, 10)) {
            const content = Buffer.from(file.content);
            stored.push(
              await tx.attachment.create({
                data: { contactId, messageId: appended.message.id, kind: 'file', filename: file.filename, contentType: file.contentType, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), content: new Uint8Array(content) },
                select: { id: true, filename: true, contentType: true, size: true, pages: true },
              }),
            );
          }
          appended.message.attachments = stored.map((file) => ({ ...file, url: attachmentUrl(file.id) }));
        }
        return appended;
      });
      if (agentId && status === 'accepted') notifier.toAgent(agentId, 'contact:message', { contactId, message });
      // The bot answers each sequence number once: a resent message (same client id) is not answered twice.
      if (inSelfService(status) && deps.bot) deps.bot.message(contactId, { ...input, seq: message.seq });
      return { id: message.id, seq: message.seq, at: message.at };
    },

    async customerEnded(contactId) {
      if (await endedInSelfService(contactId)) return;
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

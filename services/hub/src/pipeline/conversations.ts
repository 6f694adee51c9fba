import { createHash } from 'node:crypto';
import { z } from 'zod';
import { faxDocumentType, type InboundContact, type InboundMessage, type OpenedContact } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { previewFaxDocument, type RenderLimits } from '../documents/fax-documents.ts';
import { appendMessage, recordEvent, toChatMessage } from '../contacts/messages.ts';
import { recordDecisions } from '../routing/claim.ts';
import { plainStep, type PlanStep } from '../routing/rules.ts';
import { requeueWithPlan } from '../routing/transfer.ts';
import { finishedStatuses } from '../contacts/statuses.ts';

type Tx = Prisma.TransactionClient;

/** Longest text of one inbound message: mail bodies are longer than chat lines (the chat connector keeps its own limit). */
export const MAX_INBOUND_TEXT = 1_000_000;
const MAX_ATTACHMENT_BYTES = 50_000_000;

const attachmentSchema = z.object({
  filename: z.string().max(255).nullable(),
  contentType: z.string().min(1).max(100),
  content: z.instanceof(Uint8Array),
  contentId: z.string().max(250).nullish(),
  inline: z.boolean().optional(),
});

export const inboundMessageSchema = z.object({
  text: z.string().min(1).max(MAX_INBOUND_TEXT),
  clientMessageId: z.string().max(100).nullish(),
  externalId: z.string().min(1).max(300).nullish(),
  html: z.string().max(2_000_000).nullish(),
  attachments: z.array(attachmentSchema).max(50).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  optionId: z.string().regex(/^[a-z0-9:_-]{1,64}$/).nullish(),
});

/** The inbound fields email and fax add to a contact. */
export const conversationFields = {
  thread: z.object({ contactIds: z.array(z.string().uuid()).max(50).optional(), messageIds: z.array(z.string().max(300)).max(100).optional() }).nullish(),
  account: z.string().max(100).nullish(),
  hintedPhones: z.array(z.string().max(40)).max(10).optional(),
  respondWithinSeconds: z.number().int().min(60).max(90 * 86_400).nullish(),
  acknowledge: z.object({ maxPerDay: z.number().int().min(1).max(100) }).nullish(),
};

export interface PreparedAttachment {
  kind: 'file' | 'inline' | 'thumbnail';
  filename: string | null;
  contentType: string;
  content: Buffer;
  contentId: string | null;
  pages: number | null;
}

export interface PreparedMessage {
  attachments: PreparedAttachment[];
  /** Fax: what the screen pop shows of the document. */
  fax: { pages: number | null; documents: number } | null;
}

const closedStatuses = new Set<string>(finishedStatuses);

/**
 * Email and fax conversations: a message is stored once by its channel id, a reply joins its
 * thread (and re-opens it when it had ended), and attachments are stored with their message in
 * one transaction. Fax documents get a page count and a first-page thumbnail for the screen pop.
 */
export function createConversations(deps: { db: Database; notifier: Notifier; dispatcher: Dispatcher; logger: Logger; documentLimits?: RenderLimits }) {
  const { db, notifier, dispatcher, logger } = deps;

  async function prepare(inbound: InboundContact): Promise<PreparedMessage> {
    const attachments: PreparedAttachment[] = [];
    let pages: number | null = null;
    let documents = 0;
    let total = 0;
    for (const attachment of inbound.firstMessage?.attachments ?? []) {
      const content = Buffer.from(attachment.content);
      total += content.length;
      if (total > MAX_ATTACHMENT_BYTES) {
        logger.warn({ channel: inbound.channel }, 'attachments beyond the size limit were not stored');
        break;
      }
      const documentType = inbound.channel === 'fax' ? faxDocumentType(content) : null;
      let documentPages: number | null = null;
      if (documentType) {
        const preview = await previewFaxDocument(
          documentType,
          content,
          (reason) => logger.warn({ reason }, 'fax document could not be rendered; a placeholder stands in'),
          deps.documentLimits,
        );
        documentPages = preview.pages;
        if (documents === 0) {
          attachments.push({ kind: 'thumbnail', filename: 'page-1.png', contentType: 'image/png', content: preview.thumbnail, contentId: null, pages: null });
        }
        // The total is known only when every document's count is.
        pages = preview.pages === null || (documents > 0 && pages === null) ? null : (pages ?? 0) + preview.pages;
        documents++;
      }
      attachments.push({
        kind: attachment.inline ? 'inline' : 'file',
        filename: attachment.filename,
        contentType: documentType ?? attachment.contentType,
        content,
        contentId: attachment.contentId ?? null,
        pages: documentPages,
      });
    }
    return { attachments, fax: inbound.channel === 'fax' ? { pages, documents } : null };
  }

  async function storeAttachments(tx: Tx, contactId: string, messageId: string, attachments: PreparedAttachment[]): Promise<void> {
    if (!attachments.length) return;
    await tx.attachment.createMany({
      data: attachments.map((a) => ({
        contactId,
        messageId,
        kind: a.kind,
        filename: a.filename,
        contentType: a.contentType,
        size: a.content.length,
        sha256: createHash('sha256').update(a.content).digest('hex'),
        contentId: a.contentId,
        pages: a.pages,
        content: new Uint8Array(a.content),
      })),
    });
  }

  const extrasOf = (message: InboundMessage) => ({ externalId: message.externalId ?? null, html: message.html ?? null, meta: message.meta ?? {} });

  /** The contact an inbound message continues: by Sentral's token (any sender), else by referenced ids from the same sender. */
  async function threadOf(inbound: InboundContact): Promise<string | null> {
    const contactIds = inbound.thread?.contactIds ?? [];
    if (contactIds.length) {
      const byToken = await db.contact.findFirst({ where: { id: { in: contactIds }, channel: inbound.channel }, orderBy: { createdAt: 'desc' }, select: { id: true } });
      if (byToken) return byToken.id;
    }
    const messageIds = inbound.thread?.messageIds ?? [];
    if (!messageIds.length || !inbound.from) return null;
    const referenced = await db.message.findMany({
      where: { externalId: { in: messageIds }, contact: { channel: inbound.channel } },
      select: { contactId: true, contact: { select: { fromAddress: true, createdAt: true } } },
    });
    const sender = inbound.from.toLowerCase();
    // Message ids travel in forwarded mail: only the same sender may join a conversation by them.
    const mine = referenced.filter((row) => row.contact.fromAddress?.toLowerCase() === sender);
    mine.sort((a, b) => b.contact.createdAt.getTime() - a.contact.createdAt.getTime());
    return mine[0]?.contactId ?? null;
  }

  /** Appends to the thread's contact, re-opening it when it had ended. */
  async function join(contactId: string, inbound: InboundContact, message: InboundMessage): Promise<OpenedContact> {
    const prepared = await prepare(inbound);
    const outcome = await db.$transaction(async (tx) => {
      const [contact] = await tx.$queryRaw<Array<{ status: string; agentId: string | null; acceptedAt: Date | null; queueId: string; priority: number }>>`
        SELECT status::text AS status, "agentId", "acceptedAt", "queueId", priority FROM "Contact" WHERE id = ${contactId}::uuid FOR UPDATE`;
      if (!contact) throw new Error(`contact ${contactId} vanished`);
      const reopened = closedStatuses.has(contact.status);
      let queueId = contact.queueId;
      if (reopened) {
        const now = new Date();
        await tx.contact.update({
          where: { id: contactId },
          data: {
            status: 'queued',
            queuedAt: now,
            endedAt: null,
            disposition: null,
            firstRespondedAt: null,
            ...(inbound.respondWithinSeconds ? { firstResponseDueAt: new Date(now.getTime() + inbound.respondWithinSeconds * 1000) } : {}),
          },
        });
        // A fresh offer round: the plan starts again (without any one-agent hand-over step), earlier
        // offers exclude nobody, and the agent who handled the conversation is asked first.
        const routing = await tx.contactRouting.findUnique({ where: { contactId }, select: { plan: true, basePriority: true } });
        const planned = Array.isArray(routing?.plan) ? (routing.plan as unknown as PlanStep[]).filter((step) => !step.agent) : [];
        const steps = planned.length ? planned : [plainStep(contact.queueId, 'the queue it waited in')];
        // Only an agent who answered it counts as its last agent (not one who was merely offered it).
        const lastAgent = contact.acceptedAt ? contact.agentId : null;
        const first = await requeueWithPlan(tx, contactId, { steps, basePriority: routing?.basePriority ?? contact.priority, excludedAgents: [], stickyAgentId: lastAgent });
        queueId = first.queue;
        await recordEvent(tx, contactId, 'reopened', 'customer', { previous: contact.status });
        await recordDecisions(tx, [{ contactId, kind: 'reopened', step: 0, data: { previous: contact.status, stickyAgentId: lastAgent, steps } }]);
      }
      const stored = await appendMessage(tx, { contactId, author: 'customer', text: message.text, clientMessageId: message.clientMessageId, ...extrasOf(message) });
      await storeAttachments(tx, contactId, stored.id, prepared.attachments);
      return { stored, reopened, agentId: reopened ? null : contact.agentId, status: reopened ? 'queued' : contact.status, queueId };
    });
    if (outcome.agentId && outcome.status === 'accepted') {
      notifier.toAgent(outcome.agentId, 'contact:message', { contactId, message: await messageView(outcome.stored.id) });
    }
    if (outcome.reopened) {
      await dispatcher.kick();
      await dispatcher.announceQueue(outcome.queueId);
    }
    return { contactId, created: false, reopened: outcome.reopened, message: { id: outcome.stored.id, seq: outcome.stored.seq, at: outcome.stored.at } };
  }

  async function messageView(messageId: string) {
    const row = await db.message.findUniqueOrThrow({
      where: { id: messageId },
      include: { attachments: { where: { kind: { not: 'thumbnail' } }, select: { id: true, filename: true, contentType: true, size: true, pages: true } } },
    });
    return toChatMessage(row);
  }

  return {
    prepare,
    storeAttachments,
    extrasOf,

    /**
     * Handles what is not a new contact: a message stored before (same channel id) and a reply
     * to an existing conversation. Null when the inbound message opens a new contact.
     */
    async continueConversation(inbound: InboundContact): Promise<OpenedContact | null> {
      const message = inbound.firstMessage;
      if (!message) return null;
      if (message.externalId) {
        const known = await db.message.findUnique({ where: { externalId: message.externalId }, select: { id: true, seq: true, createdAt: true, contactId: true } });
        if (known) return { contactId: known.contactId, created: false, duplicate: true, message: { id: known.id, seq: known.seq, at: known.createdAt.toISOString() } };
      }
      if (!inbound.thread) return null;
      const contactId = await threadOf(inbound);
      return contactId ? join(contactId, inbound, message) : null;
    },

    /** The contact columns and attributes an email or fax contact adds at creation. */
    contactFields(inbound: InboundContact, prepared: PreparedMessage, now = new Date()) {
      return {
        accountId: inbound.account ?? null,
        firstResponseDueAt: inbound.respondWithinSeconds ? new Date(now.getTime() + inbound.respondWithinSeconds * 1000) : null,
        attributes: {
          ...(inbound.hintedPhones?.length ? { hintedPhones: inbound.hintedPhones } : {}),
          ...(prepared.fax ? { fax: prepared.fax } : {}),
        },
      };
    },
  };
}

export type Conversations = ReturnType<typeof createConversations>;

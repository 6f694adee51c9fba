import { Prisma, type Database } from '@sentral/db';
import { SentralError, type ChatMessage } from '@sentral/contract';

type Tx = Prisma.TransactionClient;
export type Author = ChatMessage['from'];

import { finishedStatuses } from './statuses.ts';

const closedStatuses = finishedStatuses;

/**
 * Appends a message with the next sequence number of its contact. Bumping the contact's counter
 * row-locks the contact, so concurrent senders get gap-free, ordered numbers. A message resent
 * with the same clientMessageId returns the stored one instead of a copy.
 */
export async function appendMessage(tx: Tx, input: MessageInput): Promise<ChatMessage> {
  return (await appendToContact(tx, input)).message;
}

type MessageInput = { contactId: string; author: Author; text: string; clientMessageId?: string | null | undefined; agentId?: string | null } & MessageExtras;

/** `appendMessage`, also telling who has the contact now and in which state (read in the same statement). */
export async function appendToContact(tx: Tx, input: MessageInput): Promise<{ message: ChatMessage; contact: { agentId: string | null; status: string } }> {
  if (input.clientMessageId) {
    const existing = await tx.message.findUnique({
      where: { contactId_clientMessageId: { contactId: input.contactId, clientMessageId: input.clientMessageId } },
      include: { contact: { select: { agentId: true, status: true } } },
    });
    if (existing) return { message: toChatMessage(existing), contact: existing.contact };
  }
  // One UPDATE … RETURNING: the new count is the message's number.
  const { messageCount, ...contact } = await tx.contact
    .update({
      where: { id: input.contactId, status: { notIn: [...closedStatuses] } },
      data: { messageCount: { increment: 1 } },
      select: { messageCount: true, agentId: true, status: true },
    })
    .catch((error: unknown) => {
      if (isNotFound(error)) throw new SentralError('CONFLICT', 'the conversation has ended');
      throw error;
    });
  const stored = await tx.message.create({
    data: {
      contactId: input.contactId,
      seq: messageCount,
      author: input.author,
      text: input.text,
      clientMessageId: input.clientMessageId ?? null,
      agentId: input.agentId ?? null,
      externalId: input.externalId ?? null,
      html: input.html ?? null,
      meta: (input.meta ?? {}) as Prisma.InputJsonValue,
      delivery: input.delivery ?? null,
    },
  });
  return { message: toChatMessage(stored), contact };
}

/** What email and fax add to a message: the channel's own id, sanitised HTML, header facts, outbound delivery state. */
export interface MessageExtras {
  externalId?: string | null | undefined;
  html?: string | null | undefined;
  meta?: Record<string, unknown> | undefined;
  delivery?: 'pending' | null | undefined;
}

export function toChatMessage(row: {
  id: string;
  seq: number;
  author: string;
  text: string;
  createdAt: Date;
  html?: string | null;
  delivery?: string | null;
  attachments?: Array<{ id: string; filename: string | null; contentType: string; size: number; pages: number | null }>;
}): ChatMessage {
  return {
    id: row.id,
    seq: row.seq,
    from: row.author as Author,
    text: row.text,
    at: row.createdAt.toISOString(),
    // Email and fax only: chat messages keep their small shape.
    ...(row.html ? { html: row.html } : {}),
    ...(row.delivery ? { delivery: row.delivery as ChatMessage['delivery'] } : {}),
    ...(row.attachments?.length ? { attachments: row.attachments.map((a) => ({ ...a, url: attachmentUrl(a.id) })) } : {}),
  };
}

export const attachmentUrl = (id: string) => `/api/attachments/${id}`;

export async function transcript(db: Database | Tx, contactId: string): Promise<ChatMessage[]> {
  const rows = await db.message.findMany({
    where: { contactId },
    orderBy: { seq: 'asc' },
    include: {
      attachments: { where: { kind: { not: 'thumbnail' } }, select: { id: true, filename: true, contentType: true, size: true, pages: true }, orderBy: { createdAt: 'asc' } },
    },
  });
  return rows.map(toChatMessage);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export async function recordEvent(tx: Tx, contactId: string, type: string, actor: string, data: Record<string, unknown> = {}): Promise<void> {
  await tx.contactEvent.create({ data: { contactId, type, actor, data: data as Prisma.InputJsonValue } });
}

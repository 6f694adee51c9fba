import { UnrecoverableError, type Job } from 'bullmq';
import { DeliveryError, type Channel, type ChannelConnector, type InboundContact, type OpenedContact, type OutboundMessage } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { outboundJobs, queueNames, type JobConsumer, type OutboundJobData, type QueueBackend } from '@sentral/queues';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { OutboundSender } from '../contacts/service.ts';
import { appendMessage, recordEvent } from '../contacts/messages.ts';
import { text } from '../i18n.ts';

const DAY_MS = 86_400_000;
// A pending message older than this with no job (crash between commit and enqueue) is queued again.
const STUCK_AFTER_MS = 10_000;

/** The short reference a customer can quote; the first block of the contact id. */
export const contactReference = (contactId: string) => contactId.slice(0, 8).toUpperCase();

export interface Outbound extends OutboundSender {
  /** Stores and queues the automatic acknowledgement of a new contact, within the per-address daily limit. */
  acknowledge(opened: OpenedContact, inbound: InboundContact): Promise<void>;
  /** Runs the send worker and the sweep that re-queues pending messages a crash left behind. */
  startWorker(tuning: { concurrency: number; lockDurationMs: number; sweepMs: number }): { stop(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The hub owns every durable send: a stored message becomes a job with an id derived from the
 * message, the worker hands it to the channel's connector, transient failures are retried with
 * back-off, and a permanent failure (or the last retry) marks the message failed and tells the agent.
 */
export function createOutbound(deps: {
  db: Database;
  queues: QueueBackend;
  notifier: Notifier;
  connectorFor: (channel: Channel) => ChannelConnector | undefined;
  logger: Logger;
  retry: { attempts: number; backoffMs: number };
}): Outbound {
  const { db, notifier, logger } = deps;
  const jobs = deps.queues.producer<OutboundJobData>(queueNames.outbound);

  async function enqueue(messageId: string): Promise<void> {
    try {
      await jobs.add(outboundJobs.deliver.name, { messageId }, {
        jobId: outboundJobs.deliver.jobId(messageId),
        attempts: deps.retry.attempts,
        backoff: { type: 'exponential', delay: deps.retry.backoffMs },
      });
    } catch (error) {
      logger.warn({ err: error, messageId }, 'could not queue a send; the sweep retries');
    }
  }

  async function finish(messageId: string, contactId: string, agentId: string | null, outcome: { sent: true; externalId: string | null } | { sent: false; error: string }) {
    await db.$transaction(async (tx) => {
      if (outcome.sent) {
        await tx.message.update({ where: { id: messageId }, data: { delivery: 'sent', deliveredAt: new Date(), deliveryError: null, externalId: outcome.externalId } });
        await recordEvent(tx, contactId, 'sent', 'system', { messageId });
      } else {
        await tx.message.update({ where: { id: messageId }, data: { delivery: 'failed', deliveryError: outcome.error } });
        await recordEvent(tx, contactId, 'send-failed', 'system', { messageId, error: outcome.error });
      }
    });
    if (agentId) {
      notifier.toAgent(agentId, 'contact:delivery', outcome.sent ? { contactId, messageId, status: 'sent' } : { contactId, messageId, status: 'failed', error: outcome.error });
    }
  }

  async function process(job: Job<OutboundJobData>): Promise<void> {
    const { messageId } = job.data;
    const message = await db.message.findUnique({
      where: { id: messageId },
      include: { contact: { select: { id: true, channel: true, fromAddress: true, subject: true, language: true, accountId: true, agentId: true } } },
    });
    if (!message) throw new UnrecoverableError(`message ${messageId} does not exist`);
    if (message.delivery !== 'pending') return;
    const contact = message.contact;
    const connector = deps.connectorFor(contact.channel);
    const failFor = async (error: string) => {
      await finish(messageId, contact.id, message.agentId ?? contact.agentId, { sent: false, error });
      throw new UnrecoverableError(error);
    };
    if (!connector?.send) return failFor(`the ${contact.channel} channel cannot send messages`);
    const earlier = await db.message.findMany({
      where: { contactId: contact.id, seq: { lt: message.seq }, externalId: { not: null } },
      orderBy: { seq: 'asc' },
      select: { externalId: true, author: true, meta: true },
    });
    const lastInbound = [...earlier].reverse().find((m) => m.author === 'customer');
    // A mail's Reply-To, when it named another address, is where the answer goes.
    const replyTo = (lastInbound?.meta as { replyTo?: unknown } | undefined)?.replyTo;
    const to = typeof replyTo === 'string' ? replyTo : contact.fromAddress;
    if (!to) return failFor('the customer has no address on this channel to answer to');
    const outbound: OutboundMessage = {
      messageId,
      contactId: contact.id,
      author: message.author === 'customer' ? 'system' : message.author,
      text: message.text,
      at: message.createdAt.toISOString(),
      language: contact.language,
      to,
      account: contact.accountId,
      subject: contact.subject,
      thread: earlier.map((m) => m.externalId!),
      inReplyTo: lastInbound?.externalId ?? null,
      automatic: (message.meta as { automatic?: unknown }).automatic === true,
    };
    try {
      const sent = await connector.send(outbound);
      await finish(messageId, contact.id, message.agentId ?? contact.agentId, { sent: true, externalId: sent.externalId });
    } catch (error) {
      const reason = (error as Error).message.slice(0, 500);
      const permanent = error instanceof DeliveryError ? error.permanent : false;
      const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastTry) return failFor(reason);
      logger.info({ messageId, attempt: job.attemptsMade + 1, reason }, 'send failed; retrying');
      throw error;
    }
  }

  return {
    durable: (channel) => Boolean(deps.connectorFor(channel)?.send),

    async replied(contactId, messageId) {
      await db.contact.updateMany({ where: { id: contactId, firstRespondedAt: null }, data: { firstRespondedAt: new Date() } });
      await enqueue(messageId);
    },

    async acknowledge(opened, inbound) {
      if (!opened.created || !inbound.acknowledge || !inbound.from) return;
      const address = inbound.from.toLowerCase();
      const limit = inbound.acknowledge.maxPerDay;
      const stored = await db.$transaction(async (tx) => {
        // One sender at a time: two mails arriving together cannot both slip under the limit.
        await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`ack:${address}`}))) AS l`;
        const [{ sent } = { sent: 0n }] = await tx.$queryRaw<Array<{ sent: bigint }>>`
          SELECT count(*) AS sent FROM "Message" m JOIN "Contact" c ON c.id = m."contactId"
          WHERE m.author = 'system' AND m.meta->>'automatic' = 'true' AND lower(c."fromAddress") = ${address}
            AND m."createdAt" > ${new Date(Date.now() - DAY_MS)}`;
        if (Number(sent) >= limit) return null;
        return appendMessage(tx, {
          contactId: opened.contactId,
          author: 'system',
          text: text('emailAcknowledgement', inbound.language, contactReference(opened.contactId)),
          meta: { automatic: true },
          delivery: 'pending',
        });
      });
      if (!stored) {
        logger.info({ contactId: opened.contactId, limit }, 'acknowledgement skipped: daily limit for this sender reached');
        return;
      }
      await enqueue(stored.id);
    },

    startWorker(tuning) {
      const consumer: JobConsumer = deps.queues.consumer<OutboundJobData>(queueNames.outbound, process, {
        concurrency: tuning.concurrency,
        lockDurationMs: tuning.lockDurationMs,
        stalledIntervalMs: Math.max(500, Math.floor(tuning.lockDurationMs / 2)),
      });
      consumer.on('error', (error) => deps.logger.warn({ err: error }, 'outbound worker error'));
      consumer.on('failed', (job, error) => {
        if (error instanceof UnrecoverableError) logger.warn({ jobId: job?.id, reason: error.message }, 'send failed for good');
      });
      let busy = false;
      const sweep = async () => {
        if (busy) return;
        busy = true;
        try {
          const stuck = await db.message.findMany({
            where: { delivery: 'pending', createdAt: { lt: new Date(Date.now() - STUCK_AFTER_MS) } },
            select: { id: true },
            take: 200,
          });
          for (const { id } of stuck) await enqueue(id);
        } catch (error) {
          logger.warn({ err: error }, 'outbound sweep failed');
        } finally {
          busy = false;
        }
      };
      const timer = setInterval(() => void sweep(), Math.max(tuning.sweepMs, 1000) * 5);
      timer.unref();
      return {
        async stop() {
          clearInterval(timer);
          await consumer.close();
        },
      };
    },

    close: () => jobs.close(),
  };
}

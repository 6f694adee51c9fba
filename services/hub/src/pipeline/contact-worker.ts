import { UnrecoverableError, type Job } from 'bullmq';
import type { Database } from '@sentral/db';
import type { ContactJobData } from '@sentral/queues';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { recordEvent } from '../contacts/messages.ts';
import { channelIdentification, identifyCustomer } from './identify.ts';

const segmentPriority = { A: 30, B: 20, C: 10 } as const;
const UNKNOWN_PRIORITY = 10;

/**
 * Identifies a stored contact and puts it in line. Each step moves the contact forward only from
 * the state before it, so a redelivered or retried job finds the work done and does nothing twice.
 */
export function createContactProcessor(deps: { db: Database; dispatcher: Dispatcher; logger: Logger; metrics: Metrics; defaultCountry: string }) {
  const { db, dispatcher, metrics, defaultCountry } = deps;

  return async function processContact(job: Job<ContactJobData>): Promise<void> {
    const { contactId } = job.data;
    const contact = await db.contact.findUnique({
      where: { id: contactId },
      select: { id: true, status: true, channel: true, fromAddress: true, attributes: true, queueId: true },
    });
    if (!contact) throw new UnrecoverableError(`contact ${contactId} does not exist`);

    if (contact.status === 'arrived') {
      const attributes = contact.attributes as { claimedEmail?: string; hintedPhones?: string[] } | null;
      const claimedEmail = attributes?.claimedEmail ?? null;
      const identity =
        channelIdentification(attributes) ??
        (await identifyCustomer(db, contact.channel, contact.fromAddress, claimedEmail, defaultCountry, attributes?.hintedPhones ?? []));
      // A customer only claimed (failed verification) is shown to the agent but earns no priority.
      const known = identity.customerId && identity.method !== 'none' ? identity.customerId : null;
      const segment = known ? (await db.customer.findUniqueOrThrow({ where: { id: known }, select: { segment: true } })).segment : null;
      // The routing rules decide the queue, the priority on top of the segment's and what follows.
      const placement = await dispatcher.planner.place({
        contactId,
        customerId: known,
        identification: { method: identity.method, confidence: identity.confidence },
        basePriority: segment ? segmentPriority[segment] : UNKNOWN_PRIORITY,
      });
      const moved = await db.$transaction(async (tx) => {
        const moved = await tx.contact.updateMany({
          where: { id: contactId, status: 'arrived' },
          data: {
            status: 'queued',
            customerId: identity.customerId,
            identMethod: identity.method,
            identConfidence: identity.confidence,
            queueId: placement.queueId,
            priority: placement.priority,
            queuedAt: new Date(),
          },
        });
        if (moved.count === 0) return false;
        await recordEvent(tx, contactId, 'identified', 'system', { ...identity });
        await recordEvent(tx, contactId, 'queued', 'system', { queueId: placement.queueId, ...(placement.filter ? { rule: placement.filter } : {}) });
        await dispatcher.planner.store(tx, contactId, placement);
        return true;
      });
      if (moved) {
        metrics.contactTransitions.inc({ channel: contact.channel, state: 'queued' });
        if (placement.closed) await dispatcher.planner.closed(contactId, placement);
      }
    }
    // The router offers it, or announces its place in line (within a second, with everyone it went ahead of).
    await dispatcher.kick();
  };
}

import type { Database } from '@sentral/db';
import { contactJobs, type ContactJobData, type JobProducer } from '@sentral/queues';
import type { Logger } from '../logger.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import type { Notifier } from '../realtime/notifier.ts';

// A contact older than this that is still 'arrived' lost its job (crash between store and enqueue,
// or a queue backend that restarted empty).
const STUCK_AFTER_MS = 5_000;

/**
 * The backstop that makes "stored" mean "will be handled": expires unanswered offers, retries
 * matching, and re-enqueues stored contacts whose job went missing. Job ids are deterministic
 * and handlers idempotent, so re-enqueueing something still in flight does no harm.
 */
export function startRecovery(deps: {
  db: Database;
  jobs: JobProducer<ContactJobData>;
  dispatcher: Dispatcher;
  notifier: Notifier;
  logger: Logger;
  sweepMs: number;
}): { stop(): Promise<void> } {
  const { db, jobs, dispatcher, notifier, logger } = deps;
  let inFlight: Promise<void> | null = null;
  let ticks = 0;
  const sweep = () => (inFlight ??= sweepOnce().finally(() => (inFlight = null)));
  const sweepOnce = async () => {
    try {
      const expired = await dispatcher.expireOffers();
      if (expired) logger.info({ expired }, 'offers expired');
      if (ticks++ % 5 === 0) {
        const stuck = await db.contact.findMany({
          where: { status: 'arrived', createdAt: { lt: new Date(Date.now() - STUCK_AFTER_MS) } },
          select: { id: true },
          take: 500,
        });
        for (const { id } of stuck) await jobs.add(contactJobs.identify.name, { contactId: id }, { jobId: contactJobs.identify.jobId(id) });
        if (stuck.length) logger.warn({ count: stuck.length }, 're-enqueued stored contacts without a job');
      }
      await dispatcher.kick();
    } catch (error) {
      logger.warn({ err: error }, 'recovery sweep failed');
    }
  };
  // A worker that died between committing an offer and pushing it left an agent who never saw it:
  // pending offers are pushed again at start. Same offer id, so a desk that had it shows it once.
  const resendPendingOffers = async () => {
    const holders = await db.offer.findMany({
      where: { status: 'pending', expiresAt: { gt: new Date() } },
      distinct: ['agentId'],
      select: { agentId: true },
    });
    for (const { agentId } of holders) {
      for (const offer of await dispatcher.pendingOffersFor(agentId)) notifier.toAgent(agentId, 'contact:offer', offer);
    }
  };
  inFlight = resendPendingOffers()
    .catch((error: unknown) => logger.warn({ err: error }, 'could not re-send pending offers'))
    .then(() => sweepOnce())
    .finally(() => (inFlight = null));
  const timer = setInterval(() => void sweep(), deps.sweepMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

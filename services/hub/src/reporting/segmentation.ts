import { advisoryLocks, Prisma, type Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import { assignSegments, type SegmentLetter, type SegmentThresholds } from '../seed/segments.ts';
import { nokSql, type CurrencyRates } from './currency.ts';

export interface SegmentRecompute {
  customers: number;
  changed: number;
  counts: Record<SegmentLetter, number>;
  thresholds: SegmentThresholds;
}

const UPDATE_BATCH = 5000;

/** ABC analysis over every customer's revenue; writes only the segments that changed. */
export async function recomputeSegments(db: Database | Prisma.TransactionClient, thresholds: SegmentThresholds, currencyRates: CurrencyRates): Promise<SegmentRecompute> {
  // Revenue compared in one currency: a Danish krone is not a Norwegian one.
  const revenueNok = nokSql(currencyRates, { revenue: 'revenue', currency: 'currency' });
  const customers = await db.$queryRaw<Array<{ id: string; revenue: number; segment: SegmentLetter }>>(
    Prisma.sql`SELECT id, (${revenueNok})::float8 AS revenue, segment::text AS segment FROM "Customer"`,
  );
  const segments = assignSegments(customers, thresholds);
  const counts: Record<SegmentLetter, number> = { A: 0, B: 0, C: 0 };
  const moves: Record<SegmentLetter, string[]> = { A: [], B: [], C: [] };
  for (const customer of customers) {
    const segment = segments.get(customer.id)!;
    counts[segment] += 1;
    if (segment !== customer.segment) moves[segment].push(customer.id);
  }
  for (const segment of ['A', 'B', 'C'] as const) {
    for (let index = 0; index < moves[segment].length; index += UPDATE_BATCH) {
      await db.customer.updateMany({ where: { id: { in: moves[segment].slice(index, index + UPDATE_BATCH) } }, data: { segment } });
    }
  }
  return { customers: customers.length, changed: moves.A.length + moves.B.length + moves.C.length, counts, thresholds };
}

const SCHEDULE_NAME = 'segments';

/**
 * Runs the recompute unless another process is running it (then null) or, without `force`, it
 * ran less than `everyMinutes` ago. The last run is stored, and a transaction-scoped advisory
 * lock lets one process at a time look at it, so all hub processes share one schedule.
 */
export function runSegmentRecompute(
  db: Database,
  options: { thresholds: SegmentThresholds; currencyRates: CurrencyRates; everyMinutes: number; force: boolean },
): Promise<SegmentRecompute | null> {
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${advisoryLocks.segmentSchedule}::bigint) AS locked`;
      if (!lock?.locked) return null;
      const last = await tx.scheduledRun.findUnique({ where: { name: SCHEDULE_NAME } });
      if (!options.force && last && Date.now() - last.lastRunAt.getTime() < options.everyMinutes * 60_000) return null;
      const result = await recomputeSegments(tx, options.thresholds, options.currencyRates);
      const stored = JSON.parse(JSON.stringify(result)) as Prisma.InputJsonValue;
      await tx.scheduledRun.upsert({
        where: { name: SCHEDULE_NAME },
        create: { name: SCHEDULE_NAME, lastRunAt: new Date(), result: stored },
        update: { lastRunAt: new Date(), result: stored },
      });
      return result;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** Checks every minute (or more often for short periods) whether the recompute is due, in worker processes. */
export function scheduleSegmentRecompute(deps: {
  db: Database;
  thresholds: SegmentThresholds;
  currencyRates: CurrencyRates;
  everyMinutes: number;
  logger: Logger;
}): { stop(): Promise<void> } {
  const { db, thresholds, currencyRates, everyMinutes, logger } = deps;
  let current: Promise<void> = Promise.resolve();
  const check = () => {
    current = current
      .then(() => runSegmentRecompute(db, { thresholds, currencyRates, everyMinutes, force: false }))
      .then((result) => {
        if (result) logger.info({ customers: result.customers, changed: result.changed, counts: result.counts }, 'segments recomputed');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'segment recompute failed; the next check retries'));
  };
  check();
  const timer = setInterval(check, Math.min(60_000, everyMinutes * 60_000));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

/** When the segments were last recomputed and with what result. */
export async function lastSegmentRecompute(db: Database): Promise<{ at: string; result: unknown } | null> {
  const last = await db.scheduledRun.findUnique({ where: { name: SCHEDULE_NAME } });
  return last ? { at: last.lastRunAt.toISOString(), result: last.result } : null;
}

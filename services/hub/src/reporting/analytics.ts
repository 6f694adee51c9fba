import { Prisma, type Database } from '@sentral/db';
import type { Segment } from '@sentral/contract';
import { nokSql, type CurrencyRates } from './currency.ts';
import { lastSegmentRecompute } from './segmentation.ts';

/** Dispositions that mark a customer as about to leave (e.g. "churn-risk", "churn-price"). */
export const CHURN_DISPOSITION = /^churn/;

export interface CustomerAnalytics {
  from: string;
  to: string;
  segments: Record<Segment, { customers: number; revenueNok: number }>;
  lastRecompute: { at: string; result: unknown } | null;
  topCustomers: Array<{ id: string; name: string; segment: Segment; revenue: number; currency: string; revenueNok: number; lifetimeValue: number }>;
  /** The most frequent dispositions of contacts in the range. */
  contactReasons: Array<{ disposition: string; contacts: number }>;
  /** Churn dispositions in the range, and what else the same customers contacted us about: the reasons behind them. */
  churn: {
    customers: number;
    signals: Array<{ disposition: string; contacts: number }>;
    reasons: Array<{ disposition: string; contacts: number }>;
  };
}

const TOP = 10;

export async function customerAnalytics(db: Database, range: { from: Date; to: Date }, currencyRates: CurrencyRates): Promise<CustomerAnalytics> {
  const revenueNok = nokSql(currencyRates, { revenue: 'cu.revenue', currency: 'cu.currency' });
  const inRange = Prisma.sql`c."createdAt" >= ${range.from}::timestamp AND c."createdAt" < ${range.to}::timestamp`;
  const churnedCustomers = Prisma.sql`SELECT c."customerId" FROM "Contact" c WHERE ${inRange} AND c.disposition ~ '^churn' AND c."customerId" IS NOT NULL`;
  const [segmentRows, topCustomers, reasons, churnReasons, [churned], lastRecompute] = await Promise.all([
    db.$queryRaw<Array<{ segment: Segment; customers: bigint; revenue: number }>>`
      SELECT cu.segment::text AS segment, count(*) AS customers, coalesce(sum(${revenueNok}), 0)::float8 AS revenue FROM "Customer" cu GROUP BY cu.segment`,
    db.$queryRaw<CustomerAnalytics['topCustomers']>`
      SELECT cu.id, cu.name, cu.segment::text AS segment, cu.revenue::float8 AS revenue, cu.currency, (${revenueNok})::float8 AS "revenueNok",
             cu."lifetimeValue"::float8 AS "lifetimeValue"
      FROM "Customer" cu ORDER BY ${revenueNok} DESC, cu.id LIMIT ${TOP}`,
    db.$queryRaw<Array<{ disposition: string; contacts: bigint }>>`
      SELECT c.disposition, count(*) AS contacts FROM "Contact" c WHERE ${inRange} AND c.disposition IS NOT NULL GROUP BY c.disposition`,
    db.$queryRaw<Array<{ disposition: string; contacts: bigint }>>`
      SELECT c.disposition, count(*) AS contacts FROM "Contact" c
      WHERE ${inRange} AND c.disposition IS NOT NULL AND c.disposition !~ '^churn' AND c."customerId" IN (${churnedCustomers})
      GROUP BY c.disposition`,
    db.$queryRaw<Array<{ customers: bigint }>>`SELECT count(DISTINCT "customerId") AS customers FROM (${churnedCustomers}) AS churned`,
    lastSegmentRecompute(db),
  ]);
  const segments: CustomerAnalytics['segments'] = { A: { customers: 0, revenueNok: 0 }, B: { customers: 0, revenueNok: 0 }, C: { customers: 0, revenueNok: 0 } };
  for (const row of segmentRows) segments[row.segment] = { customers: Number(row.customers), revenueNok: row.revenue };
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    segments,
    lastRecompute,
    topCustomers,
    contactReasons: ranked(reasons),
    churn: {
      customers: Number(churned?.customers ?? 0),
      signals: ranked(reasons.filter((row) => CHURN_DISPOSITION.test(row.disposition))),
      reasons: ranked(churnReasons),
    },
  };
}

function ranked(rows: Array<{ disposition: string; contacts: bigint }>): Array<{ disposition: string; contacts: number }> {
  return rows
    .map((row) => ({ disposition: row.disposition, contacts: Number(row.contacts) }))
    .sort((a, b) => b.contacts - a.contacts || a.disposition.localeCompare(b.disposition))
    .slice(0, TOP);
}

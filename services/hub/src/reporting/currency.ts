import { Prisma } from '@sentral/db';

/**
 * NOK per unit of each other currency customers are billed in (`CURRENCY_RATES`, read once in config.ts).
 * Reports and the ABC analysis compare revenue in NOK; a currency without a rate counts one to one.
 */
export type CurrencyRates = Readonly<Record<string, number>>;

export function toNok(amount: number, currency: string, rates: CurrencyRates): number {
  return amount * (rates[currency] ?? 1);
}

export function fromNok(amountNok: number, currency: string, rates: CurrencyRates): number {
  return amountNok / (rates[currency] ?? 1);
}

/** `revenue` in NOK as an SQL expression over the given revenue and currency columns (trusted identifiers, never input). */
export function nokSql(rates: CurrencyRates, columns: { revenue: string; currency: string }): Prisma.Sql {
  const revenue = Prisma.raw(columns.revenue);
  const currency = Prisma.raw(columns.currency);
  const entries = Object.entries(rates);
  if (entries.length === 0) return Prisma.sql`${revenue}`;
  const cases = entries.map(([code, rate]) => Prisma.sql`WHEN ${currency} = ${code} THEN ${revenue} * ${rate}`);
  return Prisma.sql`CASE ${Prisma.join(cases, ' ')} ELSE ${revenue} END`;
}

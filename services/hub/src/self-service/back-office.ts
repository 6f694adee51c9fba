import { timingSafeEqual } from 'node:crypto';
import { languages, SentralError, type Language, type OrderFact, type SelfService } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { isUniqueViolation } from '../contacts/messages.ts';
import { verifyPin } from '../auth/pins.ts';
import type { RateLimits } from '../limits/rate-limits.ts';
import { evidenceStrength, normalisePhone } from '../pipeline/identify.ts';
import { localTime } from '../routing/hours.ts';
import { loadQueueSettings } from '../routing/queue-settings.ts';

const closedOrderStatuses = ['delivered', 'cancelled'];
const MAX_CUSTOMERS_PER_NUMBER = 6;
const MAX_ORDERS = 10;
const DAY_MS = 86_400_000;

/** Order numbers are stored as ORD-1000452; callers key the digits. */
function orderNumbers(reference: string): string[] {
  const digits = reference.replace(/\D/g, '');
  return [...new Set([reference.trim().toUpperCase(), `ORD-${digits}`])];
}

function asLanguage(value: string): Language {
  return (languages as readonly string[]).includes(value) ? (value as Language) : 'nb';
}

function sameSecret(keyed: string, stored: unknown): boolean {
  if (typeof stored !== 'string' || stored.length === 0) return false;
  const left = Buffer.from(keyed);
  const right = Buffer.from(stored.replace(/\s/g, ''));
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Working days after `from`, skipping Saturdays, Sundays and the given closed dates (YYYY-MM-DD in
 * `timeZone`, a queue calendar's holidays).
 */
export function addWorkingDays(from: Date, days: number, closedDates: ReadonlySet<string> = new Set(), timeZone = 'UTC'): Date {
  let date = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    date = new Date(date.getTime() + DAY_MS);
    const local = localTime(date, timeZone);
    if (local.weekday !== 'sat' && local.weekday !== 'sun' && !closedDates.has(local.date)) left -= 1;
  }
  return date;
}

/** The days a queue's calendar is closed all day (holidays without opening hours), in its time zone. */
async function closedDaysOf(db: Database, queueId: string | null | undefined): Promise<{ dates: Set<string>; timeZone: string }> {
  if (!queueId) return { dates: new Set(), timeZone: 'UTC' };
  const settings = (await loadQueueSettings(db, [queueId])).get(queueId);
  if (!settings) return { dates: new Set(), timeZone: 'UTC' };
  const closed = settings.hours.holidays.filter((day) => !day.hours || day.hours.length === 0).map((day) => day.date);
  return { dates: new Set(closed), timeZone: settings.hours.timeZone };
}

type OrderWithShipments = Prisma.OrderGetPayload<{ include: { shipments: true } }>;

function toOrderFact(order: OrderWithShipments): OrderFact {
  return {
    number: order.number,
    status: order.status,
    placedAt: order.placedAt.toISOString(),
    expectedDelivery: order.expectedDelivery?.toISOString() ?? null,
    shipments: [...order.shipments]
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
      .map((s) => ({ carrier: s.carrier, trackingNumber: s.trackingNumber, status: s.status, updatedAt: s.updatedAt.toISOString() })),
  };
}

/**
 * The customer's back-office facts as a self-service channel may read them. Everything is a read
 * of stored facts except `recordPayment`, which is idempotent by the attempt's reference.
 */
export function createSelfService(db: Database, defaultCountry: string, limits: RateLimits): SelfService {
  /**
   * Counts one verification attempt against a customer, over every call and channel; false once the customer
   * has used up the attempts the `verification:customer` limit allows (then not even the right secret passes).
   */
  async function attemptAllowed(customerId: string): Promise<boolean> {
    try {
      await limits.consume('verification:customer', customerId);
      return true;
    } catch (error) {
      if (error instanceof SentralError && error.code === 'RATE_LIMITED') return false;
      throw error;
    }
  }

  return {
    async customersByPhone(rawNumber) {
      const phone = normalisePhone(rawNumber, defaultCountry);
      if (!phone) return { phone: null, customers: [], confidence: 0 };
      const matches = await db.customerIdentity.findMany({
        where: { kind: 'phone', value: phone },
        select: { customer: { select: { id: true, name: true, language: true, currency: true, updatedAt: true } } },
        orderBy: { customer: { updatedAt: 'desc' } },
        take: MAX_CUSTOMERS_PER_NUMBER,
      });
      const customers = matches.map(({ customer }) => ({ id: customer.id, name: customer.name, language: asLanguage(customer.language), currency: customer.currency }));
      return { phone, customers, confidence: evidenceStrength.phone };
    },

    async verify(reference, secret) {
      const keyedReference = reference.replace(/\D/g, '');
      const keyedSecret = secret.replace(/\D/g, '');
      if (!keyedReference || !keyedSecret) return { verified: false, claimedCustomerId: null };
      const found = await db.$queryRaw<Array<{ id: string; name: string; language: string; currency: string; pinHash: string | null; postcode: string | null }>>`
        SELECT c.id, c.name, c.language, c.currency, c."pinHash", c.attributes->>'postcode' AS postcode
        FROM "Customer" c WHERE c.attributes->>'customerNumber' = ${keyedReference}
        UNION
        SELECT c.id, c.name, c.language, c.currency, c."pinHash", c.attributes->>'postcode' AS postcode
        FROM "Customer" c JOIN "Order" o ON o."customerId" = c.id
        WHERE o.number = ANY(${orderNumbers(keyedReference)}::text[])`;
      const claimedCustomerId = found.length === 1 ? found[0]!.id : null;
      // Every attempt counts against each customer the reference names; a locked customer cannot be verified
      // until the lock runs out, however many calls the guesses are spread over.
      const allowed = await Promise.all(found.map((candidate) => attemptAllowed(candidate.id)));
      const candidates = found.filter((_, index) => allowed[index]);
      const pinMatches = await Promise.all(candidates.map((candidate) => (candidate.pinHash ? verifyPin(candidate.pinHash, keyedSecret) : false)));
      // A PIN is the stronger factor: it is checked first, against every candidate.
      for (const factor of ['pin', 'postcode'] as const) {
        const matching = candidates.filter((candidate, index) => (factor === 'pin' ? pinMatches[index] : sameSecret(keyedSecret, candidate.postcode)));
        if (matching.length === 1) {
          const [customer] = matching as [(typeof matching)[number]];
          await limits.reset('verification:customer', customer.id);
          return { verified: true, factor, customer: { id: customer.id, name: customer.name, language: asLanguage(customer.language), currency: customer.currency } };
        }
      }
      return { verified: false, claimedCustomerId };
    },

    async openOrders(customerId) {
      const orders = await db.order.findMany({
        where: { customerId, status: { notIn: closedOrderStatuses } },
        include: { shipments: true },
        orderBy: { placedAt: 'desc' },
        take: MAX_ORDERS,
      });
      return orders.map(toOrderFact);
    },

    async order(reference) {
      const order = await db.order.findFirst({ where: { number: { in: orderNumbers(reference) } }, include: { shipments: true } });
      return order ? toOrderFact(order) : null;
    },

    async stock(productNumber) {
      const product = await db.product.findUnique({ where: { number: productNumber.trim() } });
      return product
        ? { productNumber: product.number, name: product.name, inStock: product.inStock, restockDate: product.restockDate?.toISOString() ?? null }
        : null;
    },

    async deliveryEstimate(postcode, country, from = new Date(), calendarQueue = null) {
      const keyed = postcode.trim();
      const zone = await db.deliveryZone.findFirst({
        where: { country, postcodeFrom: { lte: keyed }, postcodeTo: { gte: keyed } },
        orderBy: { postcodeFrom: 'desc' },
      });
      // Postcodes are compared as text, so only same-length codes are in range.
      if (!zone || zone.postcodeFrom.length !== keyed.length) return null;
      const closed = await closedDaysOf(db, calendarQueue);
      return { postcode: keyed, country, workingDays: zone.workingDays, expectedDate: addWorkingDays(from, zone.workingDays, closed.dates, closed.timeZone).toISOString() };
    },

    async openInvoices(customerId) {
      const now = new Date();
      const invoices = await db.invoice.findMany({ where: { customerId, paidAt: null }, orderBy: { dueDate: 'asc' }, take: 20 });
      return invoices.map((invoice) => ({
        number: invoice.number,
        amount: invoice.amount.toFixed(2),
        currency: invoice.currency,
        dueDate: invoice.dueDate.toISOString(),
        overdue: invoice.dueDate < now,
      }));
    },

    async recordPayment(outcome) {
      try {
        return await db.$transaction(async (tx) => {
          const invoice = await tx.invoice.findUnique({ where: { number: outcome.invoiceNumber }, select: { id: true, paidAt: true } });
          if (!invoice) throw new Error(`invoice ${outcome.invoiceNumber} does not exist`);
          await tx.invoicePayment.create({
            data: {
              invoiceId: invoice.id,
              channel: outcome.channel,
              reference: outcome.reference,
              amount: outcome.amount,
              currency: outcome.currency,
              succeeded: outcome.succeeded,
              confirmation: outcome.confirmation ?? null,
              failure: outcome.failure ?? null,
            },
          });
          if (outcome.succeeded && !invoice.paidAt) await tx.invoice.update({ where: { id: invoice.id }, data: { paidAt: new Date() } });
          return { recorded: true };
        });
      } catch (error) {
        // The same attempt reported again (a retried webhook): it is already on the invoice.
        if (isUniqueViolation(error)) return { recorded: false };
        throw error;
      }
    },
  };
}

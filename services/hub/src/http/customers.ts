import { z } from 'zod';
import { languages, SentralError } from '@sentral/contract';
import { Prisma, type Database } from '@sentral/db';
import { normaliseEmail, normalisePhone } from '../pipeline/identify.ts';

const money = z.number().finite().min(0).max(1e12);
const date = z.coerce.date();
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as NOK');

export const customerInput = z
  .object({
    externalId: z.string().trim().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(200),
    phones: z.array(z.string().max(40)).max(20).optional(),
    emails: z.array(z.string().max(320)).max(20).optional(),
    faxNumbers: z.array(z.string().max(40)).max(20).optional(),
    language: z.enum(languages).optional(),
    currency: currency.optional(),
    creditScore: z.number().int().min(0).max(1000).optional(),
    lifetimeValue: money.optional(),
    revenue: money.optional(),
    segment: z.enum(['A', 'B', 'C']).optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    orders: z
      .array(
        z.object({
          number: z.string().trim().min(1).max(50),
          status: z.string().trim().min(1).max(50),
          total: money,
          currency: currency.optional(),
          placedAt: date,
          expectedDelivery: date.optional(),
          shipments: z
            .array(z.object({ carrier: z.string().min(1).max(50), trackingNumber: z.string().min(1).max(100), status: z.string().min(1).max(50) }))
            .max(20)
            .optional(),
        }),
      )
      .max(500)
      .optional(),
    invoices: z
      .array(
        z.object({
          number: z.string().trim().min(1).max(50),
          amount: money,
          currency: currency.optional(),
          dueDate: date,
          paidAt: date.nullable().optional(),
        }),
      )
      .max(500)
      .optional(),
    warranties: z
      .array(z.object({ product: z.string().trim().min(1).max(200), serialNumber: z.string().max(100).optional(), expiresAt: date }))
      .max(500)
      .optional(),
  })
  .strict();

export type CustomerInput = z.infer<typeof customerInput>;

/** The input's phones, fax numbers and emails, normalised; a bad one is a VALIDATION_FAILED naming its field. */
export function identities(input: CustomerInput, defaultCountry: string) {
  const out: Array<{ kind: 'phone' | 'email' | 'fax'; value: string }> = [];
  const addPhones = (values: string[] | undefined, kind: 'phone' | 'fax', field: string) =>
    values?.forEach((raw, index) => {
      const value = normalisePhone(raw, defaultCountry);
      if (!value) throw new SentralError('VALIDATION_FAILED', `${field}.${index}: not a valid phone number`, { field: `${field}.${index}` });
      out.push({ kind, value });
    });
  addPhones(input.phones, 'phone', 'phones');
  addPhones(input.faxNumbers, 'fax', 'faxNumbers');
  input.emails?.forEach((raw, index) => {
    const value = normaliseEmail(raw);
    if (!value) throw new SentralError('VALIDATION_FAILED', `emails.${index}: not a valid email address`, { field: `emails.${index}` });
    out.push({ kind: 'email', value });
  });
  return out;
}

/** Creates a customer, or updates the one with the same externalId: back-office systems push the same customer again and again. */
export async function upsertCustomer(db: Database, input: CustomerInput, defaultCountry: string): Promise<{ id: string; created: boolean }> {
  const ids = identities(input, defaultCountry);
  return db.$transaction(async (tx) => {
    const existing = input.externalId ? await tx.customer.findUnique({ where: { externalId: input.externalId }, select: { id: true } }) : null;
    const facts = {
      name: input.name,
      ...(input.language ? { language: input.language } : {}),
      ...(input.currency ? { currency: input.currency } : {}),
      ...(input.creditScore !== undefined ? { creditScore: input.creditScore } : {}),
      ...(input.lifetimeValue !== undefined ? { lifetimeValue: input.lifetimeValue } : {}),
      ...(input.revenue !== undefined ? { revenue: input.revenue } : {}),
      ...(input.segment ? { segment: input.segment } : {}),
      ...(input.attributes ? { attributes: input.attributes as Prisma.InputJsonValue } : {}),
    };
    const customer = existing
      ? await tx.customer.update({ where: { id: existing.id }, data: facts, select: { id: true, currency: true } })
      : await tx.customer.create({ data: { ...facts, externalId: input.externalId ?? null }, select: { id: true, currency: true } });
    const customerId = customer.id;
    if (ids.length) {
      await tx.customerIdentity.createMany({ data: ids.map((identity) => ({ ...identity, customerId })), skipDuplicates: true });
    }
    for (const order of input.orders ?? []) {
      const data = {
        status: order.status,
        total: order.total,
        currency: order.currency ?? customer.currency,
        placedAt: order.placedAt,
        expectedDelivery: order.expectedDelivery ?? null,
      };
      const owner = await tx.order.findUnique({ where: { number: order.number }, select: { customerId: true } });
      if (owner && owner.customerId !== customerId) {
        throw new SentralError('CONFLICT', `orders: order ${order.number} belongs to another customer`);
      }
      const saved = await tx.order.upsert({ where: { number: order.number }, create: { ...data, number: order.number, customerId }, update: data });
      if (order.shipments) {
        await tx.shipment.deleteMany({ where: { orderId: saved.id } });
        await tx.shipment.createMany({ data: order.shipments.map((shipment) => ({ ...shipment, orderId: saved.id })) });
      }
    }
    for (const invoice of input.invoices ?? []) {
      const data = { amount: invoice.amount, currency: invoice.currency ?? customer.currency, dueDate: invoice.dueDate, paidAt: invoice.paidAt ?? null };
      const owner = await tx.invoice.findUnique({ where: { number: invoice.number }, select: { customerId: true } });
      if (owner && owner.customerId !== customerId) {
        throw new SentralError('CONFLICT', `invoices: invoice ${invoice.number} belongs to another customer`);
      }
      await tx.invoice.upsert({ where: { number: invoice.number }, create: { ...data, number: invoice.number, customerId }, update: data });
    }
    if (input.warranties) {
      await tx.warranty.deleteMany({ where: { customerId } });
      await tx.warranty.createMany({
        data: input.warranties.map((w) => ({ customerId, product: w.product, serialNumber: w.serialNumber ?? null, expiresAt: w.expiresAt })),
      });
    }
    return { id: customerId, created: !existing };
  });
}

/** The 360 view: identities, facts, segment and every contact on every channel. */
export async function customerView(db: Database, id: string) {
  const customer = await db.customer.findUnique({
    where: { id },
    include: {
      identities: { select: { kind: true, value: true, verified: true } },
      orders: { include: { shipments: true }, orderBy: { placedAt: 'desc' } },
      invoices: { orderBy: { dueDate: 'desc' } },
      warranties: { orderBy: { expiresAt: 'desc' } },
      contacts: {
        orderBy: { createdAt: 'desc' },
        take: 200,
        select: {
          id: true,
          channel: true,
          status: true,
          queueId: true,
          subject: true,
          disposition: true,
          notes: true,
          createdAt: true,
          endedAt: true,
          agent: { select: { id: true, name: true } },
        },
      },
    },
  });
  if (!customer) throw new SentralError('NOT_FOUND', 'no such customer');
  return {
    ...customer,
    lifetimeValue: Number(customer.lifetimeValue),
    revenue: Number(customer.revenue),
    orders: customer.orders.map((o) => ({ ...o, total: Number(o.total) })),
    invoices: customer.invoices.map((i) => ({ ...i, amount: Number(i.amount) })),
    timeline: customer.contacts,
    contacts: undefined,
  };
}

export const customerSearchQuery = z
  .object({
    query: z.string().trim().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/**
 * Finds customers by part of their name or email address, a phone number in any common notation,
 * or their external id; without a query, the first customers by name. Read-only and small on purpose:
 * a lookup, not an export.
 */
export async function searchCustomers(db: Database, input: z.infer<typeof customerSearchQuery>, defaultCountry: string) {
  const text = input.query ?? '';
  const phone = normalisePhone(text, defaultCountry);
  const where: Prisma.CustomerWhereInput = text
    ? {
        OR: [
          { name: { contains: text, mode: 'insensitive' } },
          { externalId: text },
          { identities: { some: { kind: 'email', value: { contains: text.toLowerCase() } } } },
          ...(phone ? [{ identities: { some: { kind: { in: ['phone' as const, 'fax' as const] }, value: phone } } }] : []),
        ],
      }
    : {};
  const customers = await db.customer.findMany({
    where,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: input.limit,
    select: { id: true, externalId: true, name: true, language: true, segment: true, identities: { select: { kind: true, value: true } } },
  });
  return customers.map(({ identities, ...customer }) => ({
    ...customer,
    emails: identities.filter((identity) => identity.kind === 'email').map((identity) => identity.value),
    phones: identities.filter((identity) => identity.kind === 'phone').map((identity) => identity.value),
    faxNumbers: identities.filter((identity) => identity.kind === 'fax').map((identity) => identity.value),
  }));
}

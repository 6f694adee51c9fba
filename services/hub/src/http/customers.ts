import { z } from 'zod';
import { languages, SentralError, type Language } from '@sentral/contract';
import { Prisma, type Database } from '@sentral/db';
import { internalNotesOf } from '../contacts/notes.ts';
import { normaliseEmail, normalisePhone } from '../pipeline/identify.ts';
import { hashPin, normalisePin } from '../auth/pins.ts';
import { contactSummary } from '../contacts/screen-pop.ts';
import { isFinished, publicStatus } from '../contacts/statuses.ts';

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

/**
 * A back office sends the IVR PIN among the attributes, as `pin`: it is taken out and kept only as a hash,
 * so no screen, route or export ever shows it. `pin: null` removes the customer's PIN.
 */
async function separatePin(attributes: Record<string, unknown> | undefined): Promise<{ attributes: Record<string, unknown> | undefined; pinHash: string | null | undefined }> {
  if (!attributes || !Object.hasOwn(attributes, 'pin')) return { attributes, pinHash: undefined };
  const { pin, ...rest } = attributes;
  if (pin === null) return { attributes: rest, pinHash: null };
  const digits = typeof pin === 'string' || typeof pin === 'number' ? normalisePin(String(pin)) : '';
  if (digits.length < 4 || digits.length > 12) throw new SentralError('VALIDATION_FAILED', 'attributes.pin: must be 4 to 12 digits', { field: 'attributes.pin' });
  return { attributes: rest, pinHash: await hashPin(digits) };
}

/** Creates a customer, or updates the one with the same externalId: back-office systems push the same customer again and again. */
export async function upsertCustomer(db: Database, input: CustomerInput, defaultCountry: string): Promise<{ id: string; created: boolean }> {
  const ids = identities(input, defaultCountry);
  const { attributes, pinHash } = await separatePin(input.attributes);
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
      ...(attributes ? { attributes: attributes as Prisma.InputJsonValue } : {}),
      ...(pinHash !== undefined ? { pinHash } : {}),
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
export async function customerView(db: Database, id: string, language: Language = 'nb') {
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
          journey: true,
          agent: { select: { id: true, name: true } },
        },
      },
    },
  });
  if (!customer) throw new SentralError('NOT_FOUND', 'no such customer');
  const notes = await internalNotesOf(db, customer.contacts.map((contact) => contact.id));
  const { pinHash, attributes: stored, ...facts } = customer;
  // A PIN not yet moved to its hash (before the start-up migration ran) is never shown either.
  const { pin: plainPin, ...attributes } = (stored ?? {}) as Record<string, unknown>;
  return {
    ...facts,
    attributes,
    /** Whether the IVR can verify this customer by PIN; the PIN and its hash never leave the hub. */
    hasPin: pinHash !== null || plainPin !== undefined,
    lifetimeValue: Number(customer.lifetimeValue),
    revenue: Number(customer.revenue),
    orders: customer.orders.map((o) => ({ ...o, total: Number(o.total) })),
    invoices: customer.invoices.map((i) => ({ ...i, amount: Number(i.amount) })),
    timeline: customer.contacts.map(({ journey, ...contact }) => ({
      ...contact,
      status: publicStatus(contact.status),
      summary: contactSummary({ ...contact, journey }, language),
      internalNotes: notes.get(contact.id) ?? [],
      // The steps of a conversation that stayed in self-service: nobody else wrote anything about it.
      ...(isFinished(contact.status) && contact.agent === null ? { journey } : {}),
    })),
    contacts: undefined,
  };
}

/** Fewer characters than this match too much of the register to be a lookup. */
const MIN_QUERY_CHARACTERS = 3;

export const customerSearchQuery = z
  .object({
    query: z
      .string({ error: 'is required: part of a name or email, a phone number or an external id' })
      .trim()
      .max(200)
      // Wildcards and spaces match everyone, so they do not count towards a meaningful query.
      .refine((text) => text.replace(/[\s%_*.@+-]/g, '').length >= MIN_QUERY_CHARACTERS, `must hold at least ${MIN_QUERY_CHARACTERS} letters or digits`),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

/** LIKE treats % and _ as wildcards; a search for them looks for the characters themselves. */
const literal = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * Finds customers by part of their name or email address, a phone number in any common notation,
 * or their external id. Read-only and small on purpose: a lookup, not an export (the route limits
 * how often, and audits what was looked for).
 */
export async function searchCustomers(db: Database, input: z.infer<typeof customerSearchQuery>, defaultCountry: string) {
  const text = input.query;
  const phone = normalisePhone(text, defaultCountry);
  const where: Prisma.CustomerWhereInput = {
    OR: [
      { name: { contains: literal(text), mode: 'insensitive' } },
      { externalId: text },
      { identities: { some: { kind: 'email', value: { contains: literal(text.toLowerCase()) } } } },
      ...(phone ? [{ identities: { some: { kind: { in: ['phone' as const, 'fax' as const] }, value: phone } } }] : []),
    ],
  };
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

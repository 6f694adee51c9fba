import { z } from 'zod';
import { SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { audit } from './audit.ts';

/** What an erased customer is called from then on; the row stays so their contacts still count. */
export const ERASED_NAME = '[erased]';
const REDACTED_TEXT = '[erased]';

const idParam = z.object({ id: z.string().uuid('must be a UUID') });
const access = { roles: ['admin' as const], scopes: ['customers:erase' as const] };

/** Everything Sentral holds about one customer, as one JSON document. */
export async function exportCustomer(db: Database, customerId: string) {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: {
      identities: { orderBy: { createdAt: 'asc' } },
      orders: { include: { shipments: true }, orderBy: { placedAt: 'asc' } },
      invoices: { include: { payments: true }, orderBy: { dueDate: 'asc' } },
      warranties: true,
    },
  });
  if (!customer) throw new SentralError('NOT_FOUND', 'no such customer');
  const contacts = await db.contact.findMany({
    where: { customerId },
    orderBy: { createdAt: 'asc' },
    include: {
      events: { orderBy: { id: 'asc' } },
      messages: { orderBy: { seq: 'asc' }, select: { seq: true, author: true, text: true, html: true, createdAt: true, delivery: true } },
      attachments: { select: { id: true, messageId: true, kind: true, filename: true, contentType: true, size: true, createdAt: true } },
      rating: true,
      routing: true,
      routingDecisions: { orderBy: { id: 'asc' } },
    },
  });
  const inboundEvents = await db.inboundEvent.findMany({ where: { customerId }, orderBy: { receivedAt: 'asc' } });
  return {
    exportedAt: new Date().toISOString(),
    customer: {
      id: customer.id,
      externalId: customer.externalId,
      name: customer.name,
      language: customer.language,
      segment: customer.segment,
      creditScore: customer.creditScore,
      lifetimeValue: customer.lifetimeValue.toString(),
      revenue: customer.revenue.toString(),
      currency: customer.currency,
      attributes: customer.attributes,
      createdAt: customer.createdAt,
      updatedAt: customer.updatedAt,
    },
    identities: customer.identities.map(({ kind, value, verified, createdAt }) => ({ kind, value, verified, createdAt })),
    orders: customer.orders.map((order) => ({ ...order, total: order.total.toString() })),
    invoices: customer.invoices.map((invoice) => ({ ...invoice, amount: invoice.amount.toString(), payments: invoice.payments.map((payment) => ({ ...payment, amount: payment.amount.toString() })) })),
    warranties: customer.warranties,
    contacts: contacts.map((contact) => ({
      id: contact.id,
      channel: contact.channel,
      status: contact.status,
      fromAddress: contact.fromAddress,
      toAddress: contact.toAddress,
      subject: contact.subject,
      language: contact.language,
      queueId: contact.queueId,
      disposition: contact.disposition,
      notes: contact.notes,
      journey: contact.journey,
      attributes: contact.attributes,
      createdAt: contact.createdAt,
      endedAt: contact.endedAt,
      timeline: contact.events.map((event) => ({ type: event.type, actor: event.actor, at: event.at, data: event.data })),
      messages: contact.messages,
      attachments: contact.attachments,
      rating: contact.rating ? { score: contact.rating.score, source: contact.rating.source, at: contact.rating.at } : null,
      routing: { plan: contact.routing?.plan ?? null, decisions: contact.routingDecisions.map((decision) => ({ kind: decision.kind, at: decision.at, step: decision.step, agentId: decision.agentId, data: decision.data })) },
    })),
    inboundEvents: inboundEvents.map((event) => ({ id: event.id, type: event.type, data: event.data, receivedAt: event.receivedAt, status: event.status })),
  };
}

/**
 * Erases a customer for good: identities, personal fields and back-office records go; messages and
 * attachments of their contacts are redacted; the contacts themselves stay, anonymous, so queue and
 * agent statistics still count them. One transaction: all of it happens or none.
 */
export async function eraseCustomer(db: Database, customerId: string): Promise<{ contacts: number; messages: number; attachments: number }> {
  return db.$transaction(
    async (tx) => {
      const customer = await tx.customer.findUnique({ where: { id: customerId }, select: { id: true } });
      if (!customer) throw new SentralError('NOT_FOUND', 'no such customer');
      const contactIds = (await tx.contact.findMany({ where: { customerId }, select: { id: true } })).map((contact) => contact.id);
      await tx.customerIdentity.deleteMany({ where: { customerId } });
      await tx.order.deleteMany({ where: { customerId } });
      await tx.invoice.deleteMany({ where: { customerId } });
      await tx.warranty.deleteMany({ where: { customerId } });
      await tx.customer.update({
        where: { id: customerId },
        data: { name: ERASED_NAME, externalId: null, creditScore: null, attributes: { erasedAt: new Date().toISOString() } },
      });
      const messages = await tx.message.updateMany({ where: { contactId: { in: contactIds } }, data: { text: REDACTED_TEXT, html: null, meta: {} } });
      const attachments = await tx.attachment.deleteMany({ where: { contactId: { in: contactIds } } });
      await tx.contact.updateMany({
        where: { id: { in: contactIds } },
        data: { fromAddress: null, subject: null, notes: null, journey: [], attributes: {}, openKey: null },
      });
      // What was shown to agents and recorded along the way may quote the customer.
      await tx.offer.updateMany({ where: { contactId: { in: contactIds } }, data: { screenPop: {} } });
      await tx.$executeRaw`UPDATE "ContactEvent" SET data = '{}'::jsonb WHERE "contactId" = ANY(${contactIds}::uuid[]) AND type IN ('identified', 'linked', 'transferred', 'reassigned', 'send-failed')`;
      await tx.inboundEvent.updateMany({ where: { customerId }, data: { data: {}, externalId: null } });
      await tx.webhookOutbox.deleteMany({ where: { subjectId: { in: [customerId, ...contactIds] } } });
      // Colleagues' internal notes may quote the customer too.
      await tx.contactNote.updateMany({ where: { contactId: { in: contactIds } }, data: { text: REDACTED_TEXT } });
      return { contacts: contactIds.length, messages: messages.count, attachments: attachments.count };
    },
    { timeout: 60_000 },
  );
}

export function dataRightsRoutes(deps: { db: Database; logger: Logger }): RouteDefinition[] {
  const { db, logger } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/customers/:id/export',
      summary: 'Everything held about a customer as one JSON document: identities, facts, contacts, messages, attachment list, ratings, routing traces',
      access,
      params: idParam,
      responses: { 200: '{"exportedAt","customer","identities","orders","invoices","warranties","contacts":[..],"inboundEvents"}', 404: 'No such customer' },
      async handler({ params, caller }) {
        const document = await exportCustomer(db, params.id);
        await audit(db, caller, 'customer.export', 'customer', params.id);
        return { body: document };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/customers/:id/erase',
      summary: 'Erase a customer for good: identities and personal fields removed, messages and attachments redacted, anonymous contacts kept for statistics',
      access,
      params: idParam,
      responses: { 200: '{"id","erased":true,"contacts","messages","attachments"}', 404: 'No such customer' },
      async handler({ params, caller }) {
        const counts = await eraseCustomer(db, params.id);
        await audit(db, caller, 'customer.erase', 'customer', params.id, counts);
        logger.info({ customerId: params.id, ...counts }, 'customer erased');
        return { body: { id: params.id, erased: true, ...counts } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit',
      summary: 'The audit log, newest first, filtered by actor, action, entity (and id) and time',
      access: { roles: ['admin'] },
      query: z
        .object({
          actor: z.string().uuid('must be a UUID').optional(),
          action: z.string().max(100).optional(),
          entity: z.string().max(100).optional(),
          entityId: z.string().max(200).optional(),
          since: z.iso.datetime({ offset: true }).optional(),
          before: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        })
        .strict(),
      responses: { 200: '[{"id","at","actorId","action","entity","entityId","data"}]' },
      async handler({ query }) {
        const rows = await db.auditLog.findMany({
          where: {
            ...(query.actor ? { actorId: query.actor } : {}),
            ...(query.action ? { action: query.action } : {}),
            ...(query.entity ? { entity: query.entity } : {}),
            ...(query.entityId ? { entityId: query.entityId } : {}),
            ...(query.since ? { at: { gte: new Date(query.since) } } : {}),
            ...(query.before ? { id: { lt: BigInt(query.before) } } : {}),
          },
          orderBy: { id: 'desc' },
          take: query.limit,
        });
        return { body: rows.map((row) => ({ ...row, id: Number(row.id) })) };
      },
    }),
  ];
}

/**
 * Retention: message bodies and attachments of contacts that ended more than `days` ago are removed,
 * hourly, in small batches; contacts and their timelines stay for statistics.
 */
export function scheduleRetention(deps: { db: Database; days: number; logger: Logger }): { stop(): void; runOnce(): Promise<{ messages: number; attachments: number }> } {
  const { db, days, logger } = deps;
  async function runOnce() {
    const cutoff = new Date(Date.now() - days * 86_400_000);
    let messages = 0;
    let attachments = 0;
    for (;;) {
      const removedAttachments = await db.$executeRaw`
        DELETE FROM "Attachment" WHERE id IN (SELECT id FROM "Attachment" WHERE "createdAt" < ${cutoff} LIMIT 1000)`;
      attachments += removedAttachments;
      if (removedAttachments < 1000) break;
    }
    for (;;) {
      const cleared = await db.$executeRaw`
        UPDATE "Message" SET text = '', html = NULL, meta = '{}'::jsonb
        WHERE id IN (SELECT m.id FROM "Message" m JOIN "Contact" c ON c.id = m."contactId"
                     WHERE m."createdAt" < ${cutoff} AND c.status IN ('ended', 'abandoned') AND (m.text <> '' OR m.html IS NOT NULL) LIMIT 1000)`;
      messages += cleared;
      if (cleared < 1000) break;
    }
    if (messages || attachments) logger.info({ messages, attachments, days }, 'retention removed old message bodies and attachments');
    return { messages, attachments };
  }
  const timer = setInterval(() => void runOnce().catch((error: unknown) => logger.warn({ err: error }, 'retention run failed')), 3600_000);
  void runOnce().catch((error: unknown) => logger.warn({ err: error }, 'retention run failed'));
  return { stop: () => clearInterval(timer), runOnce };
}

import { languages, type Channel, type JourneyStep, type Language, type ScreenPop } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { attachmentUrl } from './messages.ts';
import { internalNotesOf } from './notes.ts';
import { inSelfService, isFinished, publicStatus } from './statuses.ts';
import { asJourney, selfServiceSummary } from '../self-service/journey.ts';

/** The language an agent reads: the first they speak, else Norwegian. */
export function readerLanguage(spoken: readonly string[] | null | undefined): Language {
  return (spoken ?? []).find((l): l is Language => (languages as readonly string[]).includes(l)) ?? 'nb';
}

export async function agentLanguage(db: Database, agentId: string): Promise<Language> {
  const agent = await db.agent.findUnique({ where: { id: agentId }, select: { languages: true } });
  return readerLanguage(agent?.languages);
}

export async function agentLanguageOfOffer(db: Database, offerId: string): Promise<Language> {
  const offer = await db.offer.findUnique({ where: { id: offerId }, select: { agent: { select: { languages: true } } } });
  return readerLanguage(offer?.agent.languages);
}

/**
 * A past contact in one line. Self-service contacts say what the customer did there, in the
 * reader's language ("Sjekket ordre ORD-1000452 i talesvar"); others name channel, queue, subject and state.
 */
export function contactSummary(
  contact: { channel: string; status: string; queueId: string; subject: string | null; journey: unknown },
  language: Language,
): string {
  const status = publicStatus(contact.status);
  if (status === 'self-served' || status === 'abandoned-in-self-service') {
    const summary = selfServiceSummary(contact.channel as Channel, asJourney(contact.journey), language);
    if (summary) return summary;
  }
  return [contact.channel, contact.queueId, contact.subject, status].filter(Boolean).join(' · ');
}

const TIMELINE_LENGTH = 10;
const closedOrderStatuses = ['delivered', 'cancelled'];

/** Email and fax additions to the pop: the service-level due time, and for a fax its pages and first-page thumbnail. */
async function channelFactsFor(
  db: Database,
  contactId: string,
  contact: { firstResponseDueAt: Date | null; channel: string },
): Promise<Pick<ScreenPop, 'firstResponseDueAt' | 'fax'>> {
  const facts: Pick<ScreenPop, 'firstResponseDueAt' | 'fax'> = {};
  if (contact.firstResponseDueAt) facts.firstResponseDueAt = contact.firstResponseDueAt.toISOString();
  if (contact.channel === 'fax') {
    const [thumbnail, documents] = await Promise.all([
      db.attachment.findFirst({ where: { contactId, kind: 'thumbnail' }, orderBy: { createdAt: 'desc' }, select: { id: true } }),
      db.attachment.findMany({ where: { contactId, kind: 'file' }, select: { pages: true } }),
    ]);
    const pages = documents.length && documents.every((d) => d.pages !== null) ? documents.reduce((sum, d) => sum + (d.pages ?? 0), 0) : null;
    facts.fax = { pages, thumbnailUrl: thumbnail ? attachmentUrl(thumbnail.id) : null };
  }
  return facts;
}

/** The 360 view an agent sees the moment a contact is offered: built from stored facts only. */
export async function buildScreenPop(db: Database, contactId: string, now = new Date(), language: Language = 'nb'): Promise<ScreenPop> {
  const contact = await db.contact.findUniqueOrThrow({
    where: { id: contactId },
    select: { customerId: true, identMethod: true, identConfidence: true, journey: true, firstResponseDueAt: true, channel: true },
  });
  const journey = (Array.isArray(contact.journey) ? contact.journey : []) as unknown as JourneyStep[];
  const identification = { method: contact.identMethod as ScreenPop['identification']['method'], confidence: contact.identConfidence };
  const channelFacts = await channelFactsFor(db, contactId, contact);
  if (!contact.customerId) return { identification, customer: null, timeline: [], journey, ...channelFacts };

  const [customer, history] = await Promise.all([
    db.customer.findUniqueOrThrow({
      where: { id: contact.customerId },
      include: {
        orders: {
          where: { status: { notIn: closedOrderStatuses } },
          include: { shipments: true },
          orderBy: { placedAt: 'desc' },
          take: 20,
        },
        invoices: { where: { paidAt: null }, orderBy: { dueDate: 'asc' }, take: 20 },
        warranties: { orderBy: { expiresAt: 'desc' }, take: 20 },
      },
    }),
    db.contact.findMany({
      // A call still in the phone menu (the customer's own, elsewhere) is not history yet.
      where: { customerId: contact.customerId, id: { not: contactId }, status: { not: 'self_service' } },
      orderBy: { createdAt: 'desc' },
      take: TIMELINE_LENGTH,
      select: { id: true, channel: true, status: true, createdAt: true, subject: true, disposition: true, notes: true, queueId: true, journey: true },
    }),
  ]);
  const notes = await internalNotesOf(db, history.map((c) => c.id));

  return {
    identification,
    journey,
    ...channelFacts,
    customer: {
      id: customer.id,
      name: customer.name,
      segment: customer.segment,
      language: customer.language,
      currency: customer.currency,
      lifetimeValue: Number(customer.lifetimeValue),
      creditScore: customer.creditScore,
      openOrders: customer.orders.map((order) => ({
        number: order.number,
        status: order.status,
        total: Number(order.total),
        currency: order.currency,
        expectedDelivery: order.expectedDelivery?.toISOString() ?? null,
        shipments: order.shipments.map((s) => ({ carrier: s.carrier, trackingNumber: s.trackingNumber, status: s.status })),
      })),
      openInvoices: customer.invoices.map((invoice) => ({
        number: invoice.number,
        amount: Number(invoice.amount),
        currency: invoice.currency,
        dueDate: invoice.dueDate.toISOString(),
        overdue: invoice.dueDate < now,
      })),
      warranties: customer.warranties.map((w) => ({
        product: w.product,
        serialNumber: w.serialNumber,
        expiresAt: w.expiresAt.toISOString(),
        active: w.expiresAt >= now,
      })),
      openCases: history
        .filter((c) => !isFinished(c.status) && !inSelfService(c.status))
        .map((c) => ({ contactId: c.id, channel: c.channel, status: publicStatus(c.status), since: c.createdAt.toISOString(), subject: c.subject })),
    },
    timeline: history.map((c) => ({
      contactId: c.id,
      channel: c.channel,
      at: c.createdAt.toISOString(),
      summary: contactSummary(c, language),
      disposition: c.disposition,
      notes: c.notes,
      internalNotes: notes.get(c.id) ?? [],
    })),
  };
}

import type { Channel, ContactOffer, TransferRecord } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { agentLanguageOfOffer, buildScreenPop } from '../contacts/screen-pop.ts';
import { transcript } from '../contacts/messages.ts';

/** What an offer shows about its contact; the rest comes from stored facts at offer time. */
export interface OfferFacts {
  offerId: string;
  contactId: string;
  expiresAt: Date;
  channel: Channel;
  queueId: string;
  priority: number;
  subject: string | null;
  from: string | null;
}

const TRANSCRIPT_FOR_NEXT_AGENT = 20;
const MESSAGE_PREVIEW = 2_000;

/**
 * Earlier hand-overs of this contact, oldest first, with their notes (one small query per offer):
 * agents' transfers and supervisors' reassignments both re-queue it, and the next agent reads both.
 */
export async function transfersOf(db: Database, contactId: string): Promise<TransferRecord[]> {
  const events = await db.$queryRaw<Array<{ at: Date; type: string; data: Record<string, unknown> }>>`
    SELECT at, type, data FROM "ContactEvent" WHERE "contactId" = ${contactId}::uuid AND type IN ('transferred', 'reassigned') ORDER BY id`;
  return events.map((event) => {
    const data = event.data as {
      fromAgentId?: string;
      fromAgentName?: string;
      by?: string;
      byName?: string;
      toQueue?: string;
      toAgentId?: string;
      toAgentName?: string;
      note?: string | null;
    };
    const reassigned = event.type === 'reassigned';
    return {
      at: event.at.toISOString(),
      kind: reassigned ? 'reassigned' : 'transferred',
      from: reassigned ? { agentId: data.by ?? null, name: data.byName ?? null } : { agentId: data.fromAgentId ?? null, name: data.fromAgentName ?? null },
      to: data.toAgentId ? { agentId: data.toAgentId, name: data.toAgentName ?? null } : { queue: data.toQueue ?? null },
      note: data.note ?? null,
    };
  });
}

/**
 * The offer as the agent sees it: the 360 screen pop, and for a transferred contact the notes
 * left by the agents before and the conversation so far, so nobody asks the customer again.
 */
export async function presentOffer(db: Database, facts: OfferFacts): Promise<ContactOffer> {
  const language = await agentLanguageOfOffer(db, facts.offerId);
  const [screenPop, transfers] = await Promise.all([buildScreenPop(db, facts.contactId, new Date(), language), transfersOf(db, facts.contactId)]);
  if (transfers.length > 0) {
    const messages = await transcript(db, facts.contactId);
    screenPop.transfers = transfers;
    screenPop.conversation = messages.slice(-TRANSCRIPT_FOR_NEXT_AGENT).map((message) => ({
      from: message.from,
      at: message.at,
      text: message.text.length > MESSAGE_PREVIEW ? `${message.text.slice(0, MESSAGE_PREVIEW)}…` : message.text,
    }));
  }
  await db.offer.update({ where: { id: facts.offerId }, data: { screenPop: screenPop as object } });
  return {
    offerId: facts.offerId,
    expiresAt: facts.expiresAt.toISOString(),
    contact: {
      id: facts.contactId,
      channel: facts.channel,
      queue: facts.queueId,
      priority: facts.priority,
      subject: facts.subject,
      from: facts.from,
      ...(transfers.length > 0 ? { transferNote: transfers.at(-1)!.note } : {}),
    },
    screenPop,
  };
}

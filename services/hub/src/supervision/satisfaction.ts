import { createHmac } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { SentralError, type Channel, type ContactIntake } from '@sentral/contract';
import type { AgentWork } from '../contacts/service.ts';
import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { recordEvent } from '../contacts/messages.ts';
import { text } from '../i18n.ts';

/** How the rating came in: the signed link, or the contact's own channel (chat, the IVR after a call). */
export type RatingSource = 'link' | 'chat' | 'ivr';

/** Customer satisfaction: a 1–10 rating asked for after an answered contact ends, stored once on the contact. */
export interface Satisfaction {
  /** Asks the customer for a rating on the contact's own channel; does nothing twice or for unanswered contacts. */
  requestRating(contactId: string): Promise<void>;
  /**
   * Stores the rating. Through the link, the signature proves who rates; on the contact's own channel,
   * `from` must be the customer's address on it (a chat visitor id, a caller's number).
   */
  rate(contactId: string, score: number, via: { link: true } | { from: string }): Promise<void>;
  /** The signed link to the rating page (email). */
  linkFor(contactId: string): Promise<string>;
  /** The contact a rating link was made for; FORBIDDEN when the link was not made here or has expired. */
  contactOfLink(token: string): Promise<string>;
}

const LINK_LIFETIME = '30d';

export function createSatisfaction(deps: { db: Database; notifier: Notifier; secret: string; publicBaseUrl: string; logger: Logger }): Satisfaction {
  const { db, notifier, logger } = deps;
  // A key of its own: a rating link can never pass as a sign-in token, nor the other way round.
  const key = createHmac('sha256', deps.secret).update('sentral:csat-link').digest();

  async function linkFor(contactId: string): Promise<string> {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(contactId).setIssuedAt().setExpirationTime(LINK_LIFETIME).sign(key);
    return `${deps.publicBaseUrl}/csat/${token}`;
  }

  /** Claims the one request per contact: the rating row is its marker, the primary key keeps it single. */
  async function claimRequest(contactId: string): Promise<{ channel: Channel; language: string | null } | null> {
    const contact = await db.contact.findUnique({ where: { id: contactId }, select: { channel: true, language: true, status: true, acceptedAt: true } });
    if (!contact || contact.status !== 'ended' || !contact.acceptedAt) return null;
    const claimed = await db.$executeRaw`
      INSERT INTO "ContactRating" ("contactId", "requestedAt") VALUES (${contactId}::uuid, now()) ON CONFLICT ("contactId") DO NOTHING`;
    return claimed ? { channel: contact.channel, language: contact.language } : null;
  }

  /** Email: a system message with the link, stored pending; the outbound worker sends it like any other. */
  async function queueEmail(contactId: string, body: string): Promise<void> {
    await db.$transaction(async (tx) => {
      // The conversation has ended, so the message is appended past the open-conversation check on purpose.
      const { messageCount } = await tx.contact.update({ where: { id: contactId }, data: { messageCount: { increment: 1 } }, select: { messageCount: true } });
      await tx.message.create({ data: { contactId, seq: messageCount, author: 'system', text: body, meta: { automatic: true, survey: true }, delivery: 'pending' } });
    });
  }

  return {
    async requestRating(contactId) {
      try {
        const contact = await claimRequest(contactId);
        if (!contact) return;
        if (contact.channel === 'chat') {
          await notifier.toCustomer('chat', { kind: 'message', contactId, from: 'system', text: text('ratingRequest', contact.language), at: new Date().toISOString() });
        } else if (contact.channel === 'email') {
          await queueEmail(contactId, text('ratingRequestEmail', contact.language, await linkFor(contactId)));
        }
      } catch (error) {
        // A survey must never fail the end of a conversation.
        logger.warn({ err: error, contactId }, 'could not ask for a rating');
      }
    },

    async rate(contactId, score, via) {
      const from = 'from' in via ? via.from : undefined;
      if (!Number.isInteger(score) || score < 1 || score > 10) throw new SentralError('VALIDATION_FAILED', 'score: must be a whole number from 1 to 10', { field: 'score' });
      const channel = await db.$transaction(async (tx) => {
        const [contact] = await tx.$queryRaw<Array<{ channel: Channel; status: string; acceptedAt: Date | null; fromAddress: string | null }>>`
          SELECT channel::text AS channel, status::text AS status, "acceptedAt", "fromAddress" FROM "Contact" WHERE id = ${contactId}::uuid FOR UPDATE`;
        if (!contact || (from !== undefined && contact.fromAddress !== from)) throw new SentralError('NOT_FOUND', 'no such contact');
        // A caller rates as the line to the agent closes, which can be a moment before the agent records the end.
        const over = contact.status === 'ended' || (contact.channel === 'voice' && contact.status === 'accepted');
        if (!over || !contact.acceptedAt) throw new SentralError('CONFLICT', 'only a finished conversation can be rated');
        const earlier = await tx.contactRating.findUnique({ where: { contactId }, select: { score: true } });
        if (earlier?.score != null) throw new SentralError('CONFLICT', 'this contact has already been rated');
        const source: RatingSource = from === undefined ? 'link' : contact.channel === 'voice' ? 'ivr' : 'chat';
        const rating = { score, source, at: new Date() };
        await tx.contactRating.upsert({ where: { contactId }, create: { contactId, ...rating }, update: rating });
        await recordEvent(tx, contactId, 'rated', 'customer', { score, source });
        return contact.channel;
      });
      if (channel === 'chat' && from !== undefined) {
        const contact = await db.contact.findUnique({ where: { id: contactId }, select: { language: true } });
        await notifier.toCustomer('chat', { kind: 'message', contactId, from: 'system', text: text('ratingThanks', contact?.language ?? null), at: new Date().toISOString() });
      }
    },

    linkFor,

    async contactOfLink(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        if (!payload.sub) throw new Error('no subject');
        return payload.sub;
      } catch {
        throw new SentralError('FORBIDDEN', 'the rating link is invalid or has expired');
      }
    },
  };
}

/** The agent's work, asking for a rating once the agent has ended an answered conversation. */
export function surveyAfterAgentEnd(work: AgentWork, satisfaction: Satisfaction): AgentWork {
  return {
    ...work,
    async end(agent, contactId, wrapUp) {
      await work.end(agent, contactId, wrapUp);
      await satisfaction.requestRating(contactId);
    },
  };
}

/** The intake, asking for a rating when the customer ends an answered conversation, and taking ratings from channels. */
export function surveyAfterCustomerEnd(intake: ContactIntake, satisfaction: Satisfaction): ContactIntake {
  return {
    ...intake,
    async customerEnded(contactId) {
      await intake.customerEnded(contactId);
      await satisfaction.requestRating(contactId);
    },
    rateContact: (contactId, from, score) => satisfaction.rate(contactId, score, { from }),
  };
}

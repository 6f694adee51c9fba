import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  SentralError,
  type ChannelConnector,
  type ChatAvailability,
  type ChatLink,
  type ChatOption,
  type ChatTranscriptEntry,
  type ChatVerification,
  type ContactIntake,
  type WebChatPorts,
} from '@sentral/contract';
import type { Database } from '@sentral/db';
import { text, type Locale } from '../i18n.ts';
import type { RateLimits } from '../limits/rate-limits.ts';
import type { Logger } from '../logger.ts';
import { createSessionStore } from '../self-service/sessions.ts';
import { isOpen } from '../routing/hours.ts';
import { queuePlaces } from '../routing/queue-position.ts';
import { loadQueueSettings } from '../routing/queue-settings.ts';
import type { QueueDirectory } from '../pipeline/queue-directory.ts';

/** A returning browser resumes its visitor id, and sees a just-ended conversation again, within this window. */
const RESUME_WINDOW_SECONDS = 24 * 3600;
const CODE_TTL_SECONDS = 600;
const HISTORY_PAGE = 500;
// An offline form sends at most this many confirmations a day to one address (the intake's acknowledgement limit).
const CONFIRMATIONS_PER_DAY = 5;

const optionSchema = z.array(z.object({ id: z.string(), label: z.string() })).max(20);
const linkSchema = z.array(z.object({ title: z.string(), url: z.string() })).max(20);

const identityClaims = z.object({
  sub: z.string().min(1).max(200),
  email: z.string().email().max(320).optional(),
  name: z.string().min(1).max(200).optional(),
  exp: z.number().int(),
});

function base64urlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The hub's side of web chat, lent to the chat connector: limits through the shared limit table,
 * history from PostgreSQL by sequence number, the message form as an email contact, identity
 * tokens and one-time codes mailed through a configured mailbox.
 */
export function createWebChatPorts(deps: {
  db: Database;
  limits: RateLimits;
  intake: ContactIntake;
  queues: QueueDirectory;
  /** The email connector, which sends through a mailbox's own SMTP server. */
  email: () => ChannelConnector | undefined;
  /** Signs resume tokens and one-time codes. */
  secret: string;
  identitySecret: string | null;
  maxWaitSeconds: number;
  logger: Logger;
}): WebChatPorts {
  const { db, limits, logger } = deps;
  const codes = createSessionStore(db, 'web-chat');

  const sign = (purpose: string, value: string) => createHmac('sha256', deps.secret).update(`${purpose}:${value}`).digest('base64url');

  /** The first enabled mailbox that can send: replies and confirmations leave through it. */
  async function sendingMailbox(): Promise<{ id: string } | null> {
    const boxes = await db.mailbox.findMany({ where: { enabled: true, kind: 'email' }, select: { id: true, settings: true }, orderBy: { createdAt: 'asc' } });
    return boxes.find((box) => (box.settings as { smtp?: unknown } | null)?.smtp) ?? null;
  }

  async function mail(input: { to: string; subject: string; body: string; language: Locale; contactId: string | null }): Promise<void> {
    const connector = deps.email();
    const mailbox = await sendingMailbox();
    if (!connector?.send || !mailbox) throw new SentralError('CHANNEL_DISABLED', 'no mailbox is configured to send email');
    await connector.send({
      messageId: randomUUID(),
      contactId: input.contactId ?? randomUUID(),
      author: 'system',
      text: input.body,
      at: new Date().toISOString(),
      language: input.language,
      to: input.to,
      account: mailbox.id,
      subject: input.subject,
      thread: [],
      inReplyTo: null,
      automatic: true,
      standalone: true,
    });
  }

  async function transcriptLines(contactId: string, language: Locale): Promise<string[]> {
    const messages = await db.message.findMany({ where: { contactId }, orderBy: { seq: 'asc' }, select: { author: true, text: true, createdAt: true }, take: 2_000 });
    return messages.map((m) => `[${m.createdAt.toISOString().slice(0, 16).replace('T', ' ')}] ${text('transcriptAuthor', language, m.author)}: ${m.text}`);
  }

  return {
    consume: (limit, key) => limits.consume(limit, key),
    refund: (limit, key) => limits.refund(limit, key),

    async history(contactId, afterSeq) {
      const rows = await db.message.findMany({
        where: { contactId, seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
        take: HISTORY_PAGE,
        select: { seq: true, author: true, text: true, createdAt: true, meta: true, attachments: { where: { kind: 'file' }, select: { filename: true, contentType: true, size: true } } },
      });
      return rows.map((row): ChatTranscriptEntry => {
        // A bot's buttons and links are kept in the message's meta by whoever stored it.
        const meta = (row.meta ?? {}) as { options?: unknown; links?: unknown };
        const options = optionSchema.safeParse(meta.options);
        const links = linkSchema.safeParse(meta.links);
        return {
          seq: row.seq,
          from: row.author,
          text: row.text,
          at: row.createdAt.toISOString(),
          ...(options.success && options.data.length ? { options: options.data as ChatOption[] } : {}),
          ...(links.success && links.data.length ? { links: links.data as ChatLink[] } : {}),
          ...(row.attachments.length ? { attachments: row.attachments } : {}),
        };
      });
    },

    async recentConversation(visitorId) {
      const contact = await db.contact.findFirst({
        where: { channel: 'chat', fromAddress: visitorId, endedAt: { gt: new Date(Date.now() - RESUME_WINDOW_SECONDS * 1000) } },
        orderBy: { createdAt: 'desc' },
        select: { id: true },
      });
      return contact?.id ?? null;
    },

    async availability(queue): Promise<ChatAvailability> {
      const queueId = await deps.queues.resolve('chat', queue);
      const settings = (await loadQueueSettings(db, [queueId])).get(queueId);
      if (settings && !isOpen(settings.hours, new Date())) return { available: false, reason: 'closed', estimatedWaitSeconds: null };
      const signedIn = await db.agent.count({ where: { state: { not: 'offline' }, capacityChat: { gt: 0 }, queues: { some: { queueId } } } });
      if (signedIn === 0) return { available: false, reason: 'nobody', estimatedWaitSeconds: null };
      const waiting = (await queuePlaces(db, queueId)).filter((place) => place.channel === 'chat');
      // A newcomer waits at least as long as the last one in line.
      const estimatedWaitSeconds = waiting.reduce((longest, place) => Math.max(longest, place.estimatedWaitSeconds), 0);
      if (estimatedWaitSeconds > deps.maxWaitSeconds) return { available: false, reason: 'wait', estimatedWaitSeconds };
      return { available: true, reason: null, estimatedWaitSeconds };
    },

    async leaveMessage(form) {
      const mailbox = await sendingMailbox();
      const transcript = form.conversationId ? await transcriptLines(form.conversationId, form.language) : [];
      const body = transcript.length ? `${form.text}\n\n${text('offlineTranscriptHeading', form.language)}\n${transcript.join('\n')}` : form.text;
      const opened = await deps.intake.open({
        channel: 'email',
        externalId: `chat-form:${randomUUID()}`,
        from: form.email,
        displayName: form.name,
        subject: text('offlineSubject', form.language, form.name),
        language: form.language,
        queueId: form.queue,
        account: mailbox?.id ?? null,
        firstMessage: { text: body.slice(0, 100_000), meta: { source: 'chat-offline-form', visitorId: form.visitorId, chatContactId: form.conversationId } },
        // The confirmation is stored with the contact and sent through the durable outbound queue.
        acknowledge: mailbox ? { maxPerDay: CONFIRMATIONS_PER_DAY } : null,
        verification: { state: 'claimed', method: 'typed-email', email: form.email, customerId: null, externalId: null, name: form.name, at: new Date().toISOString() },
      });
      if (!mailbox) logger.warn({ contactId: opened.contactId }, 'message form stored, but no mailbox can send its confirmation');
      return { contactId: opened.contactId };
    },

    async verifyIdentityToken(token) {
      if (!deps.identitySecret) throw new SentralError('UNAUTHENTICATED', 'identityToken: this hub accepts no identity tokens (WIDGET_IDENTITY_SECRET is not set)');
      const [header, payload, signature, extra] = token.split('.');
      if (!header || !payload || !signature || extra !== undefined) throw new SentralError('UNAUTHENTICATED', 'identityToken: not a JWT');
      if ((base64urlJson(header) as { alg?: unknown } | null)?.alg !== 'HS256') throw new SentralError('UNAUTHENTICATED', 'identityToken: must be signed with HS256');
      const expected = createHmac('sha256', deps.identitySecret).update(`${header}.${payload}`).digest();
      if (!sameBytes(expected, Buffer.from(signature, 'base64url'))) throw new SentralError('UNAUTHENTICATED', 'identityToken: signature does not match');
      const claims = identityClaims.safeParse(base64urlJson(payload));
      if (!claims.success) throw new SentralError('UNAUTHENTICATED', `identityToken: ${claims.error.issues[0]!.path.join('.')} ${claims.error.issues[0]!.message}`);
      if (claims.data.exp * 1000 <= Date.now()) throw new SentralError('UNAUTHENTICATED', 'identityToken: expired');
      const customer = await db.customer.findUnique({ where: { externalId: claims.data.sub }, select: { id: true } });
      return {
        state: 'verified',
        method: 'identity-token',
        email: claims.data.email?.toLowerCase() ?? null,
        customerId: customer?.id ?? null,
        externalId: claims.data.sub,
        name: claims.data.name ?? null,
        at: new Date().toISOString(),
      };
    },

    async sendVerificationCode(visitorId, email, language) {
      const address = email.toLowerCase();
      await limits.consume('verification:code', `email:${address}`);
      await limits.consume('verification:code', `visitor:${visitorId}`);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const value = { email: address, codeHash: sign('code', `${visitorId}:${code}`) };
      const key = `code:${visitorId}`;
      // A new code replaces the one before it.
      const stored = await codes.create(key, value, CODE_TTL_SECONDS);
      if (!stored.created && !(await codes.replace(key, stored.session.version, value))) throw new SentralError('CONFLICT', 'another code was requested at the same time');
      await mail({ to: address, subject: text('verificationCodeSubject', language), body: text('verificationCode', language, code), language, contactId: null });
    },

    async checkVerificationCode(visitorId, code) {
      const key = `code:${visitorId}`;
      const session = await codes.get(key);
      const stored = session?.value as { email?: string; codeHash?: string; used?: boolean } | undefined;
      if (!session || !stored?.email || !stored.codeHash || stored.used) return null;
      if (!sameBytes(Buffer.from(stored.codeHash), Buffer.from(sign('code', `${visitorId}:${code}`)))) return null;
      // One use: the first correct answer spends the code.
      if (!(await codes.replace(key, session.version, { ...stored, used: true }))) return null;
      const identity = await db.customerIdentity.findFirst({ where: { kind: 'email', value: stored.email }, select: { customerId: true }, orderBy: { customer: { updatedAt: 'desc' } } });
      return {
        state: 'verified',
        method: 'email-code',
        email: stored.email,
        customerId: identity?.customerId ?? null,
        externalId: null,
        name: null,
        at: new Date().toISOString(),
      } satisfies ChatVerification;
    },

    async recordVerification(contactId, verification) {
      // A proven identity also identifies a contact still in self-service (the bot may then show orders), unless it
      // already names another customer; a conversation with an agent keeps the customer its pop was built for.
      const proven = verification.state === 'verified' && verification.customerId ? verification.customerId : null;
      await db.$executeRaw`
        UPDATE "Contact" SET
          attributes = attributes || jsonb_build_object('verification', ${JSON.stringify(verification)}::jsonb),
          "customerId" = CASE WHEN ${proven}::uuid IS NOT NULL AND status = 'self-service' AND ("customerId" IS NULL OR "customerId" = ${proven}::uuid) THEN ${proven}::uuid ELSE "customerId" END,
          "identMethod" = CASE WHEN ${proven}::uuid IS NOT NULL AND status = 'self-service' AND ("customerId" IS NULL OR "customerId" = ${proven}::uuid) THEN 'verified' ELSE "identMethod" END,
          "identConfidence" = CASE WHEN ${proven}::uuid IS NOT NULL AND status = 'self-service' AND ("customerId" IS NULL OR "customerId" = ${proven}::uuid) THEN 1 ELSE "identConfidence" END
        WHERE id = ${contactId}::uuid AND status NOT IN ('ended', 'abandoned')`;
    },

    async sendTranscript(contactId, email, language) {
      const lines = await transcriptLines(contactId, language);
      await mail({ to: email, subject: text('transcriptSubject', language), body: `${text('transcriptIntro', language)}\n\n${lines.join('\n')}`, language, contactId });
    },

    resumeToken: {
      issue(visitorId) {
        const issuedAt = Math.floor(Date.now() / 1000);
        return `${issuedAt}.${sign('resume', `${visitorId}:${issuedAt}`)}`;
      },
      check(visitorId, token) {
        const [issuedAtText, signature] = token.split('.');
        const issuedAt = Number(issuedAtText);
        if (!Number.isInteger(issuedAt) || !signature) return false;
        if (Date.now() / 1000 - issuedAt > RESUME_WINDOW_SECONDS) return false;
        return sameBytes(Buffer.from(signature), Buffer.from(sign('resume', `${visitorId}:${issuedAt}`)));
      },
    },
  };
}

import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import { faxDocumentType, type InboundAttachment, type InboundContact } from '@sentral/contract';
import type { MailboxAccount } from './account.ts';
import { machineReason } from './automation.ts';
import { faxSenderNumber } from './fax-mail.ts';
import { sanitizeMailHtml } from './sanitize.ts';
import { signaturePhones } from './signature.ts';
import { text } from './texts.ts';
import { contactIdsFromTokens, messageIdList, normaliseMessageId } from './threading.ts';

/** Longest stored text of one mail; longer bodies are cut with a visible marker. */
export const MAX_TEXT_CHARS = 200_000;
const MAX_HTML_CHARS = 2_000_000;
const MAX_ATTACHMENTS = 50;
const MAX_SUBJECT_CHARS = 500;
const MAX_REFERENCES = 50;

export type ParsedInbound = { ok: true; inbound: InboundContact; automated: string | null } | { ok: false; reason: string };

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string | null } | null {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const object of list) {
    for (const entry of object.value) {
      if (entry.address && /^[^\s@]+@[^\s@]+$/.test(entry.address)) return { address: entry.address.toLowerCase(), name: entry.name || null };
    }
  }
  return null;
}

function allAddresses(...values: Array<AddressObject | AddressObject[] | undefined>): string[] {
  return values
    .flatMap((value) => (Array.isArray(value) ? value : value ? [value] : []))
    .flatMap((object) => object.value.map((entry) => entry.address?.toLowerCase()))
    .filter((address): address is string => Boolean(address));
}

function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return String(value);
}

function clip(value: string, max: number, language: 'nb' | 'da' | 'en'): string {
  return value.length <= max ? value : `${value.slice(0, max)}\n${text('truncated', language)}`;
}

/**
 * Turns one raw mail into the channel-neutral contact the hub stores: text, sanitised HTML,
 * attachments within the mailbox's limits, thread evidence, and whether a machine sent it.
 * A fax mailbox turns the mail into a fax contact from the sender's fax number instead.
 */
export async function parseMail(source: Buffer, account: MailboxAccount, ownAddresses: ReadonlySet<string>): Promise<ParsedInbound> {
  const settings = account.settings;
  let mail: ParsedMail;
  try {
    mail = await simpleParser(source, { skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true, keepDeliveryStatus: true, maxHtmlLengthToParse: MAX_HTML_CHARS });
  } catch (error) {
    return { ok: false, reason: `unparseable MIME: ${(error as Error).message.slice(0, 200)}` };
  }
  const header = (name: string) => headerText(mail.headers.get(name));
  const sender = firstAddress(mail.from);
  const replyTo = firstAddress(mail.replyTo);
  const contentTypeHeader = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const returnPath = header('return-path');
  const automated = machineReason({
    header: (name) => header(name),
    from: sender?.address ?? null,
    contentType: contentTypeHeader?.value?.toLowerCase() ?? null,
    reportType: contentTypeHeader?.params?.['report-type'] ?? null,
    returnPathEmpty: returnPath !== null && /^\s*<?\s*>?\s*$/.test(returnPath),
    ownAddresses,
  });

  // Without a Message-ID the raw bytes stand in, so a redelivery of the same mail is still recognised.
  const messageId = normaliseMessageId(mail.messageId) ?? `<sha256-${createHash('sha256').update(source).digest('hex')}@sentral.invalid>`;
  const references = messageIdList(mail.references).slice(-MAX_REFERENCES);
  const inReplyTo = messageIdList(mail.inReplyTo)[0] ?? null;
  const recipients = allAddresses(mail.to, mail.cc);

  const oversized: string[] = [];
  const attachments: InboundAttachment[] = [];
  let total = 0;
  for (const attachment of mail.attachments) {
    const content = attachment.content as Buffer;
    if (attachment.contentType === 'message/delivery-status' || attachment.contentType === 'text/rfc822-headers') continue;
    if (attachments.length >= MAX_ATTACHMENTS || content.length > settings.maxAttachmentBytes || total + content.length > settings.maxMessageBytes) {
      oversized.push(attachment.filename ?? attachment.contentType);
      continue;
    }
    total += content.length;
    attachments.push({
      filename: attachment.filename?.slice(0, 255) ?? null,
      contentType: attachment.contentType.slice(0, 100),
      content,
      contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, '').slice(0, 250) : null,
      inline: attachment.contentDisposition === 'inline' && Boolean(attachment.contentId),
    });
  }
  // Bounces quote the original's headers in a part of their own: scan it for our token too.
  const reportText = mail.attachments
    .filter((a) => a.contentType === 'message/delivery-status' || a.contentType === 'text/rfc822-headers' || a.contentType === 'message/rfc822')
    .map((a) => (a.content as Buffer).toString('latin1').slice(0, 50_000));

  const language = settings.language;
  const subject = mail.subject?.slice(0, MAX_SUBJECT_CHARS) ?? null;
  const plain = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
  const html = mail.html ? sanitizeMailHtml(mail.html, { remoteImages: settings.remoteImages }) : null;
  const meta = {
    from: sender?.address ?? null,
    fromName: sender?.name ?? null,
    replyTo: replyTo && replyTo.address !== sender?.address ? replyTo.address : null,
    to: allAddresses(mail.to).slice(0, 50),
    cc: allAddresses(mail.cc).slice(0, 50),
    subject,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    inReplyTo,
    references,
    ...(automated ? { automated } : {}),
    ...(oversized.length ? { droppedAttachments: oversized.slice(0, 20) } : {}),
  };
  const threadTokens = contactIdsFromTokens([inReplyTo, ...references, ...recipients, ...reportText]);

  if (account.settings.kind === 'fax') {
    const documents = attachments
      .map((attachment) => ({ attachment, type: faxDocumentType(attachment.content) }))
      .filter((item): item is { attachment: InboundAttachment; type: 'application/pdf' | 'image/tiff' } => item.type !== null)
      .map(({ attachment, type }) => ({ ...attachment, contentType: type, inline: false }));
    if (!documents.length) return { ok: false, reason: 'fax mailbox: no PDF or TIFF document in the mail' };
    const faxNumber = faxSenderNumber({ header, subject, from: sender?.address ?? null });
    return {
      ok: true,
      automated,
      inbound: {
        channel: 'fax',
        externalId: messageId,
        from: faxNumber,
        to: account.settings.address,
        subject,
        language,
        queueId: settings.queue,
        account: account.id,
        respondWithinSeconds: Math.round(settings.firstResponseHours * 3600),
        firstMessage: {
          text: text('faxReceived', language, ''),
          externalId: messageId,
          attachments: documents,
          meta: { ...meta, faxNumber, gateway: sender?.address ?? null },
        },
      },
    };
  }

  if (!sender) return { ok: false, reason: 'no usable sender address' };
  return {
    ok: true,
    automated,
    inbound: {
      channel: 'email',
      externalId: messageId,
      from: sender.address,
      to: account.settings.address,
      displayName: sender.name?.slice(0, 200) ?? null,
      subject,
      language,
      queueId: settings.queue,
      account: account.id,
      thread: { contactIds: threadTokens, messageIds: [...new Set([...(inReplyTo ? [inReplyTo] : []), ...references])] },
      hintedPhones: signaturePhones(plain),
      respondWithinSeconds: Math.round(settings.firstResponseHours * 3600),
      acknowledge: settings.acknowledge && !automated ? { maxPerDay: settings.maxAutoRepliesPerDay } : null,
      firstMessage: {
        text: clip(plain || (html ? htmlToPlain(html) : '') || text('noText', language), MAX_TEXT_CHARS, language),
        externalId: messageId,
        html: html && html.length <= MAX_HTML_CHARS ? html : null,
        attachments,
        meta,
      },
    },
  };
}

function htmlToPlain(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

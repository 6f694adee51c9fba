import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError, type OutboundMessage, type SentMessage } from '@sentral/contract';
import type { MailboxAccount } from './account.ts';
import { outgoingMessageId, tokenAddress } from './threading.ts';

const MAX_REFERENCES = 20;
const REPLY_PREFIX = /^\s*(re|sv|aw|vs|antw)\s*:/i;

function classify(error: unknown): DeliveryError {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const reason = (e.message ?? String(error)).slice(0, 300);
  // 5xx is the server's final word; a rejected login will not fix itself by retrying.
  if ((e.responseCode !== undefined && e.responseCode >= 500) || e.code === 'EAUTH') return new DeliveryError(reason, true);
  return new DeliveryError(reason, false);
}

/** Sends through each mailbox's own SMTP server, from its address, threaded into the conversation. */
export function createSmtpSender() {
  const transports = new Map<string, { fingerprint: string; transport: Transporter }>();

  function transportFor(account: MailboxAccount): Transporter {
    const smtp = account.settings.smtp;
    if (!smtp) throw new DeliveryError(`mailbox ${account.settings.address} has no SMTP server configured`, true);
    const fingerprint = JSON.stringify([smtp, account.secrets.smtpPassword]);
    const cached = transports.get(account.id);
    if (cached?.fingerprint === fingerprint) return cached.transport;
    cached?.transport.close();
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: account.secrets.smtpPassword ?? '' } } : {}),
      tls: { rejectUnauthorized: !smtp.allowSelfSignedCertificates },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    transports.set(account.id, { fingerprint, transport });
    return transport;
  }

  return {
    async send(account: MailboxAccount, message: OutboundMessage): Promise<SentMessage> {
      const transport = transportFor(account);
      const { address, name } = account.settings;
      const messageId = outgoingMessageId(message.contactId, message.messageId, address);
      // Keep the thread's root and its latest messages: enough for every client to place the reply.
      const thread = message.thread.length > MAX_REFERENCES ? [message.thread[0]!, ...message.thread.slice(-(MAX_REFERENCES - 1))] : message.thread;
      const subject = message.subject && !message.standalone && !REPLY_PREFIX.test(message.subject) ? `Re: ${message.subject}` : (message.subject ?? undefined);
      try {
        await transport.sendMail({
          from: { name, address },
          to: message.to,
          ...(subject ? { subject } : {}),
          text: message.text,
          messageId,
          ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
          ...(thread.length ? { references: thread } : {}),
          ...(account.settings.replyToToken ? { replyTo: { name, address: tokenAddress(address, message.contactId) } } : {}),
          headers: message.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
        });
      } catch (error) {
        throw classify(error);
      }
      return { externalId: messageId };
    },
    close(): void {
      for (const { transport } of transports.values()) transport.close();
      transports.clear();
    },
  };
}

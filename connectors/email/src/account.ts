import { z } from 'zod';

const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'must be a host name or address');
const port = z.number().int().min(1).max(65535);

/** What an operator sets for a mailbox through the API (everything but the passwords). */
export const mailboxSettingsSchema = z
  .object({
    imap: z
      .object({
        host,
        port,
        secure: z.boolean().default(false),
        user: z.string().min(1).max(320),
        folder: z.string().min(1).max(200).default('INBOX'),
        /** Move stored messages here; when unset they are only marked \Seen. */
        processedFolder: z.string().min(1).max(200).nullable().default(null),
        /** Seconds between checks besides IDLE: the backstop when IDLE notifications go missing. */
        pollSeconds: z.number().int().min(1).max(3600).default(60),
        allowSelfSignedCertificates: z.boolean().default(false),
      })
      .strict(),
    smtp: z
      .object({
        host,
        port,
        secure: z.boolean().default(false),
        user: z.string().min(1).max(320).nullable().default(null),
        allowSelfSignedCertificates: z.boolean().default(false),
      })
      .strict()
      .nullable()
      .default(null),
    queue: z.string().regex(/^[a-z0-9-]{1,64}$/).nullable().default(null),
    language: z.enum(['nb', 'da', 'en']).default('nb'),
    /** Acknowledge new contacts automatically (never to machines; at most maxAutoRepliesPerDay per address). */
    acknowledge: z.boolean().default(false),
    maxAutoRepliesPerDay: z.number().int().min(1).max(100).default(3),
    /** Hours until the first answer is due (service level). */
    firstResponseHours: z.number().min(0.25).max(24 * 30).default(24),
    /** Put the conversation token in a plus-addressed Reply-To (needs a server that delivers user+tag@ to user@). */
    replyToToken: z.boolean().default(true),
    /** Keep remote images in HTML bodies (off: opening a mail never tells the sender it was read). */
    remoteImages: z.boolean().default(false),
    maxMessageBytes: z.number().int().min(10_000).max(100_000_000).default(25_000_000),
    maxAttachmentBytes: z.number().int().min(1_000).max(50_000_000).default(15_000_000),
  })
  .strict();

export const mailboxSecretsSchema = z
  .object({ imapPassword: z.string().min(1).max(1000), smtpPassword: z.string().min(1).max(1000).nullable().default(null) })
  .strict();

export const mailboxKinds = ['email', 'fax'] as const;

/** A mailbox as the connector works with it: the API's settings plus its identity and decrypted secrets. */
export const mailboxAccountSchema = z.object({
  id: z.string().min(1),
  enabled: z.boolean(),
  settings: mailboxSettingsSchema.extend({
    name: z.string().min(1).max(200),
    address: z.string().email().max(320),
    kind: z.enum(mailboxKinds),
  }),
  secrets: mailboxSecretsSchema,
});

export type MailboxAccount = z.infer<typeof mailboxAccountSchema>;

import { z } from 'zod';
import {
  DeliveryError,
  SentralError,
  type ChannelConnector,
  type ConnectorContext,
  type ConnectorFactory,
  type OutboundMessage,
} from '@sentral/contract';
import { mailboxAccountSchema, type MailboxAccount } from './account.ts';
import { MailboxPoller, type MessageOutcome } from './imap-poller.ts';
import { parseMail } from './parse.ts';
import { createSmtpSender } from './smtp.ts';

const configSchema = z
  .object({
    /** Seconds between re-reading the mailbox list, for changes made through another hub process. */
    refreshSeconds: z.number().int().min(1).max(3600).default(30),
  })
  .strict();

export type EmailConnectorConfig = z.infer<typeof configSchema>;

/**
 * Email: every mailbox configured through the API is read over IMAP and answered over SMTP.
 * Mailboxes of kind `fax` belong to a fax-to-email gateway; their mails become fax contacts.
 */
export const emailConnector: ConnectorFactory<EmailConnectorConfig> = {
  id: 'email',
  channel: 'email',
  parseConfig: (raw) => configSchema.parse(raw ?? {}),
  create(context: ConnectorContext<EmailConnectorConfig>): ChannelConnector {
    const { intake, logger, accounts, state, config } = context;
    const pollers = new Map<string, { fingerprint: string; poller: MailboxPoller }>();
    let mailboxes = new Map<string, MailboxAccount>();
    let ownAddresses: ReadonlySet<string> = new Set();
    const smtp = createSmtpSender();
    let refreshTimer: NodeJS.Timeout | null = null;
    let unsubscribe: (() => void) | null = null;
    let started = false;
    let reconciling: Promise<void> = Promise.resolve();

    async function handle(account: MailboxAccount, source: Buffer): Promise<MessageOutcome> {
      const parsed = await parseMail(source, account, ownAddresses);
      if (!parsed.ok) return { stored: false, reason: parsed.reason };
      try {
        const opened = await intake.open(parsed.inbound);
        if (parsed.automated) logger.debug({ mailboxId: account.id, contactId: opened.contactId, automated: parsed.automated }, 'machine mail stored without acknowledgement');
        return { stored: true };
      } catch (error) {
        // Invalid content is final; anything else (database down) is retried by reconnecting.
        if (error instanceof SentralError && (error.code === 'VALIDATION_FAILED' || error.code === 'PAYLOAD_TOO_LARGE')) {
          return { stored: false, reason: error.message };
        }
        throw error;
      }
    }

    async function reconcile(): Promise<void> {
      if (!accounts || !state) return;
      const listed = await accounts.list();
      const next = new Map<string, MailboxAccount>();
      for (const raw of listed) {
        const parsed = mailboxAccountSchema.safeParse(raw);
        if (!parsed.success) {
          logger.warn({ mailboxId: raw.id, problem: parsed.error.issues[0]?.message }, 'mailbox settings are invalid; skipped');
          continue;
        }
        next.set(parsed.data.id, parsed.data);
      }
      mailboxes = next;
      ownAddresses = new Set([...next.values()].map((account) => account.settings.address.toLowerCase()));
      for (const [id, running] of pollers) {
        const account = next.get(id);
        if (!account || !account.enabled || !started || JSON.stringify(account) !== running.fingerprint) {
          pollers.delete(id);
          await running.poller.stop();
        }
      }
      if (!started) return;
      for (const account of next.values()) {
        if (!account.enabled || pollers.has(account.id)) continue;
        const poller = new MailboxPoller(account, { state, logger, handle: (source) => handle(account, source) });
        pollers.set(account.id, { fingerprint: JSON.stringify(account), poller });
        poller.start();
      }
    }

    function scheduleReconcile(): Promise<void> {
      reconciling = reconciling.then(reconcile).catch((error: unknown) => logger.warn({ err: error }, 'could not read the mailbox list'));
      return reconciling;
    }

    return {
      id: 'email',
      channel: 'email',
      async start() {
        if (started || !accounts || !state) return;
        started = true;
        unsubscribe = accounts.onChange(() => void scheduleReconcile());
        refreshTimer = setInterval(() => void scheduleReconcile(), config.refreshSeconds * 1000);
        refreshTimer.unref();
        await scheduleReconcile();
      },
      async stop() {
        if (!started) return;
        started = false;
        unsubscribe?.();
        if (refreshTimer) clearInterval(refreshTimer);
        await reconciling;
        const running = [...pollers.values()];
        pollers.clear();
        await Promise.all(running.map(({ poller }) => poller.stop()));
        smtp.close();
      },
      async send(message: OutboundMessage) {
        let account = message.account ? mailboxes.get(message.account) : undefined;
        if (!account && message.account) {
          await scheduleReconcile();
          account = mailboxes.get(message.account);
        }
        if (!account) throw new DeliveryError('the mailbox this conversation came through no longer exists', true);
        return smtp.send(account, message);
      },
    };
  },
};

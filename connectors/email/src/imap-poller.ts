import { ImapFlow } from 'imapflow';
import type { ConnectorLogger, ConnectorState } from '@sentral/contract';
import type { MailboxAccount } from './account.ts';

/** Where a mailbox's reading stopped: a restart resumes after `lastUid` while `uidValidity` still holds. */
export interface MailboxCursor {
  uidValidity: string;
  lastUid: number;
}

/** What became of one message: stored (then marked or moved) or rejected with a reason (flagged and skipped). */
export type MessageOutcome = { stored: true } | { stored: false; reason: string };

const BATCH = 100;
const CHUNK_MESSAGES = 20;
const CHUNK_BYTES = 8_000_000;
const REJECTED_FLAG = '$SentralRejected';
const MAX_BACKOFF_MS = 30_000;

export const cursorKey = (mailboxId: string) => `imap:${mailboxId}:cursor`;

/**
 * Reads one mailbox for as long as it runs: IDLE for prompt delivery, a polling timer as the
 * backstop, and after any error or close a fresh client with growing back-off. Every message is
 * handed over and stored before it is marked or moved, and the cursor advances only after that,
 * so a crash at any point repeats work (which the hub dedupes) instead of losing it.
 */
export class MailboxPoller {
  private stopped = false;
  private client: ImapFlow | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private loop: Promise<void> | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly account: MailboxAccount,
    private readonly deps: {
      state: ConnectorState;
      logger: ConnectorLogger;
      handle: (source: Buffer, uid: number) => Promise<MessageOutcome>;
    },
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.client?.close();
    await this.loop;
  }

  /** Asks for a check now (new mail announced, or the polling timer fired). */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const started = Date.now();
      try {
        await this.session();
      } catch (error) {
        if (!this.stopped) this.deps.logger.warn({ err: error, mailboxId: this.account.id }, 'mailbox connection failed; reconnecting');
      }
      if (this.stopped) break;
      // A session that ran for a while was healthy: start the back-off from the bottom again.
      failures = Date.now() - started > 60_000 ? 1 : failures + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(failures - 1, 8)) * (0.75 + Math.random() * 0.5);
      await new Promise<void>((resolve) => {
        this.sleepTimer = setTimeout(resolve, delay);
        this.wakeUp = () => (this.stopped ? resolve() : undefined);
      });
    }
  }

  private async session(): Promise<void> {
    const { imap } = this.account.settings;
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: { user: imap.user, pass: this.account.secrets.imapPassword },
      logger: false,
      emitLogs: false,
      // IDLE resumes shortly after each check, so new mail is announced within a second.
      autoIdleDelay: 250,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      tls: { rejectUnauthorized: !imap.allowSelfSignedCertificates },
    });
    this.client = client;
    // An 'error' without a listener would end the process; errors also surface as a close.
    client.on('error', (error: Error) => this.deps.logger.debug({ err: error, mailboxId: this.account.id }, 'imap client error'));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const poll = setInterval(() => this.wake(), imap.pollSeconds * 1000);
    try {
      await client.connect();
      await client.mailboxOpen(imap.folder);
      client.on('exists', () => this.wake());
      this.deps.logger.info({ mailboxId: this.account.id }, 'mailbox connected');
      this.pendingWake = true;
      while (!this.stopped && client.usable) {
        if (this.pendingWake) {
          this.pendingWake = false;
          // A command caught by a dropped connection may never settle: the close ends the session instead.
          await Promise.race([this.sync(client), closed.then(() => Promise.reject(new Error('connection closed during a check')))]);
          continue;
        }
        await Promise.race([closed, new Promise<void>((resolve) => (this.wakeUp = resolve))]);
        this.wakeUp = null;
      }
    } finally {
      clearInterval(poll);
      this.wakeUp = null;
      this.client = null;
      client.close();
    }
  }

  /** Hands over every message after the cursor, oldest first, in batches. */
  private async sync(client: ImapFlow): Promise<void> {
    const { folder, processedFolder } = this.account.settings.imap;
    const key = cursorKey(this.account.id);
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox open');
    const uidValidity = String(mailbox.uidValidity);
    const saved = await this.deps.state.get<MailboxCursor>(key);
    let lastUid = saved?.uidValidity === uidValidity ? saved.lastUid : 0;
    if (saved && saved.uidValidity !== uidValidity) {
      // UIDs of the old validity mean nothing now: read everything again; the hub drops what it already has.
      this.deps.logger.warn({ mailboxId: this.account.id }, 'UIDVALIDITY changed; resynchronising the mailbox');
      await this.deps.state.set(key, { uidValidity, lastUid: 0 } satisfies MailboxCursor);
    }
    for (;;) {
      const lock = await client.getMailboxLock(folder);
      let handled = 0;
      try {
        // "n:*" always includes the newest message, even below n: filter by uid.
        const listed = await client.fetchAll(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true });
        const batch = listed.filter((m) => m.uid > lastUid).sort((a, b) => a.uid - b.uid).slice(0, BATCH);
        for (const chunk of chunks(batch, this.account.settings.maxMessageBytes)) {
          if (this.stopped) return;
          const sources = await this.fetchSources(client, chunk);
          const stored: number[] = [];
          const rejected: number[] = [];
          for (const item of chunk) {
            const outcome = await this.handleOne(item.uid, item.size ?? 0, sources.get(item.uid));
            if (outcome.stored) stored.push(item.uid);
            else {
              this.deps.logger.warn({ mailboxId: this.account.id, uid: item.uid, reason: outcome.reason }, 'mail rejected');
              rejected.push(item.uid);
            }
          }
          // Marked (or moved) only after every message of the chunk is stored; a crash before this repeats the chunk, which the hub dedupes.
          if (stored.length) {
            if (processedFolder) await client.messageMove(stored.join(','), processedFolder, { uid: true });
            else await client.messageFlagsAdd(stored.join(','), ['\\Seen'], { uid: true });
          }
          if (rejected.length) await client.messageFlagsAdd(rejected.join(','), ['\\Seen', REJECTED_FLAG], { uid: true }).catch(() => false);
          // A check abandoned with its connection must not move the cursor behind the next session's back.
          if (this.client !== client) throw new Error('the connection was replaced');
          lastUid = chunk.at(-1)!.uid;
          await this.deps.state.set(key, { uidValidity, lastUid } satisfies MailboxCursor);
          handled += chunk.length;
        }
      } finally {
        lock.release();
      }
      if (handled < BATCH) return;
    }
  }

  /** Sources of the chunk's messages that are within the size limit, in one FETCH. */
  private async fetchSources(client: ImapFlow, chunk: Array<{ uid: number; size?: number | undefined }>): Promise<Map<number, Buffer>> {
    const wanted = chunk.filter((item) => (item.size ?? 0) <= this.account.settings.maxMessageBytes).map((item) => item.uid);
    const sources = new Map<number, Buffer>();
    if (!wanted.length) return sources;
    for (const message of await client.fetchAll(wanted.join(','), { uid: true, source: true }, { uid: true })) {
      if (message.source) sources.set(message.uid, message.source);
    }
    return sources;
  }

  private async handleOne(uid: number, size: number, source: Buffer | undefined): Promise<MessageOutcome> {
    const limit = this.account.settings.maxMessageBytes;
    if (size > limit) return { stored: false, reason: `larger than ${limit} bytes (${size})` };
    if (!source) return { stored: false, reason: 'the server returned no content' };
    return this.deps.handle(source, uid);
  }
}

/** Groups messages so one FETCH carries at most CHUNK_MESSAGES of them and about `maxBytes` in total. */
function chunks<T extends { size?: number | undefined }>(items: T[], maxBytes: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Math.min(item.size ?? 0, maxBytes);
    if (current.length && (current.length >= CHUNK_MESSAGES || bytes + size > Math.max(maxBytes, CHUNK_BYTES))) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

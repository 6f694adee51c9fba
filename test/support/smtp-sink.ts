import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  header(name: string): string | null;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Refuse the next deliveries with this SMTP reply (e.g. 451 transient, 550 permanent); null accepts again. */
  refuseWith(reply: { code: number; message: string } | null, times?: number): void;
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  onMail(listener: (mail: ReceivedMail) => void): void;
  stop(): Promise<void>;
}

/** A real SMTP server (npm `smtp-server`) on a private port, keeping every mail it accepts. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const listeners: Array<(mail: ReceivedMail) => void> = [];
  let refusal: { code: number; message: string } | null = null;
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusal && refusals > 0) {
          refusals--;
          const error = new Error(refusal.message) as Error & { responseCode: number };
          error.responseCode = refusal.code;
          if (refusals === 0) refusal = null;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((parsed) => {
          const mail: ReceivedMail = {
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
            header: (name) => {
              const value = parsed.headers.get(name.toLowerCase());
              return value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
            },
          };
          received.push(mail);
          for (const listener of listeners) listener(mail);
          callback();
        });
      });
    },
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port)));
  return {
    port,
    received,
    refuseWith(reply, times = 1) {
      refusal = reply;
      refusals = reply ? times : 0;
    },
    waitFor(match, timeoutMs = 20_000) {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching mail within ${timeoutMs} ms (${received.length} received)`)), timeoutMs);
        listeners.push((mail) => {
          if (!match(mail)) return;
          clearTimeout(timer);
          resolve(mail);
        });
      });
    },
    onMail(listener) {
      listeners.push(listener);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

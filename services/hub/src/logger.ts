import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Runs of 7+ digits with optional +, spaces or dashes: phone and fax numbers in free text.
const PHONE = /\+?\d[\d\s-]{6,}\d/g;

/** Masks email addresses and phone numbers inside free text, keeping a hint for support staff. */
export function redactText(text: string): string {
  return text
    .replace(EMAIL, (email) => `${email[0]}***@${email.split('@')[1]}`)
    .replace(PHONE, (phone) => `***${phone.replace(/\D/g, '').slice(-2)}`);
}

const REDACTED_KEYS = ['password', 'passwordHash', 'token', 'authorization', 'signature', 'secret', 'authToken', 'apiKey'];

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = REDACTED_KEYS.some((k) => key.toLowerCase().includes(k.toLowerCase())) ? '[redacted]' : scrub(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/** The one logger; components take child loggers. PII never reaches the output. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sentral' },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/**
 * Readable, coloured lines for a person at a terminal (development only; production and pipes keep
 * JSON lines for log collectors). Runs in the process, after redaction, so nothing unmasked is printed.
 */
export function prettyDestination(): pino.DestinationStream {
  return pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', singleLine: false, sync: true });
}

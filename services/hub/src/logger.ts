import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Phone and fax numbers in free text: an optional +, then digits with spaces or dashes between groups,
// standing on their own. Digits that are part of a name, id or path (`20260101120040_init`, a UUID,
// `/api/x/123`) are not numbers anyone dials, so they are left alone.
const PHONE = /(?<![\p{L}\p{N}_./:#@-])\+?\d(?:[ -]?\d){6,16}(?![\p{L}\p{N}_/:@-])/gu;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Masks email addresses and phone numbers inside free text, keeping a hint for support staff. */
export function redactText(text: string): string {
  return text
    .replace(EMAIL, (email) => `${email[0]}***@${email.split('@')[1]}`)
    .replace(PHONE, (phone) => (ISO_DATE.test(phone) ? phone : `***${phone.replace(/\D/g, '').slice(-2)}`));
}

const REDACTED_KEYS = ['password', 'passwordHash', 'token', 'authorization', 'signature', 'secret', 'authToken', 'apiKey'];

/** An Error as pino would print it (type, message, stack, cause, own fields), every text in it masked. */
function scrubError(error: Error, depth: number): Record<string, unknown> {
  return scrub(pino.stdSerializers.err(error), depth) as Record<string, unknown>;
}

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value instanceof Error) return scrubError(value, depth + 1);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = REDACTED_KEYS.some((k) => key.toLowerCase().includes(k.toLowerCase())) ? '[redacted]' : scrub(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/** The one logger; components take child loggers. PII never reaches the output, not even inside errors. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sentral' },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // `logger.error(error)` would print the error's own message as the line's text, unmasked.
          const scrubbed =
            first instanceof Error
              ? [{ err: scrubError(first, 0) }, ...(typeof rest[0] === 'string' ? rest : [first.message, ...rest])]
              : [first, ...rest];
          method.apply(this, scrubbed.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>);
        },
      },
      // Errors were already turned into masked plain objects by the formatter; anything else passes through.
      serializers: { err: (value: unknown) => (value instanceof Error ? scrubError(value, 0) : value) },
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

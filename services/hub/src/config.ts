import { z } from 'zod';
import { limitPolicies, type LimitName, type LimitPolicy } from './limits/rate-limits.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with protocol ${protocols.join(' or ')}`);

/**
 * Webhook retries after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h —
 * about 3 days 4 hours in all; each step gets ±20 % jitter.
 */
export const defaultWebhookSchedule = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 86_400_000, 86_400_000];

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./.data'),
  DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as NO').default('NO'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  INTEGRATION_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/i, 'must look like AC followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_API_KEY_SID: z.string().regex(/^SK[0-9a-f]{32}$/i, 'must look like SK followed by 32 hex digits').optional(),
  TWILIO_API_KEY_SECRET: z.string().min(16).optional(),
  TWILIO_API_BASE_URL: url(['http:', 'https:']).optional(),
  FAX_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  FAX_PROVIDER_URL: url(['http:', 'https:']).optional(),
  FAX_PROVIDER_TOKEN: z.string().min(1).optional(),
  FAX_FROM_NUMBER: z.string().regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a fax number such as +4722334455').optional(),
  FAX_WEBHOOK_MAX_BYTES: z.coerce.number().int().min(10_000).max(200_000_000).default(60_000_000),
  FAX_RENDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  FAX_RENDER_MEMORY_MB: z.coerce.number().int().min(32).max(8192).default(256),
  FAX_MAX_INFLATED_MB: z.coerce.number().int().min(1).max(4096).default(64),
  WEBHOOK_CONCURRENT_READS: z.coerce.number().int().min(1).max(1000).default(4),
  SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  OUTBOUND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  OUTBOUND_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  HUB_ROLES: z
    .string()
    .default('web,worker')
    .transform((value) => value.split(',').map((role) => role.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['web', 'worker'])).min(1, 'must name web, worker or both')),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be 1-40 lower-case letters, digits or _').default('sentral'),
  SEED_DEMO: bool.default(true),
  SEED_CUSTOMERS: z.coerce.number().int().min(0).max(200_000).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  AGENT_DISCONNECT_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  DISPATCH_SWEEP_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  DISPOSITION_CODES: z
    .string()
    .default('resolved,follow-up,complaint,churn-risk,sale,no-action')
    .transform((value) => [...new Set(value.split(',').map((code) => code.trim()).filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'must be a comma-separated list of lower-case codes such as resolved,follow-up')).min(1, 'must name at least one code')),
  WRAP_UP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  BOT_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  REPORT_TIME_ZONE: z
    .string()
    .default('Europe/Oslo')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Oslo'),
  SEGMENT_A_SHARE: z.coerce.number().min(0).max(1).default(0.8),
  SEGMENT_B_SHARE: z.coerce.number().min(0).max(1).default(0.95),
  SEGMENT_RECOMPUTE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((value) => /^(false|[0-9])$/.test(value), 'must be false or the number of proxies in front of the hub (0-9)')
    .transform((value) => (value === 'false' || value === '0' ? false : Number(value))),
  MAILBOX_ALLOW_LOOPBACK: bool.default(false),
  MAILBOX_ALLOW_PRIVATE: bool.default(true),
  WIDGET_ALLOWED_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim().replace(/\/$/, '')).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), url(['http:', 'https:']).refine((origin) => new URL(origin).origin === origin, 'must be origins such as https://shop.example (scheme, host and port only)')])))
    .optional(),
  WIDGET_IDENTITY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WIDGET_MAX_WAIT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  CURRENCY_RATES: z
    .string()
    .default('{"DKK":1.55}')
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"DKK":1.55} (NOK per unit of each currency)' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().regex(/^[A-Z]{3}$/, 'currency codes are ISO 4217, such as DKK'), z.number().positive().finite())),
  LOOKUP_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && /\{(externalId|customerId)\}/.test(value), 'must be an http(s) URL naming {externalId} or {customerId}')
    .optional(),
  LOOKUP_AUTH_HEADER: z.string().regex(/^[A-Za-z0-9-]+: .+$/, 'must be one header such as "Authorization: Bearer …"').optional(),
  LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).max(3000, 'must be at most 3000 (a pop never waits longer)').default(800),
  LOOKUP_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  LOOKUP_STALE_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .default(defaultWebhookSchedule.join(','))
    .transform((value) => value.split(',').map((step) => Number(step.trim())))
    .pipe(z.array(z.number().int().min(10, 'must be at least 10 ms').max(7 * 86_400_000)).min(1).max(30)),
  WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(5 * 86_400),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(25),
  WEBHOOK_RELAY_MS: z.coerce.number().int().min(20).max(60_000).default(200),
  RATE_LIMITS: z
    .string()
    .default('{}')
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"login:account":{"points":5,"durationSeconds":900}}' });
        return z.NEVER;
      }
    })
    .pipe(
      z.partialRecord(
        z.enum(Object.keys(limitPolicies) as [LimitName, ...LimitName[]]),
        z.object({ points: z.number().int().min(1).max(1_000_000), durationSeconds: z.number().int().min(1).max(86_400), blockSeconds: z.number().int().min(0).max(86_400).optional() }).strict(),
      ),
    ),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  publicBaseUrl: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** The process's main PostgreSQL pool (Prisma, the socket adapter, rate limits); see the README for the rest. */
  databasePoolSize: number;
  dataDir: string;
  defaultCountry: string;
  jwtSecret: string | null;
  integrationApiKey: string | null;
  /** Voice: account credentials; an API key for agents' browser calls; another REST base URL (proxy or stand-in). */
  twilio: { accountSid: string; authToken: string; apiKeySid: string | null; apiKeySecret: string | null; apiBaseUrl: string | null } | null;
  faxWebhookSecret: string | null;
  /** Outbound fax replies: the provider's HTTP endpoint and our own number. */
  faxProvider: { url: string; token: string | null; fromNumber: string | null } | null;
  /** The fax webhook's largest body, refused by Content-Length before it is read. */
  faxWebhookMaxBytes: number;
  /** Bounds of the process that renders a fax PDF's preview; past them the page outline stands in. */
  faxDocuments: { timeoutMs: number; memoryMb: number; maxInflatedBytes: number };
  /** Webhook bodies read at once per webhook before the signature can be checked; more get 429. */
  webhookConcurrentReads: number;
  /** Encrypts channel credentials (mailbox passwords) at rest; generated in DATA_DIR outside production. */
  secretsKey: string | null;
  /** Email/fax sends: how often a transient failure is retried, and the first back-off (doubling). */
  outbound: { attempts: number; backoffMs: number };
  roles: { web: boolean; worker: boolean };
  queuePrefix: string;
  seed: { enabled: boolean; customers: number };
  logLevel: Env['LOG_LEVEL'];
  worker: { concurrency: number; lockDurationMs: number };
  agentDisconnectGraceMs: number;
  dispatchSweepMs: number;
  /** What an agent may choose at wrap-up, and the wrap-up time the desktop counts down. */
  wrapUp: { dispositions: readonly string[]; seconds: number };
  /** Days, weeks and report intervals start in this time zone. */
  reportTimeZone: string;
  /** The chat bot: a self-service chat without a customer message this long is over. */
  bot: Readonly<{ idleSeconds: number }>;
  /** ABC analysis: cumulative revenue shares closing segments A and B, and how often it runs. */
  segments: { thresholds: { a: number; b: number }; recomputeMinutes: number };
  /** NOK per unit of each other billing currency: reports and the ABC analysis compare revenue in NOK. */
  currencyRates: Readonly<Record<string, number>>;
  /** Live back-office lookups at screen-pop time (integration/lookups.ts); null: none. */
  lookup: { urlTemplate: string; authHeader: { name: string; value: string } | null; deadlineMs: number; freshSeconds: number; staleSeconds: number } | null;
  /** Message bodies and attachments older than this many days are removed; 0 keeps them. */
  retentionDays: number;
  /** Outbound event webhooks: see integration/webhooks. */
  webhooks: {
    allowPrivate: boolean;
    timeoutMs: number;
    retryScheduleMs: readonly number[];
    disableAfterMs: number;
    concurrency: number;
    endpointConcurrency: number;
    relayMs: number;
  };
  /** Replacements for the built-in rate limits (`limits/rate-limits.ts`), by limit name. */
  rateLimits: Readonly<Partial<Record<LimitName, LimitPolicy>>>;
  /** How many proxies in front of the hub append to X-Forwarded-For; false: the header is ignored. */
  trustProxy: number | false;
  /** Which mail servers a mailbox may name: loopback (off outside tests) and private ranges (on-premise servers). */
  mailboxHosts: { allowLoopback: boolean; allowPrivate: boolean };
  /**
   * The web chat widget: the sites that may embed it (`*` any), the host sites' identity-token secret,
   * and the expected wait past which the widget offers the message form instead.
   */
  widget: { allowedOrigins: '*' | readonly string[]; identitySecret: string | null; maxWaitSeconds: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; the result is frozen and passed down explicitly. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${String(issue.path[0] ?? 'environment')} ${issue.message}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  if (Boolean(e.TWILIO_ACCOUNT_SID) !== Boolean(e.TWILIO_AUTH_TOKEN)) {
    throw new ConfigError('invalid configuration: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together');
  }
  if (Boolean(e.TWILIO_API_KEY_SID) !== Boolean(e.TWILIO_API_KEY_SECRET)) {
    throw new ConfigError('invalid configuration: TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET must be set together');
  }
  if (e.SEGMENT_A_SHARE > e.SEGMENT_B_SHARE) {
    throw new ConfigError('invalid configuration: SEGMENT_A_SHARE must not be larger than SEGMENT_B_SHARE');
  }
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError('invalid configuration: REDIS_URL needs DATABASE_URL (the embedded database serves one process only)');
  }
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.DATA_DIR,
    defaultCountry: e.DEFAULT_COUNTRY,
    jwtSecret: e.JWT_SECRET ?? null,
    integrationApiKey: e.INTEGRATION_API_KEY ?? null,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            apiKeySid: e.TWILIO_API_KEY_SID ?? null,
            apiKeySecret: e.TWILIO_API_KEY_SECRET ?? null,
            apiBaseUrl: e.TWILIO_API_BASE_URL?.replace(/\/$/, '') ?? null,
          }
        : null,
    faxWebhookSecret: e.FAX_WEBHOOK_SECRET ?? null,
    faxProvider: e.FAX_PROVIDER_URL ? { url: e.FAX_PROVIDER_URL, token: e.FAX_PROVIDER_TOKEN ?? null, fromNumber: e.FAX_FROM_NUMBER ?? null } : null,
    faxWebhookMaxBytes: e.FAX_WEBHOOK_MAX_BYTES,
    faxDocuments: Object.freeze({ timeoutMs: e.FAX_RENDER_TIMEOUT_MS, memoryMb: e.FAX_RENDER_MEMORY_MB, maxInflatedBytes: e.FAX_MAX_INFLATED_MB * 1_000_000 }),
    webhookConcurrentReads: e.WEBHOOK_CONCURRENT_READS,
    secretsKey: e.SECRETS_KEY ?? null,
    outbound: { attempts: e.OUTBOUND_ATTEMPTS, backoffMs: e.OUTBOUND_BACKOFF_MS },
    roles: { web: e.HUB_ROLES.includes('web'), worker: e.HUB_ROLES.includes('worker') },
    queuePrefix: e.QUEUE_PREFIX,
    seed: { enabled: e.SEED_DEMO && e.NODE_ENV !== 'production', customers: e.SEED_CUSTOMERS },
    logLevel: e.LOG_LEVEL,
    worker: { concurrency: e.WORKER_CONCURRENCY, lockDurationMs: e.JOB_LOCK_MS },
    agentDisconnectGraceMs: e.AGENT_DISCONNECT_GRACE_MS,
    dispatchSweepMs: e.DISPATCH_SWEEP_MS,
    wrapUp: Object.freeze({ dispositions: Object.freeze(e.DISPOSITION_CODES), seconds: e.WRAP_UP_SECONDS }),
    reportTimeZone: e.REPORT_TIME_ZONE,
    bot: Object.freeze({ idleSeconds: e.BOT_IDLE_SECONDS }),
    segments: Object.freeze({ thresholds: Object.freeze({ a: e.SEGMENT_A_SHARE, b: e.SEGMENT_B_SHARE }), recomputeMinutes: e.SEGMENT_RECOMPUTE_MINUTES }),
    currencyRates: Object.freeze(e.CURRENCY_RATES),
    lookup: e.LOOKUP_URL
      ? Object.freeze({
          urlTemplate: e.LOOKUP_URL,
          authHeader: e.LOOKUP_AUTH_HEADER ? { name: e.LOOKUP_AUTH_HEADER.slice(0, e.LOOKUP_AUTH_HEADER.indexOf(':')), value: e.LOOKUP_AUTH_HEADER.slice(e.LOOKUP_AUTH_HEADER.indexOf(':') + 2) } : null,
          deadlineMs: e.LOOKUP_TIMEOUT_MS,
          freshSeconds: e.LOOKUP_CACHE_SECONDS,
          staleSeconds: e.LOOKUP_STALE_SECONDS,
        })
      : null,
    retentionDays: e.RETENTION_DAYS,
    webhooks: Object.freeze({
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: Object.freeze(e.WEBHOOK_RETRY_SCHEDULE_MS),
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_SECONDS * 1000,
      concurrency: e.WEBHOOK_CONCURRENCY,
      endpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
      relayMs: e.WEBHOOK_RELAY_MS,
    }),
    rateLimits: Object.freeze(e.RATE_LIMITS),
    trustProxy: e.TRUST_PROXY,
    mailboxHosts: Object.freeze({ allowLoopback: e.MAILBOX_ALLOW_LOOPBACK, allowPrivate: e.MAILBOX_ALLOW_PRIVATE }),
    widget: Object.freeze({
      // Unset: any site while developing, none in production until the operator names them.
      allowedOrigins: e.WIDGET_ALLOWED_ORIGINS
        ? e.WIDGET_ALLOWED_ORIGINS.includes('*')
          ? ('*' as const)
          : Object.freeze(e.WIDGET_ALLOWED_ORIGINS.filter((origin) => origin !== '*'))
        : e.NODE_ENV === 'production'
          ? Object.freeze([])
          : ('*' as const),
      identitySecret: e.WIDGET_IDENTITY_SECRET ?? null,
      maxWaitSeconds: e.WIDGET_MAX_WAIT_SECONDS,
    }),
  });
}

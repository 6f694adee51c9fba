import type { Redis } from 'ioredis';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { SentralError } from '@sentral/contract';
import type { Logger } from '../logger.ts';

/** How many uses a key gets per window, and how long it is refused once it has used them up. */
export interface LimitPolicy {
  points: number;
  durationSeconds: number;
  /** Refused this long after the points are spent (defaults to the rest of the window). */
  blockSeconds?: number;
}

/**
 * Every limit the hub applies, in one table, so an operator can read (and override through `RATE_LIMITS`)
 * what a client may repeat. Keys are chosen by the caller: an account, a client address, a visitor, an API key.
 */
export const limitPolicies = {
  /** Sign-in attempts per account and client address. A success clears the count. */
  'login:pair': { points: 5, durationSeconds: 900, blockSeconds: 900 },
  /**
   * Sign-in attempts per account, from any address. A success clears the count; it does not hold back the
   * account at an address it signed in from lately.
   */
  'login:account': { points: 20, durationSeconds: 900, blockSeconds: 900 },
  /**
   * Wrong passwords per client address, over all accounts (password spraying). Generous, since many agents
   * share an office's address; an account that signed in from the address lately is not held back by it.
   */
  'login:address': { points: 100, durationSeconds: 900, blockSeconds: 900 },
  /** Customer searches per signed-in user: enough for work at the phone, too few to copy the register. */
  'customers:search': { points: 30, durationSeconds: 60, blockSeconds: 300 },
  /** IVR verification attempts (PIN or postcode) per customer, over every call. A success clears the count. */
  'verification:customer': { points: 5, durationSeconds: 3600, blockSeconds: 3600 },
  /** Chat messages per visitor and per client address (over every socket they open). */
  'chat:message:visitor': { points: 30, durationSeconds: 60 },
  // Generous per address: a carrier's or an office's NAT puts many real customers behind one.
  'chat:message:address': { points: 600, durationSeconds: 60 },
  /** Chat socket connections per client address, and per returning visitor id (tabs, reconnects). */
  'chat:connect:address': { points: 300, durationSeconds: 60 },
  'chat:connect:visitor': { points: 30, durationSeconds: 60 },
  /** New chat conversations per visitor and per client address. */
  'chat:conversation:visitor': { points: 5, durationSeconds: 3600 },
  'chat:conversation:address': { points: 120, durationSeconds: 3600 },
  /** One-time codes mailed to a claimed address (counted per address and per visitor). */
  'verification:code': { points: 3, durationSeconds: 900 },
  /** Codes typed per visitor: six digits must not be guessable by trying. */
  'verification:attempt': { points: 5, durationSeconds: 900, blockSeconds: 900 },
  /** Chat transcripts mailed per visitor. */
  'chat:transcript:visitor': { points: 3, durationSeconds: 3600 },
  /** Messages left through the offline form per client address. */
  'offline:address': { points: 10, durationSeconds: 3600 },
  /** Public knowledge-base searches per client address. */
  'kb:search:address': { points: 120, durationSeconds: 60 },
  /** Requests per integration API key (a key may carry its own figure). */
  'api:key': { points: 600, durationSeconds: 60 },
} as const satisfies Record<string, LimitPolicy>;

export type LimitName = keyof typeof limitPolicies;

export interface RateLimits {
  /**
   * Counts `points` uses of `key` under `name`. Over the limit it throws `RATE_LIMITED` with
   * `details.retryAfterSeconds`, which the HTTP edge turns into `Retry-After` and socket acks carry along.
   * `policy` replaces the table's figure for this key (e.g. an API key's own limit).
   */
  consume(name: LimitName, key: string, options?: { points?: number; policy?: LimitPolicy }): Promise<void>;
  /**
   * Throws `RATE_LIMITED` like `consume` when `key` has already used up its points (is blocked), without
   * counting a use: for limits that count only failures, checked before the attempt.
   */
  check(name: LimitName, key: string): Promise<void>;
  /** Forgets what `key` used under `name` (a successful sign-in clears its failures). */
  reset(name: LimitName, key: string): Promise<void>;
  /** Gives back one use counted ahead of an action that turned out not to need it (e.g. a conversation that already existed). */
  refund(name: LimitName, key: string): Promise<void>;
}

export interface RateLimitStore {
  redis?: Redis | null;
  pool?: pg.Pool | null;
  /** Keeps hubs of different deployments (and tests) apart in one store. */
  prefix: string;
}

/**
 * Limits held in Redis when the hub runs on Redis, else in PostgreSQL, so they hold across hub processes.
 * If the store fails, an in-process limiter answers instead: limits loosen to per-process, sign-in keeps working.
 */
export function createRateLimits(store: RateLimitStore, overrides: Readonly<Partial<Record<LimitName, LimitPolicy>>>, logger: Logger): RateLimits {
  const limiters = new Map<string, { limiter: RateLimiterAbstract; ready: Promise<void> }>();
  const log = logger.child({ component: 'rate-limits' });

  /** The limiter for a policy, once its store is usable (PostgreSQL creates its table first). */
  async function limiterFor(name: LimitName, policy: LimitPolicy): Promise<RateLimiterAbstract> {
    const id = `${name}:${policy.points}:${policy.durationSeconds}:${policy.blockSeconds ?? 0}`;
    const existing = limiters.get(id);
    if (existing) {
      await existing.ready;
      return existing.limiter;
    }
    const options = {
      keyPrefix: `${store.prefix}:rl:${name}:${policy.points}:${policy.durationSeconds}`,
      points: policy.points,
      duration: policy.durationSeconds,
      blockDuration: policy.blockSeconds ?? 0,
    };
    const insuranceLimiter = new RateLimiterMemory(options);
    let limiter: RateLimiterAbstract = insuranceLimiter;
    let ready = Promise.resolve();
    if (store.redis) {
      limiter = new RateLimiterRedis({ ...options, storeClient: store.redis, insuranceLimiter });
    } else if (store.pool) {
      ready = new Promise((resolve) => {
        limiter = new RateLimiterPostgres(
          { ...options, storeClient: store.pool, tableName: 'rate_limits', tableCreated: false, clearExpiredByTimeout: true, insuranceLimiter },
          (error?: unknown) => {
            if (error) log.warn({ err: error }, 'rate limit table could not be created; limits hold per process');
            resolve();
          },
        );
      });
    }
    limiters.set(id, { limiter, ready });
    await ready;
    return limiter;
  }

  function policyOf(name: LimitName): LimitPolicy {
    return overrides[name] ?? limitPolicies[name];
  }

  return {
    async consume(name, key, options) {
      const policy = options?.policy ?? policyOf(name);
      try {
        await (await limiterFor(name, policy)).consume(key, options?.points ?? 1);
      } catch (result) {
        // A refusal is a result object (the package's ESM and CJS builds differ, so no instanceof); a failure is an Error.
        if (!(result instanceof Error) && typeof (result as { msBeforeNext?: unknown }).msBeforeNext === 'number') {
          refuse(name, (result as { msBeforeNext: number }).msBeforeNext);
        }
        // The store and its in-process insurance both failed: let the request through rather than lock everyone out.
        log.warn({ err: result, limit: name }, 'rate limit could not be checked');
      }
    },
    async check(name, key) {
      const policy = policyOf(name);
      let state: { consumedPoints: number; msBeforeNext: number } | null = null;
      try {
        state = await (await limiterFor(name, policy)).get(key);
      } catch (error) {
        log.warn({ err: error, limit: name }, 'rate limit could not be checked');
      }
      if (state && state.consumedPoints > policy.points) refuse(name, state.msBeforeNext);
    },
    async refund(name, key) {
      await limiterFor(name, policyOf(name))
        .then((limiter) => limiter.reward(key, 1))
        .catch((error: unknown) => log.warn({ err: error, limit: name }, 'rate limit could not be refunded'));
    },
    async reset(name, key) {
      await limiterFor(name, policyOf(name))
        .then((limiter) => limiter.delete(key))
        .catch((error: unknown) => log.warn({ err: error, limit: name }, 'rate limit could not be reset'));
    },
  };
}

function refuse(name: LimitName, msBeforeNext: number): never {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  throw new SentralError('RATE_LIMITED', `too many requests; retry in ${retryAfterSeconds} s`, { retryAfterSeconds, limit: name });
}

/** `Retry-After` for an error that carries one (RATE_LIMITED), else null. */
export function retryAfterOf(error: unknown): number | null {
  if (!(error instanceof SentralError) || error.code !== 'RATE_LIMITED') return null;
  const seconds = error.details?.['retryAfterSeconds'];
  return typeof seconds === 'number' ? seconds : null;
}

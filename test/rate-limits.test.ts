import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { SentralError } from '@sentral/contract';
import { createRateLimits, retryAfterOf, type RateLimits } from '../services/hub/src/limits/rate-limits.ts';
import { createLogger } from '../services/hub/src/logger.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { testRedisUrl } from './support/env.ts';
import { uniquePrefix } from './support/hub.ts';

const logger = createLogger('silent');

async function refusal(limits: RateLimits, key: string): Promise<SentralError | null> {
  try {
    await limits.consume('login:account', key);
    return null;
  } catch (error) {
    return error as SentralError;
  }
}

describe('rate limits shared by hub processes', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let redis: Redis;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    redis = new Redis(testRedisUrl);
  });
  afterAll(async () => {
    await pool.end();
    redis.disconnect();
    await database.drop();
  });

  for (const store of ['postgres', 'redis'] as const) {
    it(`holds across two limiters on one ${store} store, answers RATE_LIMITED with a retry time, and resets`, async () => {
      const prefix = uniquePrefix();
      const policy = { 'login:account': { points: 3, durationSeconds: 60 } };
      const backing = store === 'redis' ? { redis, prefix } : { pool, prefix };
      const first = createRateLimits(backing, policy, logger);
      const second = createRateLimits(backing, policy, logger);
      await first.consume('login:account', 'a@demo.test');
      await second.consume('login:account', 'a@demo.test');
      await first.consume('login:account', 'a@demo.test');
      const refused = await refusal(second, 'a@demo.test');
      expect(refused?.code).toBe('RATE_LIMITED');
      expect(retryAfterOf(refused)).toBeGreaterThan(0);
      // Another key is counted apart.
      expect(await refusal(second, 'b@demo.test')).toBeNull();
      await first.reset('login:account', 'a@demo.test');
      expect(await refusal(second, 'a@demo.test')).toBeNull();
    });

    it(`checks a key on the ${store} store without counting a use, refusing it only once it is blocked`, async () => {
      const prefix = uniquePrefix();
      const policy = { 'login:address': { points: 2, durationSeconds: 60, blockSeconds: 120 } };
      const backing = store === 'redis' ? { redis, prefix } : { pool, prefix };
      const first = createRateLimits(backing, policy, logger);
      const second = createRateLimits(backing, policy, logger);
      // Checking never uses points up.
      for (let i = 0; i < 5; i++) await second.check('login:address', '192.0.2.1');
      await first.consume('login:address', '192.0.2.1');
      await first.consume('login:address', '192.0.2.1');
      await second.check('login:address', '192.0.2.1');
      await expect(first.consume('login:address', '192.0.2.1')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      const blocked = await second.check('login:address', '192.0.2.1').then(() => null, (error: unknown) => error as SentralError);
      expect(blocked?.code).toBe('RATE_LIMITED');
      expect(retryAfterOf(blocked)).toBeGreaterThan(60);
      await second.check('login:address', '192.0.2.2');
    });
  }
});

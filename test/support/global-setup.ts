import pg from 'pg';
import { Redis } from 'ioredis';
import { testPostgresUrl, testRedisUrl } from './env.ts';

/** Fails the run at once, with a clear reason, when the real services the suite needs are not there. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${testPostgresUrl}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${testRedisUrl}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

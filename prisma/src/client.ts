import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/client.ts';

export { PrismaClient, Prisma } from '../generated/client.ts';
export type * from '../generated/models.ts';
export * as enums from '../generated/enums.ts';

export type Database = PrismaClient;

/**
 * A Prisma client on its own pool of `poolSize` connections, or on `pool` when the caller shares one pool
 * between Prisma and its raw-SQL users (the hub does, so DATABASE_POOL_SIZE bounds them together).
 */
export function createDatabase(databaseUrl: string, options: { poolSize?: number; pool?: pg.Pool } = {}): Database {
  const adapter = new PrismaPg(options.pool ?? { connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // Bursts (a flood of chats, a busy two-core machine) can queue for a pooled connection for a while;
  // waiting is better than failing a customer's message.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 15_000, timeout: 20_000 } });
}

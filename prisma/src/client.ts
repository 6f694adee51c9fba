import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/client.ts';

export { PrismaClient, Prisma } from '../generated/client.ts';
export type * from '../generated/models.ts';
export * as enums from '../generated/enums.ts';

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string, options: { poolSize?: number } = {}): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // Bursts (a flood of chats, a busy two-core machine) can queue for a pooled connection for a while;
  // waiting is better than failing a customer's message.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 15_000, timeout: 20_000 } });
}

import type { ConnectorState } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';

/** The connectors' small durable state (mailbox cursors), one JSON value per key. */
export function createConnectorState(db: Database): ConnectorState {
  return {
    async get<T>(key: string) {
      const row = await db.connectorState.findUnique({ where: { key } });
      return (row?.value as T | undefined) ?? null;
    },
    async set(key, value) {
      const json = value as Prisma.InputJsonValue;
      await db.connectorState.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    },
  };
}

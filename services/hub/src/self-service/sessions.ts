import type { SessionStore } from '@sentral/contract';
import type { Database } from '@sentral/db';

// Expired sessions are removed now and then by whichever write comes along, not by a timer.
const SWEEP_EVERY_CREATES = 500;

/**
 * A connector's conversation sessions on PostgreSQL (table ConnectorSession), private to that
 * connector. Why PostgreSQL and not Redis: the IVR's writes (a contact opened, a payment recorded)
 * go to PostgreSQL too, there is one store to run whichever queue backend is chosen, and any hub
 * process can answer any webhook of a call. Each write is a compare-and-set on `version`.
 */
export function createSessionStore(db: Database, connector: string): SessionStore {
  let creates = 0;

  async function sweep(): Promise<void> {
    await db.$executeRaw`DELETE FROM "ConnectorSession" WHERE "expiresAt" < now()`;
  }

  return {
    async get(key) {
      const [row] = await db.$queryRaw<Array<{ value: unknown; version: number }>>`
        SELECT value, version FROM "ConnectorSession"
        WHERE connector = ${connector} AND key = ${key} AND "expiresAt" > now()`;
      return row ?? null;
    },

    async create(key, value, ttlSeconds) {
      creates += 1;
      if (creates % SWEEP_EVERY_CREATES === 0) await sweep();
      const json = JSON.stringify(value);
      // An expired session under the same key counts as absent and is replaced.
      const [inserted] = await db.$queryRaw<Array<{ value: unknown; version: number }>>`
        INSERT INTO "ConnectorSession" (connector, key, version, value, "createdAt", "updatedAt", "expiresAt")
        VALUES (${connector}, ${key}, 1, ${json}::jsonb, now(), now(), now() + make_interval(secs => ${ttlSeconds}))
        ON CONFLICT (connector, key) DO UPDATE
          SET version = 1, value = EXCLUDED.value, "createdAt" = now(), "updatedAt" = now(), "expiresAt" = EXCLUDED."expiresAt"
          WHERE "ConnectorSession"."expiresAt" <= now()
        RETURNING value, version`;
      if (inserted) return { created: true, session: inserted };
      const [existing] = await db.$queryRaw<Array<{ value: unknown; version: number }>>`
        SELECT value, version FROM "ConnectorSession" WHERE connector = ${connector} AND key = ${key}`;
      if (!existing) throw new Error(`session ${key} vanished while it was being created`);
      return { created: false, session: existing };
    },

    async replace(key, version, value) {
      const changed = await db.$executeRaw`
        UPDATE "ConnectorSession" SET value = ${JSON.stringify(value)}::jsonb, version = version + 1, "updatedAt" = now()
        WHERE connector = ${connector} AND key = ${key} AND version = ${version} AND "expiresAt" > now()`;
      return changed === 1;
    },
  };
}

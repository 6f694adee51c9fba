import type { Database } from '@sentral/db';
import { hashPin, normalisePin } from '../auth/pins.ts';
import type { Logger } from '../logger.ts';

const BATCH = 500;

/**
 * Moves PINs stored in the clear (as the `pin` attribute, before PINs were hashed) to `pinHash`, batch by
 * batch, removing the attribute. Safe to run from several processes at once and again on every start:
 * a row is only changed while it still holds a plain PIN.
 */
export async function migratePlainPins(db: Database, logger: Logger): Promise<number> {
  let moved = 0;
  for (;;) {
    const rows = await db.$queryRaw<Array<{ id: string; pin: string | null }>>`
      SELECT id::text AS id, attributes->>'pin' AS pin FROM "Customer" WHERE attributes ? 'pin' ORDER BY id LIMIT ${BATCH}`;
    if (rows.length === 0) break;
    const hashes = await Promise.all(rows.map(async (row) => {
      const digits = normalisePin(row.pin ?? '');
      // Something that is no PIN at all is dropped rather than kept readable.
      return digits ? hashPin(digits) : null;
    }));
    await db.$executeRaw`
      UPDATE "Customer" c SET "pinHash" = COALESCE(m.hash, c."pinHash"), attributes = c.attributes - 'pin'
      FROM unnest(${rows.map((row) => row.id)}::uuid[], ${hashes}::text[]) AS m(id, hash)
      WHERE c.id = m.id AND c.attributes ? 'pin'`;
    moved += rows.length;
  }
  if (moved > 0) logger.info({ customers: moved }, 'moved plain IVR PINs to hashes');
  return moved;
}

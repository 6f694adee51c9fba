import { SentralError, type AwayReason, type Language } from '@sentral/contract';
import type { Database } from '@sentral/db';

type AwayReasonRow = { code: string; labels: unknown; sortOrder: number; active: boolean };

export function toAwayReason(row: AwayReasonRow): AwayReason {
  const labels = (row.labels ?? {}) as Partial<Record<Language, string>>;
  // A label missing in one language falls back to another rather than to nothing.
  const fallback = labels.en ?? labels.nb ?? labels.da ?? row.code;
  return { code: row.code, labels: { nb: labels.nb ?? fallback, da: labels.da ?? fallback, en: labels.en ?? fallback }, sortOrder: row.sortOrder, active: row.active };
}

export async function listAwayReasons(db: Database, options: { includeInactive: boolean }): Promise<AwayReason[]> {
  const rows = await db.awayReason.findMany({
    where: options.includeInactive ? {} : { active: true },
    orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
  });
  return rows.map(toAwayReason);
}

/** Refuses a reason code that is not configured or no longer offered. */
export async function assertAwayReason(db: Database, code: string): Promise<void> {
  const reason = await db.awayReason.findUnique({ where: { code }, select: { active: true } });
  if (!reason || !reason.active) throw new SentralError('VALIDATION_FAILED', `reason: unknown away reason "${code}"`, { field: 'reason' });
}

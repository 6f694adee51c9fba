export type SegmentLetter = 'A' | 'B' | 'C';

export interface SegmentThresholds {
  /** Cumulative revenue share that closes segment A (0.8: the customers making up the top 80 %). */
  a: number;
  /** Cumulative revenue share that closes segment B. */
  b: number;
}

export const DEFAULT_SEGMENT_THRESHOLDS: Readonly<SegmentThresholds> = { a: 0.8, b: 0.95 };

/**
 * ABC analysis. Customers are ranked by revenue, highest first (ties by id, so the result does
 * not depend on input order); a customer is A while the revenue of everyone ranked before them
 * is still below `a` of the total, then B while it is below `b`, then C. The customer who
 * crosses a threshold belongs to the segment below it, so A always covers at least the top
 * `a` share. Negative revenue (net credit) counts as zero; no revenue at all makes everyone C.
 */
export function assignSegments(
  revenues: ReadonlyArray<{ id: string; revenue: number }>,
  thresholds: SegmentThresholds = DEFAULT_SEGMENT_THRESHOLDS,
): Map<string, SegmentLetter> {
  const { a, b } = thresholds;
  if (!(a >= 0 && a <= b && b <= 1)) {
    throw new RangeError(`segment thresholds must satisfy 0 <= a <= b <= 1, got a=${a}, b=${b}`);
  }
  const seen = new Set<string>();
  for (const { id, revenue } of revenues) {
    if (!Number.isFinite(revenue)) throw new RangeError(`revenue of ${id} is not a finite number`);
    if (seen.has(id)) throw new RangeError(`customer ${id} appears twice`);
    seen.add(id);
  }

  const ranked = revenues
    .map(({ id, revenue }) => ({ id, revenue: Math.max(0, revenue) }))
    .sort((x, y) => y.revenue - x.revenue || compareIds(x.id, y.id));
  const total = ranked.reduce((sum, { revenue }) => sum + revenue, 0);

  const segments = new Map<string, SegmentLetter>();
  let before = 0;
  for (const { id, revenue } of ranked) {
    const shareBefore = before / total;
    segments.set(id, total === 0 ? 'C' : shareBefore < a ? 'A' : shareBefore < b ? 'B' : 'C');
    before += revenue;
  }
  return segments;
}

// Code-unit order rather than localeCompare: the same on every machine and locale.
function compareIds(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

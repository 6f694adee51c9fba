import { SentralError, type ReportDimension, type ReportFigures, type ReportRow } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { nextStart, startOf, startOfLocalDate, type Interval } from './calendar.ts';
import { addContact, containmentRate, emptyTally, enteredAt, isCounted, ratesOf, topCounts, type ContactFacts, type Tally } from './metrics.ts';
import { loadContactFacts } from './store.ts';

/** Longest range one report covers, and the longest in 15-minute intervals (rows grow fast). */
export const MAX_REPORT_DAYS = 93;
export const MAX_QUARTER_HOUR_DAYS = 31;

export interface Report {
  from: string;
  to: string;
  timeZone: string;
  interval: Interval | null;
  by: ReportDimension;
  /** One row per interval and group (only groups with contacts in that interval). */
  rows: ReportRow[];
  /** One row per group over the whole range. */
  totals: ReportRow[];
  overall: ReportFigures;
}

export interface ReportOptions {
  by: ReportDimension;
  interval: Interval | null;
  from: Date;
  to: Date;
  timeZone: string;
  thresholdOf: (queueId: string) => number;
  labelOf: (key: string) => string;
}

/** Which group a contact belongs to; agents own only what they answered. */
export function groupKey(contact: ContactFacts, by: ReportDimension): string | null {
  switch (by) {
    case 'queue':
      return contact.queueId;
    case 'channel':
      return contact.channel;
    case 'agent':
      return contact.agentId;
    case 'segment':
      return contact.segment ?? 'unknown';
    case 'entryPoint':
      return contact.selfService?.entryPoint ?? null;
  }
}

export function figures(tally: Tally): ReportFigures {
  const { offered, answered, answeredWithinThreshold, abandoned, handled, transfers, ratings } = tally;
  const { selfService, selfServed, selfServiceTransferred, selfServiceAbandoned } = tally;
  return {
    offered,
    answered,
    answeredWithinThreshold,
    abandoned,
    handled,
    transfers,
    ratings,
    ...ratesOf(tally),
    selfService,
    selfServed,
    selfServiceTransferred,
    selfServiceAbandoned,
    containmentRate: containmentRate(tally),
    topSelfServiceActions: topCounts(tally.selfServiceActions).map(({ key, count }) => ({ action: key, contacts: count })),
    selfServiceExits: topCounts(tally.selfServiceExits).map(({ key, count }) => ({ step: key, contacts: count })),
  };
}

/** Groups contacts into report rows: per interval and group, per group, and overall. */
export function buildReport(contacts: ContactFacts[], options: ReportOptions): Report {
  const { by, interval, timeZone, thresholdOf, labelOf } = options;
  const cells = new Map<string, { start: Date; key: string; tally: Tally }>();
  const totals = new Map<string, Tally>();
  const overall = emptyTally();
  for (const contact of contacts) {
    const entered = enteredAt(contact);
    if (!isCounted(contact) || entered < options.from || entered >= options.to) continue;
    const threshold = thresholdOf(contact.queueId);
    addContact(overall, contact, threshold);
    const key = groupKey(contact, by);
    if (key === null) continue;
    addContact(totals.get(key) ?? totals.set(key, emptyTally()).get(key)!, contact, threshold);
    if (!interval) continue;
    const start = startOf(interval, entered, timeZone);
    const cellKey = `${start.getTime()}|${key}`;
    const cell = cells.get(cellKey) ?? cells.set(cellKey, { start, key, tally: emptyTally() }).get(cellKey)!;
    addContact(cell.tally, contact, threshold);
  }
  const byKey = (a: string, b: string) => labelOf(a).localeCompare(labelOf(b)) || (a < b ? -1 : a > b ? 1 : 0);
  const rows = [...cells.values()]
    .sort((a, b) => a.start.getTime() - b.start.getTime() || byKey(a.key, b.key))
    .map(({ start, key, tally }) => ({
      start: start.toISOString(),
      end: nextStart(interval!, start, timeZone).toISOString(),
      key,
      label: labelOf(key),
      ...figures(tally),
    }));
  return {
    from: options.from.toISOString(),
    to: options.to.toISOString(),
    timeZone,
    interval,
    by,
    rows,
    totals: [...totals.entries()]
      .sort(([a], [b]) => byKey(a, b))
      .map(([key, tally]) => ({ start: null, end: null, key, label: labelOf(key), ...figures(tally) })),
    overall: figures(overall),
  };
}

/** The local calendar days [from, to] (both inclusive) as instants, checked against the limits. */
export function reportRange(from: string, to: string, interval: Interval | null, timeZone: string): { from: Date; to: Date } {
  const start = startOfLocalDate(from, timeZone);
  const endDay = startOfLocalDate(to, timeZone);
  if (Number.isNaN(start.getTime())) throw new SentralError('VALIDATION_FAILED', 'from: not a calendar date', { field: 'from' });
  if (Number.isNaN(endDay.getTime())) throw new SentralError('VALIDATION_FAILED', 'to: not a calendar date', { field: 'to' });
  if (endDay < start) throw new SentralError('VALIDATION_FAILED', 'to: must not be before from', { field: 'to' });
  const days = Math.round((endDay.getTime() - start.getTime()) / 86_400_000) + 1;
  const limit = interval === '15m' ? MAX_QUARTER_HOUR_DAYS : MAX_REPORT_DAYS;
  if (days > limit) throw new SentralError('VALIDATION_FAILED', `to: at most ${limit} days${interval === '15m' ? ' in 15-minute intervals' : ''}`, { field: 'to' });
  return { from: start, to: nextStart('day', endDay, timeZone) };
}

/** Loads the range and builds the report with queue, agent and segment names as labels. */
export async function historicalReport(
  db: Database,
  request: { from: string; to: string; interval: Interval | null; by: ReportDimension; timeZone: string; wrapUpCapSeconds: number },
): Promise<Report> {
  const range = reportRange(request.from, request.to, request.interval, request.timeZone);
  const [queues, contacts] = await Promise.all([
    db.queue.findMany({ select: { id: true, name: true, serviceLevelSeconds: true } }),
    loadContactFacts(db, { ...range, wrapUpCapSeconds: request.wrapUpCapSeconds }),
  ]);
  const labels = new Map<string, string>(queues.map((queue) => [queue.id, queue.name]));
  if (request.by === 'agent') {
    const ids = [...new Set(contacts.map((contact) => contact.agentId).filter((id): id is string => id !== null))];
    for (const agent of await db.agent.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })) labels.set(agent.id, agent.name);
  }
  if (request.by !== 'queue' && request.by !== 'agent') labels.clear();
  const thresholds = new Map(queues.map((queue) => [queue.id, queue.serviceLevelSeconds]));
  return buildReport(contacts, {
    by: request.by,
    interval: request.interval,
    ...range,
    timeZone: request.timeZone,
    thresholdOf: (queueId) => thresholds.get(queueId) ?? 20,
    labelOf: (key) => labels.get(key) ?? key,
  });
}

const csvColumns = [
  'start',
  'end',
  'key',
  'label',
  'offered',
  'answered',
  'answeredWithinThreshold',
  'abandoned',
  'handled',
  'transfers',
  'ratings',
  'serviceLevel',
  'asaSeconds',
  'ahtSeconds',
  'abandonRate',
  'satisfaction',
  'selfService',
  'selfServed',
  'selfServiceTransferred',
  'selfServiceAbandoned',
  'containmentRate',
] as const satisfies ReadonlyArray<keyof ReportRow>;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with an apostrophe. */
export function toCsv(rows: ReportRow[]): string {
  const cell = (value: string | number | null) => {
    if (value === null) return '';
    if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [csvColumns.join(','), ...rows.map((row) => csvColumns.map((column) => cell(row[column])).join(','))].join('\r\n') + '\r\n';
}

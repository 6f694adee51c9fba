/**
 * Calendar arithmetic in a named time zone with nothing but Intl: where a day, week, month or
 * quarter starts for the people reading the report, across daylight-saving changes.
 */

export const intervals = ['15m', 'hour', 'day'] as const;
export type Interval = (typeof intervals)[number];
export const periods = ['day', 'week', 'month', 'quarter'] as const;
export type Period = (typeof periods)[number];

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Throws a RangeError for a name Intl does not know, e.g. from configuration. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** The wall-clock time at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): LocalTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']!, minute: parts['minute']!, second: parts['second']! };
}

function offsetMs(at: Date, timeZone: string): number {
  const local = localTime(at, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local wall-clock time names; a time skipped by a DST change resolves to the instant after the gap. */
function fromLocal(local: LocalTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = wall - offsetMs(new Date(wall), timeZone);
  const second = wall - offsetMs(new Date(first), timeZone);
  return new Date(Math.max(first, second));
}

/** Normalises day/month overflow (e.g. day 32) through the UTC calendar. */
function local(year: number, month: number, day: number): LocalTime {
  const d = new Date(Date.UTC(year, month - 1, day));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** Monday-based weekday, 0 = Monday. */
function weekday(l: LocalTime): number {
  return (new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay() + 6) % 7;
}

/** Where the interval or period containing `at` starts. Weeks start on Monday (ISO 8601, as in the Nordics). */
export function startOf(unit: Interval | Period, at: Date, timeZone: string): Date {
  const l = localTime(at, timeZone);
  // Within a day, step back in real time: a wall-clock hour that occurs twice (DST ends) stays two hours.
  const intoSecond = at.getTime() % 1000;
  switch (unit) {
    case '15m':
      return new Date(at.getTime() - ((l.minute % 15) * 60 + l.second) * 1000 - intoSecond);
    case 'hour':
      return new Date(at.getTime() - (l.minute * 60 + l.second) * 1000 - intoSecond);
    case 'day':
      return fromLocal(local(l.year, l.month, l.day), timeZone);
    case 'week':
      return fromLocal(local(l.year, l.month, l.day - weekday(l)), timeZone);
    case 'month':
      return fromLocal(local(l.year, l.month, 1), timeZone);
    case 'quarter':
      return fromLocal(local(l.year, l.month - ((l.month - 1) % 3), 1), timeZone);
  }
}

/** The start of the interval or period after the one starting at `start`. */
export function nextStart(unit: Interval | Period, start: Date, timeZone: string): Date {
  const l = localTime(start, timeZone);
  switch (unit) {
    case '15m':
      // Wall-clock steps would repeat or skip a quarter hour at DST changes; real time does not.
      return startOf('15m', new Date(start.getTime() + 15 * 60_000), timeZone);
    case 'hour':
      return startOf('hour', new Date(start.getTime() + 60 * 60_000), timeZone);
    case 'day':
      return fromLocal(local(l.year, l.month, l.day + 1), timeZone);
    case 'week':
      return fromLocal(local(l.year, l.month, l.day + 7), timeZone);
    case 'month':
      return fromLocal(local(l.year, l.month + 1, 1), timeZone);
    case 'quarter':
      return fromLocal(local(l.year, l.month + 3, 1), timeZone);
  }
}

/** Every interval start in [from, to). */
export function intervalStarts(unit: Interval, from: Date, to: Date, timeZone: string): Date[] {
  const starts: Date[] = [];
  for (let at = startOf(unit, from, timeZone); at < to; at = nextStart(unit, at, timeZone)) starts.push(at);
  return starts;
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: Date, timeZone: string): string {
  const l = localTime(at, timeZone);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

/** The instant a local calendar date (YYYY-MM-DD) starts. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return fromLocal(local(year, month, day), timeZone);
}

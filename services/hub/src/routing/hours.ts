/** Opening hours of a queue, read in the queue's own time zone (daylight saving included). */
import { assertTimeZone, localTime as wallClock } from '../reporting/calendar.ts';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** [["08:00","16:00"], ...]: open from the first time up to (not including) the second; "24:00" ends a day. */
export type Intervals = Array<[string, string]>;

export interface OpeningHours {
  timeZone: string;
  /** Null: always open. A day that is absent or empty is closed. */
  weekly: Partial<Record<Weekday, Intervals>> | null;
  /** Dates (YYYY-MM-DD, local) that are closed, or open only for the hours given. */
  holidays: Array<{ date: string; hours?: Intervals }>;
}

export function isTimeZone(zone: string): boolean {
  try {
    assertTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date, weekday and minute of the day at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: Weekday; minutes: number } {
  const local = wallClock(at, timeZone);
  const weekday = weekdays[(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay() + 6) % 7]!;
  return { date: `${local.year}-${pad(local.month)}-${pad(local.day)}`, weekday, minutes: local.hour * 60 + local.minute };
}

export const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export function isOpen(hours: OpeningHours, at: Date): boolean {
  if (!hours.weekly && hours.holidays.length === 0) return true;
  const local = localTime(at, hours.timeZone);
  const holiday = hours.holidays.find((day) => day.date === local.date);
  const intervals = holiday ? (holiday.hours ?? []) : hours.weekly ? (hours.weekly[local.weekday] ?? []) : [['00:00', '24:00'] as [string, string]];
  return intervals.some(([from, to]) => local.minutes >= minutesOf(from) && local.minutes < minutesOf(to));
}

import { describe, expect, it } from 'vitest';
import { intervalStarts, localDate, nextStart, startOf, startOfLocalDate } from './calendar.ts';

const oslo = 'Europe/Oslo';
const iso = (d: Date) => d.toISOString();

describe('calendar in a time zone', () => {
  const wednesday = new Date('2026-11-18T10:07:30Z');

  it('finds the start of every interval and period', () => {
    expect(iso(startOf('15m', wednesday, oslo))).toBe('2026-11-18T10:00:00.000Z');
    expect(iso(startOf('hour', wednesday, oslo))).toBe('2026-11-18T10:00:00.000Z');
    expect(iso(startOf('day', wednesday, oslo))).toBe('2026-11-17T23:00:00.000Z');
    expect(iso(startOf('week', wednesday, oslo))).toBe('2026-11-15T23:00:00.000Z');
    expect(iso(startOf('month', wednesday, oslo))).toBe('2026-10-31T23:00:00.000Z');
    // October 1st is still summer time (+2).
    expect(iso(startOf('quarter', wednesday, oslo))).toBe('2026-09-30T22:00:00.000Z');
    expect(iso(startOf('day', wednesday, 'UTC'))).toBe('2026-11-18T00:00:00.000Z');
  });

  it('keeps days whole across daylight-saving changes', () => {
    const springDay = startOfLocalDate('2026-03-29', oslo);
    expect(iso(springDay)).toBe('2026-03-28T23:00:00.000Z');
    expect(nextStart('day', springDay, oslo).getTime() - springDay.getTime()).toBe(23 * 3_600_000);
    const autumnDay = startOfLocalDate('2026-10-25', oslo);
    expect(intervalStarts('hour', autumnDay, nextStart('day', autumnDay, oslo), oslo)).toHaveLength(25);
    expect(intervalStarts('15m', autumnDay, nextStart('day', autumnDay, oslo), oslo)).toHaveLength(100);
  });

  it('steps months and quarters over the year end', () => {
    const december = startOf('month', new Date('2026-12-15T12:00:00Z'), oslo);
    expect(iso(nextStart('month', december, oslo))).toBe('2026-12-31T23:00:00.000Z');
    expect(iso(nextStart('quarter', startOf('quarter', december, oslo), oslo))).toBe('2026-12-31T23:00:00.000Z');
    expect(localDate(new Date('2026-12-31T23:30:00Z'), oslo)).toBe('2027-01-01');
  });
});

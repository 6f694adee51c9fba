import { describe, expect, it } from 'vitest';
import { isOpen, isTimeZone, type OpeningHours } from './hours.ts';

const office: OpeningHours = {
  timeZone: 'Europe/Oslo',
  weekly: { mon: [['08:00', '16:00']], tue: [['08:00', '16:00']], wed: [['08:00', '16:00']], thu: [['08:00', '16:00']], fri: [['08:00', '12:00'], ['13:00', '15:00']] },
  holidays: [{ date: '2026-12-24' }, { date: '2026-12-31', hours: [['09:00', '11:00']] }],
};

describe('opening hours in the queue’s time zone', () => {
  it.each([
    ['a summer Monday at 08:30 in Oslo (06:30 UTC)', '2026-06-15T06:30:00Z', true],
    ['a summer Monday at 07:59 in Oslo', '2026-06-15T05:59:00Z', false],
    ['a winter Monday at 08:30 in Oslo (07:30 UTC)', '2026-01-12T07:30:00Z', true],
    ['a winter Monday at 07:30 in Oslo (06:30 UTC), open in summer time only', '2026-01-12T06:30:00Z', false],
    ['16:00 is closing time, not open', '2026-06-15T14:00:00Z', false],
    ['a Friday lunch break', '2026-06-19T10:30:00Z', false],
    ['a Friday afternoon', '2026-06-19T11:30:00Z', true],
    ['a Saturday', '2026-06-20T09:00:00Z', false],
    ['Christmas Eve on a Thursday is closed all day', '2026-12-24T09:00:00Z', false],
    ['New Year’s Eve has short hours', '2026-12-31T09:30:00Z', true],
    ['New Year’s Eve after the short hours', '2026-12-31T11:30:00Z', false],
  ])('%s', (_name, at, open) => {
    expect(isOpen(office, new Date(at))).toBe(open);
  });

  it('is always open without hours or holidays, and knows time zone names', () => {
    expect(isOpen({ timeZone: 'Europe/Copenhagen', weekly: null, holidays: [] }, new Date('2026-06-20T03:00:00Z'))).toBe(true);
    expect(isOpen({ timeZone: 'Europe/Copenhagen', weekly: null, holidays: [{ date: '2026-06-20' }] }, new Date('2026-06-20T03:00:00Z'))).toBe(false);
    expect(isTimeZone('Europe/Oslo')).toBe(true);
    expect(isTimeZone('Norway/Bergen')).toBe(false);
  });
});

import type { KpiMetric } from '@sentral/contract';
import { clock } from '../i18n.tsx';

/**
 * Dates on the supervisor's pages: one formatter per locale (and time zone), so every date reads the
 * same way, e.g. 04.12.2026 14:00 in Norwegian and 04/12/2026 14:00 in English.
 */
export function dateFormats(locale: string, timeZone?: string) {
  const zone = timeZone ? { timeZone } : {};
  const day = new Intl.DateTimeFormat(locale, { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const clockTime = new Intl.DateTimeFormat(locale, { ...zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const valid = (iso: string | null | undefined) => {
    const date = iso ? new Date(iso) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  };
  const dayOf = (iso: string | null | undefined) => {
    const date = valid(iso);
    return date ? day.format(date) : '';
  };
  const timeOf = (iso: string | null | undefined) => {
    const date = valid(iso);
    return date ? clockTime.format(date) : '';
  };
  return {
    day: dayOf,
    time: timeOf,
    dayTime: (iso: string | null | undefined) => (valid(iso) ? `${dayOf(iso)} ${timeOf(iso)}` : ''),
    /** A report interval: the day alone for whole days, else the day with start and end times. */
    period(start: string, end: string | null, wholeDays: boolean): string {
      return wholeDays ? dayOf(start) : `${dayOf(start)} ${timeOf(start)}–${timeOf(end)}`;
    },
  };
}

/** Number formats for the wallboard in the reader's locale. */
export function formats(locale: string) {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return {
    dates: dateFormats(locale),
    percent: (share: number | null | undefined) => (share === null || share === undefined ? '–' : percent.format(share)),
    decimal: (value: number | null | undefined) => (value === null || value === undefined ? '–' : decimal.format(value)),
    whole: (value: number) => whole.format(value),
    /** Seconds as m:ss, or h:mm:ss from an hour on. */
    duration(seconds: number | null | undefined): string {
      if (seconds === null || seconds === undefined) return '–';
      const total = Math.max(0, Math.round(seconds));
      if (total < 3600) return clock(total);
      const hours = Math.floor(total / 3600);
      return `${hours}:${clock(total - hours * 3600).padStart(5, '0')}`;
    },
    /** A KPI value the way its target is written: shares as percent, times as m:ss, satisfaction on its 1–10 scale. */
    kpi(metric: KpiMetric, value: number | null): string {
      if (value === null) return '–';
      if (metric === 'serviceLevel' || metric === 'abandonRate') return percent.format(value);
      if (metric === 'satisfaction') return decimal.format(value);
      return this.duration(value);
    },
  };
}

export type Formats = ReturnType<typeof formats>;

/** Today as YYYY-MM-DD in the browser's time zone (the default range of reports). */
export function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

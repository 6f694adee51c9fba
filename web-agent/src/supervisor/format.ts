import type { KpiMetric } from '@sentral/contract';
import { clock } from '../i18n.tsx';

/** Number formats for the wallboard in the reader's locale. */
export function formats(locale: string) {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return {
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

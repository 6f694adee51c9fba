import { describe, expect, it } from 'vitest';
import type { ContactFacts } from './metrics.ts';
import { arrivalsWithin, kpiProgress, peakWaiting, staffingAdvice } from './wallboard.ts';

const t0 = new Date('2026-11-18T09:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function waited(id: string, entered: number, left: number | null, status = 'ended'): ContactFacts {
  return {
    id,
    queueId: 'support',
    channel: 'chat',
    agentId: null,
    segment: null,
    status,
    createdAt: at(entered),
    queuedAt: at(entered),
    acceptedAt: left === null ? null : at(left),
    endedAt: null,
    wrapUpSeconds: 0,
    dueSeconds: null,
    transfers: 0,
    rating: null,
  };
}

describe('wallboard helpers', () => {
  it('counts arrivals in the window before now, ends included', () => {
    const times = [10, 20, 30, 40, 50].map((s) => at(s).getTime());
    // (20, 50]: 30, 40, 50.
    expect(arrivalsWithin(times, at(50), 30)).toBe(3);
    expect(arrivalsWithin(times, at(5), 30)).toBe(0);
    expect(arrivalsWithin([], at(50), 30)).toBe(0);
  });

  it('finds the most contacts waiting at once in an interval', () => {
    const contacts = [waited('a', 0, 100), waited('b', 50, 60), waited('c', 60, 200), waited('d', 150, null, 'queued'), waited('e', 300, 310)];
    // 50–60: a and b; at 60 b leaves as c arrives (not three); 150–200: c and d.
    expect(peakWaiting(contacts, at(0), at(300))).toBe(2);
    expect(peakWaiting(contacts, at(55), at(56))).toBe(2);
    expect(peakWaiting(contacts, at(210), at(290))).toBe(1);
    expect(peakWaiting(contacts, at(400), at(500))).toBe(1);
  });

  it('advises staffing with Erlang C and says what the agents staffed would reach', () => {
    const advice = staffingAdvice({ arrivalsPerSecond: 100 / 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20, staffed: 14 });
    expect(advice).toMatchObject({ required: 14, staffed: 14, trafficErlangs: 10, arrivalsPerHour: 200 });
    expect(advice.expectedServiceLevel).toBeCloseTo(0.88835, 5);
    expect(staffingAdvice({ arrivalsPerSecond: 0, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20, staffed: 3 })).toMatchObject({
      required: 0,
      expectedServiceLevel: null,
    });
    // A 100 % goal is staffed for 99.9 %: no number of agents reaches certainty.
    expect(staffingAdvice({ arrivalsPerSecond: 0.1, ahtSeconds: 60, targetServiceLevel: 1, thresholdSeconds: 20, staffed: 1 }).required).toBeGreaterThan(6);
  });

  it('meets a target from above or below depending on the metric', () => {
    const rates = { serviceLevel: 0.82, asaSeconds: 25, ahtSeconds: 240, abandonRate: 0.04, satisfaction: 9.4 };
    const since = new Date('2026-10-01T00:00:00Z');
    expect(kpiProgress({ period: 'day', metric: 'serviceLevel', target: 0.8 }, rates, since).met).toBe(true);
    expect(kpiProgress({ period: 'week', metric: 'ahtSeconds', target: 200 }, rates, since).met).toBe(false);
    expect(kpiProgress({ period: 'month', metric: 'abandonRate', target: 0.05 }, rates, since).met).toBe(true);
    expect(kpiProgress({ period: 'quarter', metric: 'satisfaction', target: 9.5 }, rates, since)).toMatchObject({ actual: 9.4, met: false, since: since.toISOString() });
    expect(kpiProgress({ period: 'day', metric: 'asaSeconds', target: 20 }, { ...rates, asaSeconds: null }, since)).toMatchObject({ actual: null, met: null });
  });
});

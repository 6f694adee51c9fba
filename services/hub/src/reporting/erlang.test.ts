import { describe, expect, it } from 'vitest';
import { agentsRequired, averageSpeedOfAnswer, erlangB, probabilityOfWaiting, serviceLevel } from './erlang.ts';

/** The textbook formulas with factorials and powers: fine for small numbers, an independent check of the recursion. */
function textbookErlangC(a: number, n: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < n; k += 1) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (n / (n - a)); // a^n / n! · n / (n - a)
  return top / (sum + top);
}

describe('Erlang C', () => {
  // 100 calls in 30 minutes with 180 s handling time: 100 / 1800 s × 180 s = 10 Erlangs.
  const published = { trafficErlangs: (100 / 1800) * 180, agents: 14, ahtSeconds: 180, thresholdSeconds: 20 };

  it('matches the published values for 10 Erlangs on 14 agents', () => {
    expect(published.trafficErlangs).toBeCloseTo(10, 12);
    expect(Math.abs(probabilityOfWaiting(published) - 0.1741319)).toBeLessThan(1e-6);
    expect(Math.abs(serviceLevel(published) - 0.88835)).toBeLessThan(1e-6);
    // The published average speed of answer is given to three decimals (7.836 s).
    expect(Math.abs(averageSpeedOfAnswer(published) - 7.836)).toBeLessThan(5e-4);
    // ASA is Pw × AHT / (N − A); its only error against the published figure is that rounding.
    expect(Math.abs(averageSpeedOfAnswer(published) - (probabilityOfWaiting(published) * 180) / 4)).toBeLessThan(1e-9);
  });

  it('agrees with the textbook formula where that one is still exact', () => {
    for (const [a, n] of [[2, 3], [5, 7], [10, 14], [20, 25], [42.5, 50]] as const) {
      expect(probabilityOfWaiting({ trafficErlangs: a, agents: n })).toBeCloseTo(textbookErlangC(a, n), 12);
    }
    expect(probabilityOfWaiting({ trafficErlangs: 2, agents: 3 })).toBeCloseTo(4 / 9, 12);
  });

  it('stays finite and in range for thousands of agents, where factorials overflow', () => {
    const large = { trafficErlangs: 2000, agents: 2100, ahtSeconds: 300, thresholdSeconds: 20 };
    const pw = probabilityOfWaiting(large);
    expect(Number.isFinite(textbookErlangC(2000, 2100))).toBe(false);
    expect(pw).toBeGreaterThan(0);
    expect(pw).toBeLessThan(1);
    expect(serviceLevel(large)).toBeGreaterThan(0.99);
    expect(erlangB({ trafficErlangs: 2000, agents: 2100 })).toBeGreaterThan(0);
  });

  it('answers the edge cases without dividing by zero', () => {
    expect(probabilityOfWaiting({ trafficErlangs: 0, agents: 0 })).toBe(0);
    expect(probabilityOfWaiting({ trafficErlangs: 5, agents: 5 })).toBe(1);
    expect(serviceLevel({ trafficErlangs: 5, agents: 4, ahtSeconds: 60, thresholdSeconds: 20 })).toBe(0);
    expect(serviceLevel({ trafficErlangs: 0, agents: 0, ahtSeconds: 60, thresholdSeconds: 20 })).toBe(1);
    expect(averageSpeedOfAnswer({ trafficErlangs: 5, agents: 5, ahtSeconds: 60 })).toBe(Number.POSITIVE_INFINITY);
    expect(erlangB({ trafficErlangs: 3, agents: 0 })).toBe(1);
  });

  it('rejects impossible input', () => {
    expect(() => erlangB({ trafficErlangs: -1, agents: 3 })).toThrow(RangeError);
    expect(() => probabilityOfWaiting({ trafficErlangs: Number.NaN, agents: 3 })).toThrow(RangeError);
    expect(() => probabilityOfWaiting({ trafficErlangs: 1, agents: 2.5 })).toThrow(RangeError);
    expect(() => serviceLevel({ trafficErlangs: 1, agents: 3, ahtSeconds: 0, thresholdSeconds: 20 })).toThrow(RangeError);
    expect(() => agentsRequired({ arrivalsPerSecond: 1, ahtSeconds: 60, targetServiceLevel: 1, thresholdSeconds: 20 })).toThrow(RangeError);
  });
});

describe('agentsRequired', () => {
  it('is the fewest agents that reach the target', () => {
    const input = { arrivalsPerSecond: 100 / 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20 };
    const required = agentsRequired(input);
    const at = (agents: number) => serviceLevel({ trafficErlangs: 10, agents, ahtSeconds: 180, thresholdSeconds: 20 });
    expect(at(required)).toBeGreaterThanOrEqual(0.8);
    expect(at(required - 1)).toBeLessThan(0.8);
    // 13 agents answer 79.56 % within 20 s, just short of 80 %; 14 answer 88.8 % (the published example).
    expect(at(13)).toBeCloseTo(0.7956, 4);
    expect(required).toBe(14);
  });

  it('needs no agents without traffic and more agents for a stricter target', () => {
    expect(agentsRequired({ arrivalsPerSecond: 0, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20 })).toBe(0);
    const base = { arrivalsPerSecond: 1, ahtSeconds: 240, thresholdSeconds: 20 };
    const relaxed = agentsRequired({ ...base, targetServiceLevel: 0.5 });
    const strict = agentsRequired({ ...base, targetServiceLevel: 0.95 });
    expect(relaxed).toBeGreaterThan(240);
    expect(strict).toBeGreaterThan(relaxed);
  });
});

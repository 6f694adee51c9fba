import { describe, expect, it } from 'vitest';
import { assignSegments } from './segments.ts';

function segmentsOf(revenues: Array<[string, number]>, thresholds?: { a: number; b: number }): Record<string, string> {
  const input = revenues.map(([id, revenue]) => ({ id, revenue }));
  return Object.fromEntries(assignSegments(input, thresholds));
}

describe('assignSegments', () => {
  it('makes A the customers that build up the top 80 % of revenue, B up to 95 %, C the rest', () => {
    // Revenue before each customer: 0, 50, 80, 90, 95, 98 of 100.
    expect(
      segmentsOf([
        ['c1', 50],
        ['c2', 30],
        ['c3', 10],
        ['c4', 5],
        ['c5', 3],
        ['c6', 2],
      ]),
    ).toEqual({ c1: 'A', c2: 'A', c3: 'B', c4: 'B', c5: 'C', c6: 'C' });
  });

  it('puts the customer who crosses a threshold into the higher segment', () => {
    // 70 before the second customer: still under 80 %, so it is A although it takes the total to 95.
    expect(segmentsOf([['big', 70], ['crossing', 25], ['small', 5]])).toEqual({ big: 'A', crossing: 'A', small: 'C' });
  });

  it('does not depend on input order and breaks revenue ties by id', () => {
    const revenues: Array<[string, number]> = [['b', 1], ['c', 1], ['a', 1]];
    const expected = { a: 'A', b: 'A', c: 'C' };
    expect(segmentsOf(revenues, { a: 0.5, b: 0.6 })).toEqual(expected);
    expect(segmentsOf([...revenues].reverse(), { a: 0.5, b: 0.6 })).toEqual(expected);
  });

  it('makes everyone C when there is no revenue at all', () => {
    expect(segmentsOf([['x', 0], ['y', 0]])).toEqual({ x: 'C', y: 'C' });
  });

  it('handles an empty list and a single customer', () => {
    expect(assignSegments([]).size).toBe(0);
    expect(segmentsOf([['only', 10]])).toEqual({ only: 'A' });
  });

  it('counts negative revenue as none', () => {
    expect(segmentsOf([['payer', 100], ['refunded', -40], ['quiet', 0]])).toEqual({ payer: 'A', quiet: 'C', refunded: 'C' });
  });

  it('uses the given thresholds', () => {
    const revenues: Array<[string, number]> = [['p', 40], ['q', 30], ['r', 20], ['s', 10]];
    expect(segmentsOf(revenues, { a: 0.5, b: 0.8 })).toEqual({ p: 'A', q: 'A', r: 'B', s: 'C' });
    expect(segmentsOf(revenues, { a: 0, b: 0 })).toEqual({ p: 'C', q: 'C', r: 'C', s: 'C' });
    expect(segmentsOf(revenues, { a: 1, b: 1 })).toEqual({ p: 'A', q: 'A', r: 'A', s: 'A' });
  });

  it('keeps the A segment the smallest group that reaches the A share', () => {
    // A long-tailed list: the A segment must reach 80 %, and without its last member fall short of it.
    const revenues = Array.from({ length: 500 }, (_, index) => ({ id: `c${String(index).padStart(3, '0')}`, revenue: Math.round(1e6 / (index + 1) ** 1.3) }));
    const segments = assignSegments(revenues);
    const total = revenues.reduce((sum, { revenue }) => sum + revenue, 0);
    const aRevenues = revenues.filter(({ id }) => segments.get(id) === 'A').map(({ revenue }) => revenue);
    const aTotal = aRevenues.reduce((sum, revenue) => sum + revenue, 0);
    expect(aTotal / total).toBeGreaterThanOrEqual(0.8);
    expect((aTotal - Math.min(...aRevenues)) / total).toBeLessThan(0.8);
    // Segments never go back up while revenue goes down.
    const order = revenues.map(({ id }) => segments.get(id)).join('');
    expect(order).toMatch(/^A+B*C*$/);
  });

  it('rejects impossible thresholds, non-finite revenue and repeated ids', () => {
    expect(() => assignSegments([{ id: 'x', revenue: 1 }], { a: 0.9, b: 0.8 })).toThrow(RangeError);
    expect(() => assignSegments([{ id: 'x', revenue: 1 }], { a: -0.1, b: 0.8 })).toThrow(RangeError);
    expect(() => assignSegments([{ id: 'x', revenue: 1 }], { a: 0.8, b: 1.2 })).toThrow(RangeError);
    expect(() => assignSegments([{ id: 'x', revenue: Number.NaN }])).toThrow(RangeError);
    expect(() => assignSegments([{ id: 'x', revenue: Infinity }])).toThrow(RangeError);
    expect(() => assignSegments([{ id: 'x', revenue: 1 }, { id: 'x', revenue: 2 }])).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import type { JourneyStep } from '@sentral/contract';
import { recentSelfService, selfServiceSummary, servedInSelfService } from './journey.ts';

const at = (minute: number) => `2026-03-10T10:${String(minute).padStart(2, '0')}:00.000Z`;
const step = (minute: number, data: Record<string, string>): JourneyStep => ({ at: at(minute), step: data['action'] ?? 'x', result: 'spoken text', data });

describe('self-service journeys read back', () => {
  const paid = step(1, { action: 'payment', outcome: 'succeeded', invoice: 'INV-2000120', amount: '999.00', currency: 'NOK' });
  const checked = step(2, { action: 'order-status', outcome: 'succeeded', order: 'ORD-1000452' });

  it('summarises in the reader\'s language', () => {
    expect(selfServiceSummary('voice', [checked], 'nb')).toBe('Sjekket ordre ORD-1000452 i talesvar');
    expect(selfServiceSummary('voice', [paid], 'nb')).toBe('Betalte faktura INV-2000120 (kr 999) i talesvar');
    expect(selfServiceSummary('voice', [paid, checked], 'da')).toBe('Betalte faktura INV-2000120 (999 kr.); Tjekkede ordre ORD-1000452 i talesvar');
    expect(selfServiceSummary('chat', [checked], 'en')).toBe('Checked order ORD-1000452 in chat');
    expect(selfServiceSummary('voice', [], 'nb')).toBe('Forlot i talesvar uten svar');
  });

  it('tells served from not served, and the latest outcome per action for routing', () => {
    const failed = step(3, { action: 'payment', outcome: 'failed', invoice: 'INV-2000121', amount: '10.00', currency: 'NOK' });
    const notFound = step(4, { action: 'order-status', outcome: 'not-found', order: '123' });
    expect(servedInSelfService([failed, notFound])).toBe(false);
    expect(servedInSelfService([failed, checked])).toBe(true);
    // Journeys newest first or not: the latest attempt wins.
    expect(recentSelfService([[failed], [paid, checked]])).toEqual({ payment: 'failed', 'order-status': 'succeeded' });
    expect(recentSelfService([[notFound, paid]])).toEqual({ payment: 'succeeded', 'order-status': 'not-found' });
  });
});

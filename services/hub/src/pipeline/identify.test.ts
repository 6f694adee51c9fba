import { describe, expect, it } from 'vitest';
import { evidenceFor, normaliseEmail, normalisePhone } from './identify.ts';

describe('address normalisation', () => {
  it.each([
    ['912 34 567', 'NO', '+4791234567'],
    ['+47 912 34 567', 'NO', '+4791234567'],
    ['0047 91234567', 'NO', '+4791234567'],
    ['+45 20 12 34 56', 'NO', '+4520123456'],
    ['20123456', 'DK', '+4520123456'],
  ])('%s in %s is %s', (raw, country, expected) => {
    expect(normalisePhone(raw, country)).toBe(expected);
  });

  it.each(['anonymous', 'Anonymous', 'client:agent-7', 'sip:alice@example.com', '+266696687', '', 'unknown', '123'])(
    'treats the withheld or invalid caller id %j as unknown',
    (raw) => {
      expect(normalisePhone(raw, 'NO')).toBeNull();
    },
  );

  it('folds email case and rejects what is not an address', () => {
    expect(normaliseEmail('  Kari.Nordmann@Example.NO ')).toBe('kari.nordmann@example.no');
    expect(normaliseEmail('kari@')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
  });

  it('weighs a typed chat email below a mailbox sender and above a bare visitor id', () => {
    const chat = evidenceFor('chat', 'visitor-1', 'kari@example.no', 'NO');
    expect(chat.map((e) => [e.kind, e.weight])).toEqual([
      ['email', 0.7],
      ['chat', 0.6],
    ]);
    expect(evidenceFor('email', 'Kari@Example.no', null, 'NO')).toEqual([{ method: 'email', kind: 'email', value: 'kari@example.no', weight: 0.9 }]);
    expect(evidenceFor('voice', 'anonymous', null, 'NO')).toEqual([]);
  });
});

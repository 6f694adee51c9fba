import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactText } from './logger.ts';

describe('PII never reaches the logs', () => {
  it('masks email addresses and phone numbers in free text', () => {
    expect(redactText('from kari.nordmann@example.no on +47 912 34 567')).toBe('from k***@example.no on ***67');
  });

  it('masks them in structured fields and drops secrets entirely', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ from: '+4791234567', customer: { email: 'ola@example.no' }, token: 'eyJhbGciOi', password: 'hunter2' }, 'call from %s', '91234567');
    const line = lines.join('');
    for (const secret of ['91234567', 'ola@example.no', 'eyJhbGciOi', 'hunter2']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ token: '[redacted]', password: '[redacted]', customer: { email: 'o***@example.no' } });
  });
});

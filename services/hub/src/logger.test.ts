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

describe('masking keeps what is not an address', () => {
  it('leaves migration names, dates, ids and paths as they are', () => {
    for (const text of [
      'migrations applied: 20260101120040_init, 20261204103000_routing_rules',
      'report for 2026-12-04',
      'contact 3f2a9c1e-1234-4a5b-8c9d-123456789012 ended',
      'GET /api/customers/12345678/orders',
      'at 2026-12-04T16:36:51.123Z',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('still masks numbers written as people write them', () => {
    expect(redactText('call 91234567 now')).toBe('call ***67 now');
    expect(redactText('fax 0047 22 33 44 55.')).toBe('fax ***55.');
    expect(redactText('(+4722334455)')).toBe('(***55)');
  });
});

describe('errors go through the same masking', () => {
  const capture = () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    return { lines, logger: createLogger('info', sink) };
  };

  it('masks addresses in the message and stack of an error under err, nested, or logged on its own', () => {
    const { lines, logger } = capture();
    const error = new Error('no customer for kari.nordmann@example.no or +47 912 34 567');
    logger.error({ err: error }, 'lookup failed');
    logger.warn({ context: { cause: error } }, 'nested');
    logger.error(error);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain('kari.nordmann@example.no');
      expect(line).not.toContain('912 34 567');
    }
    const first = JSON.parse(lines[0]!) as { err: { type: string; message: string; stack: string } };
    expect(first.err).toMatchObject({ type: 'Error', message: 'no customer for k***@example.no or ***67' });
    expect(first.err.stack).toContain('k***@example.no');
    expect(JSON.parse(lines[2]!)).toMatchObject({ msg: 'no customer for k***@example.no or ***67', err: { type: 'Error' } });
  });
});

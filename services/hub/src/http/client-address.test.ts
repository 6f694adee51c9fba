import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClientAddress } from './client-address.ts';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('the client address under TRUST_PROXY', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    const address = createClientAddress(false);
    expect(address(request('::ffff:127.0.0.1', '203.0.113.9'))).toBe('127.0.0.1');
    expect(address(request('198.51.100.4'))).toBe('198.51.100.4');
  });

  it('reads as many entries from the right as there are trusted proxies, never what the client wrote further left', () => {
    const oneProxy = createClientAddress(1);
    expect(oneProxy(request('10.0.0.2', '203.0.113.9, 198.51.100.7'))).toBe('198.51.100.7');
    expect(oneProxy(request('10.0.0.2', '198.51.100.7'))).toBe('198.51.100.7');
    // A proxy that set no header: the peer is all there is.
    expect(oneProxy(request('10.0.0.2'))).toBe('10.0.0.2');
    const twoProxies = createClientAddress(2);
    expect(twoProxies(request('10.0.0.2', '203.0.113.9, 198.51.100.7, 10.0.0.1'))).toBe('198.51.100.7');
    // Garbage where an address belongs falls back to the peer.
    expect(oneProxy(request('10.0.0.2', 'not-an-address'))).toBe('10.0.0.2');
  });
});

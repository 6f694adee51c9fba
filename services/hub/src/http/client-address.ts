import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * The client's address as the hub sees it, for limits and audit. With `trustedHops` proxies in front
 * (TRUST_PROXY), the address is read that many entries from the right of X-Forwarded-For (each proxy
 * appends the address it received from); entries further left are the client's own word and ignored.
 * Without trusted proxies the header is ignored entirely, so no client can choose its own address.
 * Express's `trust proxy` is set to the same figure, so `req.ip` agrees; sockets use this on their handshake request.
 */
export function createClientAddress(trustedHops: number | false): (request: IncomingMessage) => string {
  const hops = trustedHops === false ? 0 : trustedHops;
  return (request) => {
    const peer = normalise(request.socket?.remoteAddress ?? '');
    if (hops === 0) return peer;
    const header = request.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Nearest first: the peer, then what the trusted proxies appended, right to left.
    const chain = [peer, ...forwarded.reverse()];
    const candidate = normalise(chain[Math.min(hops, chain.length - 1)] ?? peer);
    return isIP(candidate) ? candidate : peer;
  };
}

/** One spelling per address: IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** Loopback, private, link-local, carrier-grade NAT and unspecified ranges: "inside the network". */
const inside = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  inside.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  inside.addSubnet(network, prefix, 'ipv6');
}

function isInside(raw: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const address = raw.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const family = isIP(address);
  if (family === 0) return true;
  return inside.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a URL may not be called from the hub, or null when it may: only http(s), and (unless private
 * addresses are allowed) no host that resolves inside the network. The agents below check again at
 * connect time, so a name that later resolves inside is refused then too.
 */
export async function refuseUrl(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((found) => found.map((entry) => entry.address), () => null);
  if (!addresses || addresses.length === 0) return 'the host name does not resolve';
  if (addresses.some(isInside)) return 'points inside the network (set WEBHOOK_ALLOW_PRIVATE=true to allow)';
  return null;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  latencyMs: number;
}

/** Connection pools for outbound calls to outside systems, filtering private addresses unless allowed. */
export function createOutboundHttp(options: { allowPrivate: boolean }) {
  const agentOptions = { keepAlive: true, maxSockets: 64, allowPrivateIPAddress: options.allowPrivate };
  const httpAgent = new RequestFilteringHttpAgent(agentOptions);
  const httpsAgent = new RequestFilteringHttpsAgent(agentOptions);

  return {
    /** One request with an overall deadline; the answer's body is read up to `maxBodyBytes`. */
    request(input: { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number; maxBodyBytes?: number }): Promise<HttpAnswer> {
      const started = performance.now();
      const url = new URL(input.url);
      const client = url.protocol === 'https:' ? https : http;
      const maxBody = input.maxBodyBytes ?? 64 * 1024;
      return new Promise<HttpAnswer>((resolve, reject) => {
        const request = client.request(
          url,
          { method: input.method, headers: input.headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent },
          (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              if (size < maxBody) chunks.push(chunk);
              size += chunk.length;
            });
            response.on('end', () => {
              clearTimeout(timer);
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(chunks).subarray(0, maxBody).toString('utf8'),
                latencyMs: Math.round(performance.now() - started),
              });
            });
            response.on('error', (error) => {
              clearTimeout(timer);
              reject(error);
            });
          },
        );
        const timer = setTimeout(() => request.destroy(new Error(`no answer within ${input.timeoutMs} ms`)), input.timeoutMs);
        request.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        request.end(input.body);
      });
    },
    close(): void {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export type OutboundHttp = ReturnType<typeof createOutboundHttp>;

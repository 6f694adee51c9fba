import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Which mail servers a mailbox may name (MAILBOX_ALLOW_LOOPBACK, MAILBOX_ALLOW_PRIVATE). */
export interface MailboxHostPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

function blockList(ranges: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

const loopback = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
// The hub itself, its neighbours without routing, and the clouds' instance-metadata services (credentials live there).
const neverReachable = blockList([
  ['0.0.0.0', 8, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['100.100.100.200', 32, 'ipv4'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['224.0.0.0', 4, 'ipv4'],
  ['ff00::', 8, 'ipv6'],
  ['255.255.255.255', 32, 'ipv4'],
]);
const privateRanges = blockList([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);

/** What kind of address this is, looking through IPv4-mapped IPv6 (::ffff:127.0.0.1 is loopback too). */
function kindOf(address: string): 'loopback' | 'link-local or metadata' | 'private' | 'public' {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(ip, family)) return 'loopback';
  if (neverReachable.check(ip, family)) return 'link-local or metadata';
  if (privateRanges.check(ip, family)) return 'private';
  return 'public';
}

/**
 * Why a mailbox may not name this host, or null if it may. A name is resolved and every address it has is
 * checked, so a name pointing at 127.0.0.1 or 169.254.169.254 is refused like the address itself.
 */
export async function refusedMailHost(host: string, policy: MailboxHostPolicy): Promise<string | null> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await lookup(bare, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return 'cannot be resolved';
    }
  }
  for (const address of addresses) {
    const kind = kindOf(address);
    if (kind === 'link-local or metadata') return `is a ${kind} address (${address})`;
    if (kind === 'loopback' && !policy.allowLoopback) return `is a loopback address (${address})`;
    if (kind === 'private' && !policy.allowPrivate) return `is a private address (${address}); MAILBOX_ALLOW_PRIVATE=false refuses them`;
  }
  return null;
}

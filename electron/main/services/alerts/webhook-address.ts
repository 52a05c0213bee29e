import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { KeelError } from '../../../../shared/errors';

/** Resolves a host name to every address (injectable so tests can play a rebinding resolver). */
export type Resolve = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

/** Ranges a webhook may not reach unless allow-listed: [network, prefix, what it is]. */
const DENIED_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved (IETF)'],
  ['192.0.2.0', 24, 'reserved (documentation)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved (benchmarking)'],
  ['198.51.100.0', 24, 'reserved (documentation)'],
  ['203.0.113.0', 24, 'reserved (documentation)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (incl. broadcast)'],
];
const DENIED_V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private (local NAT64)'],
  ['100::', 64, 'reserved (discard)'],
  ['2001::', 32, 'reserved (Teredo)'],
  ['2001:db8::', 32, 'reserved (documentation)'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private (site-local)'],
  ['ff00::', 8, 'multicast'],
];

const ranges = (list: Array<[string, number, string]>, type: 'ipv4' | 'ipv6') =>
  list.map(([net, prefix, what]) => {
    const b = new BlockList();
    b.addSubnet(net, prefix, type);
    return { b, what };
  });
const deniedV4 = ranges(DENIED_V4, 'ipv4');
const deniedV6 = ranges(DENIED_V6, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (zone id dropped), or undefined. */
function v6Groups(ip: string): number[] | undefined {
  const addr = ip.replace(/%.*$/, '');
  if (!isIPv6(addr)) return undefined;
  let text = addr;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parts = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const h = parts(head);
  const t = tail === undefined ? [] : parts(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const v4Of = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * The IPv4 address an IPv6 one carries, where the network would deliver to it: mapped
 * (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96)
 * and 6to4 (2002:aabb:ccdd::/48).
 */
function embeddedV4(g: number[]): string | undefined {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return v4Of(g[6]!, g[7]!);
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return v4Of(g[6]!, g[7]!);
  if (zero(0, 6) && (g[6] !== 0 || g[7]! > 1)) return v4Of(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4Of(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4Of(g[1]!, g[2]!);
  return undefined;
}

/**
 * What a canonical IP address is, when it is one a webhook must not reach without an allow-list
 * (loopback, private, link-local, unspecified, multicast, reserved, also inside IPv6); undefined
 * for a public address.
 */
export function classifyAddress(ip: string): string | undefined {
  if (isIPv4(ip)) return deniedV4.find((d) => d.b.check(ip, 'ipv4'))?.what;
  const g = v6Groups(ip);
  if (!g) return 'not an IP address';
  const v4 = embeddedV4(g);
  if (v4) {
    const what = classifyAddress(v4);
    return what && `${what} (IPv4 ${v4} inside IPv6)`;
  }
  const plain = ip.replace(/%.*$/, '');
  return deniedV6.find((d) => d.b.check(plain, 'ipv6'))?.what;
}

/** One part of an inet_aton address: decimal, 0-octal or 0x-hex. */
function atonPart(p: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(p)) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
  if (/^0[0-7]*$/.test(p)) return parseInt(p, 8);
  if (/^[1-9][0-9]*$/.test(p)) return Number(p);
  return undefined;
}

/**
 * The address a host string denotes by itself, read as resolvers do (inet_aton: `0x7f000001`,
 * `2130706433`, `0177.1`, `127.1`, a trailing dot; `[::1]`), or undefined for a name.
 */
export function literalAddress(host: string): string | undefined {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIPv6(bare.replace(/%.*$/, ''))) return bare;
  const parts = host.replace(/\.$/, '').split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums = parts.map(atonPart);
  if (nums.some((n) => n === undefined)) return undefined;
  const n = nums as number[];
  const last = n.at(-1)!;
  const head = n.slice(0, -1);
  if (head.some((x) => x > 255) || last >= 2 ** (8 * (5 - n.length))) return undefined;
  const value = head.reduce((acc, x, i) => acc + x * 2 ** (8 * (3 - i)), 0) + last;
  return [24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join('.');
}

export interface CheckedUrl {
  url: URL;
  /** The checked address the request must go to (so a second resolution cannot switch it). */
  address: string;
  family: 4 | 6;
}

/**
 * Where a webhook may post: http(s), no credentials in the URL, and every address the host
 * resolves to outside the refused ranges unless `allow` (CIDRs or addresses, from the operator:
 * KEEL_WEBHOOK_ALLOW_NETWORKS) names it.
 */
export class WebhookPolicy {
  private readonly allowed = new BlockList();

  constructor(
    allow: readonly string[],
    private readonly resolve: Resolve = systemResolve,
  ) {
    for (const entry of allow) {
      const [net = '', bits] = entry.trim().split('/');
      const type = isIPv4(net) ? 'ipv4' : isIPv6(net) ? 'ipv6' : undefined;
      const max = type === 'ipv4' ? 32 : 128;
      const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
      if (!type || !(prefix >= 0 && prefix <= max)) {
        throw new KeelError(
          'VALIDATION',
          `webhook allow-list entry "${entry}" is not an address or CIDR network`,
        );
      }
      this.allowed.addSubnet(net, prefix, type);
    }
  }

  /** Checks a URL and resolves its host; refuses with VALIDATION saying why. */
  async check(text: string): Promise<CheckedUrl> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new KeelError('VALIDATION', 'the webhook URL is not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KeelError('VALIDATION', 'a webhook URL is http:// or https://');
    }
    if (url.username !== '' || url.password !== '') {
      throw new KeelError(
        'VALIDATION',
        'a webhook URL may not hold a user name or password (put a token in its path or query)',
      );
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = literalAddress(host);
    let addresses: Array<{ address: string; family: number }>;
    if (literal !== undefined) {
      addresses = [{ address: literal, family: isIPv4(literal) ? 4 : 6 }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch (e) {
        throw new KeelError(
          'VALIDATION',
          `webhook host ${host} does not resolve (${(e as { code?: string }).code ?? 'error'})`,
          { unresolved: true },
        );
      }
      if (addresses.length === 0)
        throw new KeelError('VALIDATION', `webhook host ${host} has no address`);
    }
    for (const { address } of addresses) {
      const what = classifyAddress(address);
      if (what && !this.allows(address)) {
        throw new KeelError(
          'VALIDATION',
          `${literal === undefined ? `webhook host ${host} resolves to ${address}` : `webhook address ${host}`}, ${what}: refused (an operator may allow the network with KEEL_WEBHOOK_ALLOW_NETWORKS)`,
          { address, reason: what },
        );
      }
    }
    const first = addresses[0]!;
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  /**
   * The check at save time. A name that does not resolve here is accepted: the console that
   * sends may be elsewhere (an agent), and every send checks again.
   */
  async validate(text: string): Promise<void> {
    await this.check(text).catch((e: unknown) => {
      if (!(e instanceof KeelError && e.details?.unresolved === true)) throw e;
    });
  }

  private allows(address: string): boolean {
    const plain = address.replace(/%.*$/, '');
    if (isIPv4(plain)) return this.allowed.check(plain, 'ipv4');
    const g = v6Groups(plain);
    const v4 = g && embeddedV4(g);
    return (
      this.allowed.check(plain, 'ipv6') || (v4 !== undefined && this.allowed.check(v4, 'ipv4'))
    );
  }
}

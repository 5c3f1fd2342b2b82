/**
 * Which network addresses a crawl may connect to (SSRF protection). Pure: it
 * classifies literal addresses and never connects or resolves anything.
 *
 * @module
 */
import ipaddr from 'ipaddr.js';

/** Why an address is refused, by the range it falls in. */
export type RefusedRange =
  | 'loopback'
  | 'private'
  | 'unique-local'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'special';

/** The verdict on one address: `public` may be reached; anything else names the range that refuses it. */
export type AddressClass = { allowed: true; range: 'public' } | { allowed: false; range: RefusedRange };

const names: Record<string, RefusedRange> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'unique-local',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade-nat',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  reserved: 'reserved',
  deprecatedSiteLocal: 'private',
};

/**
 * Classifies a literal IPv4 or IPv6 address (`"10.0.0.1"`, `"::1"`,
 * `"::ffff:169.254.169.254"`; an IPv6 zone suffix is ignored). Only globally
 * routable unicast addresses are allowed: loopback (127.0.0.0/8, ::1), private
 * (RFC 1918), unique-local (fc00::/7), link-local (169.254.0.0/16 — the cloud
 * metadata address 169.254.169.254 among them — and fe80::/10), carrier-grade
 * NAT (100.64.0.0/10), multicast, unspecified, broadcast and every other
 * special-purpose range (documentation, benchmarking, 6to4, Teredo, NAT64…)
 * are refused. An IPv4-mapped IPv6 address is judged as its IPv4 address.
 *
 * @throws Error when `address` is not an IP address literal.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) throw new Error(`Not an IP address: ${address}`);
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return { allowed: true, range: 'public' };
  return { allowed: false, range: names[range] ?? 'special' };
}

/** True when `host` is an IP address literal (IPv6 with or without brackets). */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
}

/** One `ASSAY_CRAWL_ALLOWED_HOSTS` entry: a host name or address, and optionally a port. */
export interface AllowedHost {
  host: string;
  port?: number;
}

/**
 * Parses `ASSAY_CRAWL_ALLOWED_HOSTS`: comma-separated `host[:port]` entries
 * (`localhost`, `127.0.0.1:3000`, `[::1]:8080`, `staging.internal`). Host names
 * are lower-cased; IPv6 addresses are written in brackets when a port follows.
 *
 * @throws Error naming the first malformed entry.
 */
export function parseAllowedHosts(value: string | undefined): AllowedHost[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(entry);
      if (bracketed?.[1] && isIpLiteral(bracketed[1])) {
        const host = bracketed[1].toLowerCase();
        return bracketed[2] ? { host, port: toPort(bracketed[2], entry) } : { host };
      }
      if (isIpLiteral(entry)) return { host: entry.toLowerCase() };
      const named = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(entry);
      if (!named?.[1]) throw new Error(`Invalid allowed host entry: ${entry}`);
      const host = named[1].toLowerCase();
      return named[2] ? { host, port: toPort(named[2], entry) } : { host };
    });
}

function toPort(text: string, entry: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Invalid port in ${entry}`);
  return port;
}

function sameHost(a: string, b: string): boolean {
  if (isIpLiteral(a) && isIpLiteral(b)) {
    try {
      return (
        ipaddr.parse(a.replace(/^\[|\]$/g, '')).toString() ===
        ipaddr.parse(b.replace(/^\[|\]$/g, '')).toString()
      );
    } catch {
      return false;
    }
  }
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * True when `host` (a URL's host name or a resolved address) on `port` is on
 * the allow list: an entry without a port allows every port of its host.
 */
export function isAllowedHost(allowed: readonly AllowedHost[], host: string, port: number): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return allowed.some(
    (entry) => sameHost(entry.host, bare) && (entry.port === undefined || entry.port === port),
  );
}

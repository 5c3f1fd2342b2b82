import { describe, expect, it } from 'vitest';
import { classifyAddress, isAllowedHost, parseAllowedHosts } from '../../../shared/crawl/address.ts';
import { createNetworkGuard, TargetRefusedError } from '../../../shared/crawl/network.ts';

// Literal addresses only: nothing here resolves a name or opens a socket.
describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'unique-local'],
    ['fc12:3456::1', 'unique-local'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b::a00:1', 'special'],
    ['2002:a00:1::1', 'special'],
  ])('refuses %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, range });
  });

  it.each(['8.8.8.8', '93.184.215.14', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.4.4'])(
    'allows the public address %s',
    (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true, range: 'public' });
    },
  );

  it('throws for something that is not an address', () => {
    expect(() => classifyAddress('example.com')).toThrow('Not an IP address');
  });
});

describe('ASSAY_CRAWL_ALLOWED_HOSTS', () => {
  it('parses host, host:port, IPv4, IPv6 with and without brackets', () => {
    expect(parseAllowedHosts(' localhost, 127.0.0.1:3000,[::1]:8080, ::1 ,Staging.Internal ')).toEqual([
      { host: 'localhost' },
      { host: '127.0.0.1', port: 3000 },
      { host: '::1', port: 8080 },
      { host: '::1' },
      { host: 'staging.internal' },
    ]);
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts('')).toEqual([]);
  });

  it('refuses malformed entries with the entry named', () => {
    expect(() => parseAllowedHosts('localhost:99999')).toThrow('Invalid port in localhost:99999');
    expect(() => parseAllowedHosts('http://x')).toThrow('Invalid allowed host entry: http://x');
  });

  it('matches a host on every port without one, on that port only with one', () => {
    const allowed = parseAllowedHosts('localhost,127.0.0.1:3000,[::1]:8080');
    expect(isAllowedHost(allowed, 'LOCALHOST', 1234)).toBe(true);
    expect(isAllowedHost(allowed, '127.0.0.1', 3000)).toBe(true);
    expect(isAllowedHost(allowed, '127.0.0.1', 3001)).toBe(false);
    expect(isAllowedHost(allowed, '127.0.0.2', 3000)).toBe(false);
    expect(isAllowedHost(allowed, '[0:0::1]', 8080)).toBe(true);
  });
});

describe('the network guard (names resolved by a table, nothing connected)', () => {
  const table: Record<string, { address: string; family: number }[]> = {
    'public.test': [{ address: '93.184.215.14', family: 4 }],
    'metadata.test': [{ address: '169.254.169.254', family: 4 }],
    // DNS rebinding-style answer: one public, one private address.
    'mixed.test': [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ],
    'dev.test': [{ address: '127.0.0.1', family: 4 }],
  };
  const resolver = async (host: string) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return found;
  };
  const guard = createNetworkGuard({
    allowedHosts: parseAllowedHosts('dev.test:3000,127.0.0.1:4000'),
    resolver,
  });
  const refusal = (url: string) =>
    guard.resolve(url).then(
      () => 'allowed',
      (error: unknown) =>
        error instanceof TargetRefusedError ? error.reason : `unexpected ${String(error)}`,
    );

  it('answers the checked address for a public target', async () => {
    await expect(guard.resolve('https://public.test/a')).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
  });

  it('refuses names that resolve to metadata, private or partly private addresses', async () => {
    expect(await refusal('http://metadata.test/latest/meta-data')).toBe(
      'metadata.test resolves to a link-local address (169.254.169.254), which is not allowed',
    );
    expect(await refusal('http://mixed.test/')).toContain('a private address (10.0.0.5)');
  });

  it('refuses literal private addresses and other schemes before anything else', async () => {
    expect(await refusal('http://169.254.169.254/')).toContain('link-local');
    expect(await refusal('http://[::1]:4000/')).toContain('loopback');
    expect(await refusal('http://0.0.0.0/')).toContain('unspecified');
    expect(await refusal('file:///etc/passwd')).toBe('scheme file: is not fetched');
    expect(await refusal('ftp://public.test/')).toBe('scheme ftp: is not fetched');
    expect(await refusal('http://nowhere.test/')).toBe('host nowhere.test does not resolve (ENOTFOUND)');
  });

  it('lets allow-listed hosts and addresses through on their port only', async () => {
    expect(await refusal('http://dev.test:3000/')).toBe('allowed');
    expect(await refusal('http://dev.test:3001/')).toContain('loopback');
    expect(await refusal('http://127.0.0.1:4000/')).toBe('allowed');
    expect(await refusal('http://127.0.0.2:4000/')).toContain('loopback');
    expect(await refusal('ws://127.0.0.1:4000/socket')).toBe('allowed');
  });
});

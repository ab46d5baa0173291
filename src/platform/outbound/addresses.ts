import { isIP, isIPv4 } from 'node:net';

/**
 * Which IP addresses the server may connect to on someone's behalf. An address is refused when it
 * is not on the public Internet: loopback, private, shared (CGNAT), link-local, unique-local,
 * multicast, unspecified, broadcast, documentation, benchmarking and other reserved ranges of the
 * IANA special-purpose registries. IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they carry, so
 * `::ffff:127.0.0.1` is loopback. In IPv6 only global unicast (`2000::/3`) can be public.
 */

/** IPv4 ranges that are never public: [first address, prefix length, what it is]. */
const REFUSED_V4: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved (6to4 relay)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // with the broadcast address 255.255.255.255
];

/** IPv6 ranges inside global unicast (2000::/3) that are still not public. */
const REFUSED_V6_GLOBAL: ReadonlyArray<readonly [string, number, string]> = [
  ['2001::', 23, 'reserved (IETF protocol assignments, Teredo)'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
];

/** IPv6 ranges outside global unicast, named for the refusal (everything else there is "reserved"). */
const NAMED_V6: ReadonlyArray<readonly [string, number, string]> = [
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only'],
];

/** An IPv4 address in dotted-quad form as a 32-bit number. */
function v4Number(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function v4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** An IPv6 address (any valid text form, with or without a zone) as a 128-bit number. */
function v6Number(address: string): bigint {
  const text = address.replace(/%.*$/, '');
  let groups: string[];
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  const head = tail ? text.slice(0, -tail[0].length) : text;
  const parts = (value: string) => (value === '' ? [] : value.split(':'));
  const [left = '', right] = head.split('::');
  const embedded = tail ? [(v4Number(tail[0]) >>> 16).toString(16), (v4Number(tail[0]) & 0xffff).toString(16)] : [];
  if (right === undefined) groups = [...parts(left.replace(/:$/, '')), ...embedded];
  else {
    const before = parts(left);
    const after = [...parts(right.replace(/:$/, '')), ...embedded];
    groups = [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  }
  return groups.reduce((value, group) => (value << 16n) + BigInt(parseInt(group, 16)), 0n);
}

function inV4(value: number, [first, prefix]: readonly [string, number, string]): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(v4Number(first) / size);
}

function inV6(value: bigint, [first, prefix]: readonly [string, number, string]): boolean {
  const shift = BigInt(128 - prefix);
  return value >> shift === v6Number(first) >> shift;
}

function refusedV4(address: string): string | undefined {
  const value = v4Number(address);
  return REFUSED_V4.find((range) => inV4(value, range))?.[2];
}

function refusedV6(address: string): string | undefined {
  const value = v6Number(address);
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  const low32 = Number(value & 0xffffffffn);
  const embedded = (label: string) => {
    const inner = refusedV4(v4Text(low32));
    return inner === undefined ? undefined : `${inner} (${label})`;
  };
  if (value >> 32n === 0xffffn) return embedded('IPv4-mapped');
  if (value >> 32n === 0xffff0000n) return embedded('IPv4-translated');
  if (value >> 32n === 0n) return 'reserved (IPv4-compatible)';
  if (value >> 32n === v6Number('64:ff9b::') >> 32n) return embedded('NAT64');
  if (value >> 112n === 0x2002n) {
    const inner = refusedV4(v4Text(Number((value >> 80n) & 0xffffffffn)));
    return inner === undefined ? undefined : `${inner} (6to4)`;
  }
  if (value >> 125n === 1n) return REFUSED_V6_GLOBAL.find((range) => inV6(value, range))?.[2];
  return NAMED_V6.find((range) => inV6(value, range))?.[2] ?? 'reserved';
}

/**
 * Why the server must not connect to this IP address ('loopback', 'private', 'link-local', …), or
 * undefined when it is a public address. Anything that is not an IP address is refused as 'not an IP address'.
 */
export function refusedRange(address: string): string | undefined {
  const plain = address.replace(/^\[|\]$/g, '');
  if (isIPv4(plain)) return refusedV4(plain);
  if (isIP(plain.replace(/%.*$/, '')) === 6) return refusedV6(plain);
  return 'not an IP address';
}

/**
 * A host as the server will look it up: what the WHATWG URL parser makes of it (so `0x7f000001`,
 * `2130706433`, `0177.0.0.1` and `127.1` are all `127.0.0.1`, and IPv6 is compressed, lower case and
 * without brackets), lower case, without a final dot. Undefined for what is not a host name or address.
 */
export function normaliseHost(host: string): string | undefined {
  const text = host.trim();
  if (text === '' || /[\s/?#@\\]/.test(text)) return undefined;
  const colons = text.match(/:/g)?.length ?? 0;
  if (!text.startsWith('[') && colons === 1) return undefined; // a port belongs elsewhere
  const bracketed = !text.startsWith('[') && colons >= 2 ? `[${text}]` : text;
  let parsed: URL;
  try {
    parsed = new URL(`http://${bracketed}/`);
  } catch {
    return undefined;
  }
  if (parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return undefined;
  const name = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return name === '' ? undefined : name;
}

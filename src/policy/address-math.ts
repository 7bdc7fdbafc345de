import { isIP } from 'net';

/** An address range: family, first address and prefix length, as integers. */
export interface AddressRange {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** First address of the range (host bits zero). */
  readonly network: bigint;
  /** Prefix length. */
  readonly prefix: number;
}

const WIDTH = { 4: 32, 6: 128 } as const;

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/**
 * A CIDR as an address range, or undefined when the text is not one. The address part is checked
 * by Node's own `net.isIP`; host bits must be zero (`10.0.0.1/8` is a typo, not a network).
 */
export function addressRange(cidr: string): AddressRange | undefined {
  const slash = cidr.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const address = cidr.slice(0, slash);
  const bits = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || address.includes('%')) return undefined;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  const prefix = Number(bits);
  if (prefix > WIDTH[family]) return undefined;
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostBits = BigInt(WIDTH[family] - prefix);
  if (value & ((1n << hostBits) - 1n)) return undefined;
  return { family, network: value, prefix };
}

/** The text form of a range (IPv6 in full, lower-case, compressed). */
export function formatRange(r: AddressRange): string {
  if (r.family === 4) {
    const n = r.network;
    return `${[24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.')}/${r.prefix}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((r.network >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  const text = best.start < 0 ? groups.join(':')
    : `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
  return `${text}/${r.prefix}`;
}

/** Last address of a range. */
function lastOf(r: AddressRange): bigint {
  return r.network + (1n << BigInt(WIDTH[r.family] - r.prefix)) - 1n;
}

/** Whether `inner` lies entirely within `outer` (same family). */
export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && inner.network >= outer.network && lastOf(inner) <= lastOf(outer);
}

/** Whether two ranges share an address. */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.network <= lastOf(b) && b.network <= lastOf(a);
}

/**
 * The smallest list of CIDRs that covers `within` except every range in `excluded`: what a
 * security group, which can only allow, needs in order to say "everything but these".
 */
export function complement(within: AddressRange, excluded: readonly AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  const width = WIDTH[within.family];
  const walk = (r: AddressRange): void => {
    const hits = excluded.filter((e) => rangesOverlap(r, e));
    if (hits.length === 0) { out.push(r); return; }
    if (hits.some((e) => rangeContains(e, r))) return;
    const half = BigInt(width - r.prefix - 1);
    walk({ family: r.family, network: r.network, prefix: r.prefix + 1 });
    walk({ family: r.family, network: r.network + (1n << half), prefix: r.prefix + 1 });
  };
  walk(within);
  return out;
}

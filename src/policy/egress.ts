import { TargetFacts } from '../targets/types';
import { addressRange, complement, formatRange, rangeContains } from './address-math';
import {
  GLOBAL_UNICAST_IPV6 as GLOBAL_UNICAST_IPV6_FACT, NODE_LOCAL_DNS, NON_INTERNET_IPV4 as NON_INTERNET_IPV4_FACT, NON_ROUTABLE_IPV4 as NON_ROUTABLE_IPV4_FACT,
} from '../targets/network';
import { ConfigProblem } from './errors';

/**
 * IPv4 ranges user code must not reach where egress is filtered by security groups (ECS, EKS
 * on Fargate): "this network" 0/8, RFC 1918 private space, RFC 6598 shared space (carrier NAT, EKS
 * custom networking), loopback, link-local (instance and task metadata live there) and multicast
 * plus the reserved 224/3. Security groups can only allow, so the default egress is the
 * complement of these: every other IPv4 address, i.e. the internet.
 */
export const NON_INTERNET_IPV4: readonly string[] = NON_INTERNET_IPV4_FACT.value;

/** The IPv4 internet as CIDRs: everything but NON_INTERNET_IPV4, in as few ranges as possible. */
export function internetIpv4Cidrs(): string[] {
  return complement(addressRange('0.0.0.0/0')!, NON_INTERNET_IPV4.map((c) => addressRange(c)!)).map(formatRange);
}

/**
 * IPv6 unicast that is global (RFC 4291 2000::/3): no unique-local (fc00::/7, where the EC2
 * metadata service's fd00:ec2::254 lives), no link-local (fe80::/10), no NAT64 prefixes
 * (64:ff9b::/96 and 64:ff9b:1::/48 translate to IPv4, private ranges included), no loopback or
 * IPv4-mapped addresses. Where the kit allows IPv6 internet at all, it allows this and nothing else.
 */
export const GLOBAL_UNICAST_IPV6 = GLOBAL_UNICAST_IPV6_FACT.value;

/**
 * IPv4 ranges no NetworkPolicy egress rule of the kit's reaches, whatever the kit file's
 * privateCidrs say: "this network", loopback, multicast and reserved space.
 */
export const NON_ROUTABLE_IPV4: readonly string[] = NON_ROUTABLE_IPV4_FACT.value;

/** NodeLocal DNSCache's default link-local address (catalog: NODE_LOCAL_DNS). */
export const NODE_LOCAL_DNS_ADDRESS = NODE_LOCAL_DNS.value;

/**
 * Where pods of a target send DNS besides the kube-dns pods, as /32 CIDRs for ipBlock peers on
 * port 53: the catalog's resolvers (GKE: the metadata server for Cloud DNS, NodeLocal DNSCache),
 * NodeLocal DNSCache where the kit file says the cluster runs it, and the kit file's own
 * addresses. Only port 53 is opened to them: the metadata server's HTTP stays closed.
 */
export function dnsResolverCidrs(facts: TargetFacts, nodeLocalDnsCache: boolean | undefined, extra: readonly string[]): string[] {
  const addresses = facts.clusterDns.value.resolvers.map((r) => `${r.address}/32`);
  if (nodeLocalDnsCache) addresses.push(`${NODE_LOCAL_DNS_ADDRESS}/32`);
  return [...new Set([...addresses, ...extra])];
}

/**
 * The `except` list of an ipBlock: the given ranges that lie strictly inside `cidr` (the API
 * server refuses others), widest first.
 */
export function exceptWithin(cidr: string, ranges: readonly string[]): string[] {
  const outer = addressRange(cidr)!;
  return [...new Set(ranges)].filter((c) => {
    const r = addressRange(c);
    return r !== undefined && rangeContains(outer, r) && r.prefix > outer.prefix;
  });
}

/** Transport protocols an egress allowlist entry may name. */
export type EgressProtocol = 'tcp' | 'udp';

/** One destination the kit file opens to user code on top of the default egress. */
export interface EgressAllowRule {
  /**
   * Destination range, IPv4 or IPv6 (e.g. a database subnet `10.20.0.0/24`).
   * @format cidr
   * @mismatch is not an IPv4 or IPv6 CIDR (address/prefix, host bits zero)
   * @example "10.20.0.0/24"
   */
  readonly cidr: string;
  /**
   * Destination port (first port of a range with `toPort`), 1-65535.
   * @asType integer
   * @minimum 1
   * @maximum 65535
   */
  readonly port: number;
  /**
   * Last port of a range.
   * @default - `port` (one port)
   * @asType integer
   * @minimum 1
   * @maximum 65535
   */
  readonly toPort?: number;
  /**
   * Transport protocol.
   * @default "tcp"
   */
  readonly protocol?: EgressProtocol;
  /**
   * What the destination is, shown on the rule (security group rule descriptions accept only
   * these characters).
   * @pattern ^[\w .:/()#,@[\]+=&;{}!$*-]{0,200}$
   * @mismatch must be up to 200 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*
   * @default - the CIDR and ports
   */
  readonly description?: string;
}

/** An allowlist entry with its defaults applied. */
export interface ResolvedEgressAllowRule {
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly port: number;
  readonly toPort: number;
  readonly protocol: EgressProtocol;
  readonly description: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isPort = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;

/** At most this many entries: each is one security group rule, and a group holds 60 egress rules by default. */
export const MAX_EGRESS_ALLOW_RULES = 50;

/**
 * Check an egress allowlist from the kit file; every problem names its entry (`<field>[i].cidr`)
 * and what would work. A range of every address is refused: the public internet is open already,
 * and 0.0.0.0/0 would reopen the private ranges too.
 */
export function resolveEgressAllowlist(raw: unknown, field: string): { rules: ResolvedEgressAllowRule[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const rules: ResolvedEgressAllowRule[] = [];
  const bad = (f: string, message: string, ...alternatives: string[]) => problems.push({ field: f, message, alternatives });
  if (raw === undefined) return { rules, problems };
  if (!Array.isArray(raw)) {
    bad(field, 'must be a list of { "cidr": ..., "port": ... } entries', '[{ "cidr": "10.20.0.0/24", "port": 5432, "description": "analytics database" }]');
    return { rules, problems };
  }
  if (raw.length > MAX_EGRESS_ALLOW_RULES) {
    bad(field, `has ${raw.length} entries; each is a security group rule and the kit keeps them in one group (at most ${MAX_EGRESS_ALLOW_RULES})`, 'fewer, wider ranges (one CIDR covering neighbouring destinations)');
  }
  raw.forEach((entry, i) => {
    const f = `${field}[${i}]`;
    if (!isRecord(entry)) { bad(f, 'must be an object with cidr and port', '{ "cidr": "10.20.0.0/24", "port": 5432 }'); return; }
    for (const k of Object.keys(entry)) {
      if (!['cidr', 'port', 'toPort', 'protocol', 'description'].includes(k)) bad(`${f}.${k}`, `unknown field "${k}"`, '"cidr"', '"port"', '"toPort"', '"protocol"', '"description"');
    }
    const range = typeof entry.cidr === 'string' ? addressRange(entry.cidr) : undefined;
    let ok = true;
    if (!range) {
      ok = false;
      bad(`${f}.cidr`, `${JSON.stringify(entry.cidr)} is not an IPv4 or IPv6 CIDR (address/prefix, host bits zero)`, '"10.20.0.0/24"', '"10.20.0.15/32"', '"2001:db8:100::/64"');
    } else if (range.prefix === 0) {
      ok = false;
      bad(`${f}.cidr`, `${entry.cidr} is every address: the internet is open already, and this would reopen the private ranges and the metadata services`, 'the range of the one destination, e.g. "10.20.0.0/24"');
    }
    if (!isPort(entry.port)) {
      ok = false;
      bad(`${f}.port`, `${JSON.stringify(entry.port)} is not a port (a whole number from 1 to 65535)`, '5432', '443');
    }
    if (entry.toPort !== undefined && (!isPort(entry.toPort) || (isPort(entry.port) && entry.toPort < entry.port))) {
      ok = false;
      bad(`${f}.toPort`, `${JSON.stringify(entry.toPort)} is not a port at or above port ${JSON.stringify(entry.port)}`, `${isPort(entry.port) ? entry.port : 443}`, 'remove toPort (one port)');
    }
    const protocol = entry.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') {
      ok = false;
      bad(`${f}.protocol`, `${JSON.stringify(entry.protocol)} is not "tcp" or "udp"`, '"tcp"', '"udp"');
    }
    if (entry.description !== undefined && (typeof entry.description !== 'string' || !/^[\w .:/()#,@[\]+=&;{}!$*-]{0,200}$/.test(entry.description))) {
      // Security group rule descriptions accept only this character set.
      ok = false;
      bad(`${f}.description`, 'must be up to 200 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*', '"analytics database"');
    }
    if (!ok || !range) return;
    const port = entry.port as number;
    const toPort = (entry.toPort as number | undefined) ?? port;
    rules.push({
      cidr: formatRange(range),
      family: range.family,
      port,
      toPort,
      protocol: protocol as EgressProtocol,
      description: (entry.description as string | undefined) ?? `${formatRange(range)} ${protocol} ${port === toPort ? port : `${port}-${toPort}`}`,
    });
  });
  return { rules, problems };
}

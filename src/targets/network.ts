import { verified } from './facts';
import { platformsDoc } from './sources';

/**
 * Cloud metadata endpoints: the EC2 instance metadata service (IPv4 and its IPv6 address on
 * Nitro instances) and the Compute Engine metadata server, which answer with the node's
 * credentials. User code must never reach them.
 */
export const METADATA_ENDPOINTS = verified<readonly string[]>(
  ['169.254.169.254/32', 'fd00:ec2::254/128'],
  'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html; https://cloud.google.com/compute/docs/metadata/querying-metadata',
);

/**
 * Address ranges that are not the internet and that user code must not reach by default: RFC 1918
 * private space, RFC 6598 shared space (carrier NAT, EKS custom networking), link-local (node
 * credential agents live there besides the metadata service: EKS Pod Identity 169.254.170.23, the
 * ECS agent 169.254.170.2), IPv6 unique-local and link-local.
 */
export const PRIVATE_RANGES = verified<readonly string[]>(
  ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'],
  `RFC 1918, RFC 6598, RFC 3927, RFC 4193, RFC 4291 (IANA special-purpose address registries); ${platformsDoc('network')}`,
);

/**
 * IPv4 ranges that are not the internet, where egress is filtered by security groups (which can
 * only allow): "this network" 0/8, RFC 1918, RFC 6598, loopback, link-local, and multicast plus
 * the reserved 224/3. The kit allows their complement.
 */
export const NON_INTERNET_IPV4 = verified<readonly string[]>(
  ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'],
  `RFC 6890 and the IANA IPv4 special-purpose address registry; ${platformsDoc('network')}`,
);

/**
 * Global IPv6 unicast (RFC 4291 2000::/3): no unique-local (fc00::/7, where fd00:ec2::254 lives), no
 * link-local, no NAT64 prefixes (64:ff9b::/96 and 64:ff9b:1::/48 translate to IPv4, private ranges
 * included), no loopback or IPv4-mapped addresses.
 */
export const GLOBAL_UNICAST_IPV6 = verified('2000::/3', `RFC 4291, RFC 6052, RFC 8215; ${platformsDoc('network')}`);

/** IPv4 ranges no route leads to from a pod: "this network", loopback, multicast and reserved space. */
export const NON_ROUTABLE_IPV4 = verified<readonly string[]>(['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3'], `RFC 6890 (IANA IPv4 special-purpose address registry); ${platformsDoc('network')}`);

/** NodeLocal DNSCache's default link-local address. */
export const NODE_LOCAL_DNS = verified('169.254.20.10', 'kubernetes/kubernetes cluster/addons/dns/nodelocaldns; https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/');

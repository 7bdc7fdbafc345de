/**
 * Kubernetes names and values as the kit file accepts them: string types whose JSDoc carries the
 * pattern the generated JSON Schema checks (src/config).
 */

/**
 * A DNS label (RFC 1123): a namespace name.
 * @pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$
 * @mismatch is not a valid namespace name (a DNS label: lowercase letters, digits and "-", at most 63)
 * @example "retool"
 */
export type DnsLabel = string;

/**
 * A DNS domain of labels separated by dots.
 * @pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$
 * @mismatch is not a DNS domain
 * @example "cluster.local"
 */
export type DnsSubdomain = string;

/**
 * A label key: an optional DNS subdomain prefix and `/`, then a name of up to 63 alphanumerics,
 * "-", "_" and ".".
 * @pattern ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$
 * @mismatch is not a valid label key ([prefix/]name, the name up to 63 alphanumerics, "-", "_", ".")
 * @example "app.kubernetes.io/name"
 */
export type LabelKey = string;

/**
 * A label value: empty, or up to 63 alphanumerics, "-", "_" and ".", starting and ending
 * alphanumeric.
 * @pattern ^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$
 * @mismatch is not a valid label value (up to 63 alphanumerics, "-", "_", ".")
 * @example "retool"
 */
export type LabelValue = string;

/**
 * An IPv4 or IPv6 CIDR.
 * @format cidr
 * @mismatch is not an IPv4 or IPv6 CIDR (address/prefix, host bits zero)
 * @example "10.0.0.0/8"
 * @example "fc00::/7"
 */
export type Cidr = string;

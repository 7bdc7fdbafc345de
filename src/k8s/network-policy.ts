import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { commonLabels } from './labels';
import { parseCidr } from '../policy/cidr';
import { dnsResolverCidrs, exceptWithin, GLOBAL_UNICAST_IPV6, NON_ROUTABLE_IPV4 } from '../policy/egress';
import { TargetName, TARGETS } from '../targets';
import { METADATA_CIDRS } from './defaults';

/** Network facts every policy of the kit needs. */
export interface NetworkSettings {
  /** The backend allowed to call the services. */
  readonly backend: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Ranges user code must not reach (metadata endpoints are added on top). */
  readonly privateCidrs: readonly string[];
  /** Cluster DNS: the DNS pods, and the addresses (ipBlock peers) of resolvers no selector matches. */
  readonly dns: { readonly namespace: string; readonly k8sAppLabels: readonly string[]; readonly cidrs: readonly string[] };
}

/**
 * The settings with DNS allowed where the target's resolvers are (catalog: clusterDns; on GKE
 * Cloud DNS and NodeLocal DNSCache), not only to the DNS pods. Idempotent, so a service
 * construct applies it whether it stands alone or SandboxKitChart already did.
 */
export function withTargetDns<T extends NetworkSettings>(net: T, target: TargetName): T {
  return { ...net, dns: { ...net.dns, cidrs: dnsResolverCidrs(TARGETS[target], undefined, net.dns.cidrs) } };
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Peer: pods with these labels in that namespace. */
export function podsIn(namespace: string, podLabels: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
    podSelector: { matchLabels: { ...podLabels } },
  };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

/** Egress to cluster DNS on port 53, UDP and TCP. */
export function dnsEgress(net: NetworkSettings): k8s.NetworkPolicyEgressRule {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: net.dns.namespace } },
        podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: [...net.dns.k8sAppLabels] }] },
      },
      ...net.dns.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ],
    ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
  };
}

/**
 * The internet: every IPv4 address but the given ranges, the metadata endpoints and the
 * non-routable ranges; for IPv6 only global unicast (2000::/3), which leaves out unique-local
 * (fd00:ec2::254 included), link-local, NAT64 (64:ff9b::/96, which would reach private IPv4
 * space), loopback and mapped addresses, minus the given ranges that lie inside it.
 */
export function publicAddresses(privateCidrs: readonly string[]): k8s.NetworkPolicyPeer[] {
  const all = [...new Set([...METADATA_CIDRS, ...NON_ROUTABLE_IPV4, ...privateCidrs])];
  const v4 = all.filter((c) => parseCidr(c)?.family === 4);
  return [
    { ipBlock: { cidr: '0.0.0.0/0', except: v4 } },
    { ipBlock: { cidr: GLOBAL_UNICAST_IPV6, ...(exceptWithin(GLOBAL_UNICAST_IPV6, all).length ? { except: exceptWithin(GLOBAL_UNICAST_IPV6, all) } : {}) } },
  ];
}

/** Egress to the internet only: not the private ranges, not the metadata endpoints. */
export function internetEgress(net: NetworkSettings): k8s.NetworkPolicyEgressRule {
  return { to: publicAddresses(net.privateCidrs) };
}

/** Egress to the Kubernetes API server: its address is private and not selectable by labels. */
export function apiServerEgress(): k8s.NetworkPolicyEgressRule {
  return {
    // Any address but the metadata endpoints, on the API server ports only.
    to: publicAddresses([]),
    ports: [tcp(443), tcp(6443)],
  };
}

/** Ingress from the configured backend on one port. */
export function backendIngress(net: NetworkSettings, port: number): k8s.NetworkPolicyIngressRule {
  return { from: [podsIn(net.backend.namespace, net.backend.podLabels)], ports: [tcp(port)] };
}

/** An allow policy for one set of pods. */
export interface AllowPolicyProps {
  /** Policy name. */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** Pods it applies to. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Allowed ingress. */
  readonly ingress: readonly k8s.NetworkPolicyIngressRule[];
  /** Allowed egress. */
  readonly egress: readonly k8s.NetworkPolicyEgressRule[];
}

/** Render an allow policy (both directions are listed, so what is not allowed stays denied). */
export function allowPolicy(scope: Construct, id: string, props: AllowPolicyProps): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: { 'app.kubernetes.io/part-of': 'sandbox-kit', 'app.kubernetes.io/managed-by': 'sandbox-kit' } },
    spec: {
      podSelector: { matchLabels: { ...props.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [...props.ingress],
      egress: [...props.egress],
    },
  });
}

/** Deny all ingress and egress to every pod of a namespace; allow policies add what is needed. */
export function defaultDenyPolicy(scope: Construct, id: string, namespace: string): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: 'default-deny', namespace, labels: commonLabels('sandbox-kit', 'network-policy') },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
}

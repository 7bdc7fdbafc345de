import { addressRange, rangeContains } from '../../src/policy/address-math';
import { KubeObject } from '../../src/k8s/manifest';

/**
 * A reading of NetworkPolicy egress semantics (kubernetes.io, "Network Policies"), for tables of
 * destinations: a pod no policy with Egress selects may go anywhere; a selected pod may reach a
 * destination when some rule of some selecting policy matches it (peer and port). No CNI runs
 * here, so this states what the rendered policies allow, not what a node enforces.
 */
export interface Destination {
  /** Address (no prefix). */
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** A pod destination: its namespace and labels (pod selector peers match only these). */
  readonly pod?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type Peer = { ipBlock?: { cidr: string; except?: string[] }; podSelector?: Selector; namespaceSelector?: Selector };
type Rule = { to?: Peer[]; ports?: { protocol?: string; port?: number | string; endPort?: number }[] };
type InRule = { from?: Peer[]; ports?: Rule['ports'] };
type Spec = { podSelector: Selector; policyTypes?: string[]; egress?: Rule[]; ingress?: InRule[] };

function matches(sel: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const host = addressRange(`${ip}/${ip.includes(':') ? 128 : 32}`);
  const r = addressRange(cidr);
  return host !== undefined && r !== undefined && rangeContains(r, host);
}

function peerMatches(p: Peer, d: Destination): boolean {
  if (p.ipBlock) return inCidr(d.ip, p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some((e) => inCidr(d.ip, e));
  if (!d.pod) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': d.pod.namespace };
  return matches(p.namespaceSelector, nsLabels) && matches(p.podSelector, d.pod.labels);
}

function portMatches(rule: Rule, d: Destination): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => (p.protocol ?? 'TCP') === d.protocol
    && (p.port === undefined || (typeof p.port === 'number' && d.port >= p.port && d.port <= (p.endPort ?? p.port))));
}

/** Whether the rendered policies let a pod (namespace and labels) send to a destination. */
export function egressAllowed(objects: readonly KubeObject[], pod: { namespace: string; labels: Readonly<Record<string, string>> }, d: Destination): boolean {
  const selecting = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === pod.namespace)
    .map((o) => o.spec as Spec)
    .filter((s) => (s.policyTypes ?? []).includes('Egress') && matches(s.podSelector, pod.labels));
  if (selecting.length === 0) return true;
  return selecting.some((s) => (s.egress ?? []).some((r) => portMatches(r, d) && (!r.to || r.to.length === 0 || r.to.some((p) => peerMatches(p, d)))));
}

/** A pod as a source or destination of a connection. */
export interface PodRef {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Its address (any, for ipBlock peers). */
  readonly ip?: string;
}

/**
 * Whether the rendered policies let a pod (`to`) receive from a source on a port: a pod no
 * policy with Ingress selects accepts anything; a selected pod accepts when some rule of some
 * selecting policy matches the source (peer) and the port.
 */
export function ingressAllowed(objects: readonly KubeObject[], to: PodRef, from: { ip: string; pod?: { namespace: string; labels: Readonly<Record<string, string>> } }, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): boolean {
  const selecting = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === to.namespace)
    .map((o) => o.spec as Spec)
    .filter((s) => (s.policyTypes ?? []).includes('Ingress') && matches(s.podSelector, to.labels));
  if (selecting.length === 0) return true;
  const src: Destination = { ip: from.ip, port, protocol, pod: from.pod };
  return selecting.some((s) => (s.ingress ?? []).some((r) => portMatches(r, src) && (!r.from || r.from.length === 0 || r.from.some((p) => peerMatches(p, src)))));
}

/** Whether a connection from one pod to another on a port passes both the source's egress and the destination's ingress policies. */
export function connectionAllowed(objects: readonly KubeObject[], from: PodRef, to: PodRef, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): boolean {
  const fromIp = from.ip ?? '10.0.9.1';
  const toIp = to.ip ?? '10.0.9.2';
  return egressAllowed(objects, from, { ip: toIp, port, protocol, pod: { namespace: to.namespace, labels: to.labels } })
    && ingressAllowed(objects, to, { ip: fromIp, pod: { namespace: from.namespace, labels: from.labels } }, port, protocol);
}

import { TargetName } from '../../src/targets/types';
import { render } from './helpers';
import { Destination, egressAllowed } from './netpol';

/**
 * Where user code may send packets, read from the rendered NetworkPolicies (test/k8s/netpol.ts),
 * per target: the attack table behind docs/security.md's network rows. Each row is one
 * destination an attacker in a sandbox would try.
 */
const udp = (ip: string, port: number): Destination => ({ ip, port, protocol: 'UDP' });
const tcp = (ip: string, port: number): Destination => ({ ip, port, protocol: 'TCP' });

type Row = [string, Destination, Partial<Record<TargetName, boolean>>];
const ROWS: Row[] = [
  ['the internet over HTTPS', tcp('93.184.216.34', 443), { 'eks': true, 'gke-standard': true, 'kubernetes': true }],
  ['the internet over IPv6', tcp('2606:4700:4700::1111', 443), { 'eks': true, 'gke-standard': true, 'kubernetes': true }],
  ['instance metadata (credentials) over HTTP', tcp('169.254.169.254', 80), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['EC2 metadata over IPv6', tcp('fd00:ec2::254', 80), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['EKS Pod Identity agent', tcp('169.254.170.23', 80), { 'eks': false }],
  ['a VPC database', tcp('10.0.12.7', 5432), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['the node\'s kubelet', tcp('10.0.1.10', 10250), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['shared address space (carrier NAT, EKS custom networking)', tcp('100.64.3.4', 443), { 'eks': false }],
  ['a unique-local IPv6 host', tcp('fd12:3456::1', 443), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['link-local IPv6', tcp('fe80::1', 443), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['private IPv4 through NAT64 (64:ff9b::10.0.12.7)', tcp('64:ff9b::a00:c07', 5432), { 'eks': false, 'gke-standard': false, 'kubernetes': false }],
  ['IPv4-mapped IPv6 of a private host', tcp('::ffff:10.0.12.7', 5432), { 'eks': false, 'kubernetes': false }],
  ['loopback of the node over IPv6', tcp('::1', 22), { 'eks': false }],
  ['Cloud DNS at the metadata server (GKE resolver), UDP', udp('169.254.169.254', 53), { 'eks': false, 'gke-standard': true, 'kubernetes': false }],
  ['Cloud DNS at the metadata server, TCP', tcp('169.254.169.254', 53), { 'gke-standard': true }],
  ['NodeLocal DNSCache', udp('169.254.20.10', 53), { 'eks': false, 'gke-standard': true, 'kubernetes': false }],
  ['the kube-dns pods', { ip: '10.0.5.5', port: 53, protocol: 'UDP', pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } }, { 'eks': true, 'gke-standard': true, 'kubernetes': true }],
  ['another pod of kube-system on 53', { ip: '10.0.5.6', port: 53, protocol: 'UDP', pod: { namespace: 'kube-system', labels: { 'k8s-app': 'metrics' } } }, { 'eks': false }],
];

const executors = { namespace: 'sandbox-kit-code-executor', labels: { 'app.kubernetes.io/name': 'code-executor', 'app.kubernetes.io/component': 'main' } };
const objectsOf = Object.fromEntries((['eks', 'gke-standard', 'kubernetes'] as const).map((t) => [t, render({ target: t }).objects]));

describe.each(Object.keys(objectsOf))('%s: code-executor egress', (target) => {
  const objects = objectsOf[target];
  test.each(ROWS.filter(([, , expect]) => expect[target as TargetName] !== undefined).map(([name, d, e]) => [name, d, e[target as TargetName]!] as const))(
    '%s', (_name, d, allowed) => {
      expect(egressAllowed(objects, executors, d)).toBe(allowed);
    });
});

test('NodeLocal DNSCache on another target when the kit file says the cluster runs it (port 53 only)', () => {
  const { objects } = render({ target: 'eks' }, { dns: { nodeLocalDnsCache: true } });
  expect(egressAllowed(objects, executors, udp('169.254.20.10', 53))).toBe(true);
  expect(egressAllowed(objects, executors, tcp('169.254.20.10', 53))).toBe(true);
  expect(egressAllowed(objects, executors, tcp('169.254.20.10', 8080))).toBe(false);
  expect(egressAllowed(objects, executors, udp('169.254.169.254', 53))).toBe(false);
});

test('negative control: without the kit\'s policies the pod may go anywhere (the reading is not vacuous)', () => {
  const objects = objectsOf.eks.filter((o) => o.kind !== 'NetworkPolicy');
  expect(egressAllowed(objects, executors, tcp('169.254.169.254', 80))).toBe(true);
});

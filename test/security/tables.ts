import { TargetName } from '../../src/targets/types';
import { Destination } from '../k8s/netpol';

/**
 * The attack tables the tests run and docs/security.md is written from (test/security/doc.test.ts
 * keeps the two in step). Each row is one thing an attacker in a sandbox tries, with the outcome
 * per target the tests assert.
 */
export type Outcome = 'blocked' | 'open';

export const udp = (ip: string, port: number): Destination => ({ ip, port, protocol: 'UDP' });
export const tcp = (ip: string, port: number): Destination => ({ ip, port, protocol: 'TCP' });

/** Egress from code-executor's pods on Kubernetes targets: true where the rendered NetworkPolicies let it through. */
export type EgressRow = [string, Destination, Partial<Record<TargetName, boolean>>];
export const K8S_EGRESS_ROWS: EgressRow[] = [
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


/**
 * Egress from a task that runs user code on ECS: `open`/`blocked` by the tasks' security groups,
 * `open (unfiltered)` where security groups cannot filter (link-local services), `blocked (agent)`
 * where the ECS agent closes it (ECS_AWSVPC_BLOCK_IMDS) or Fargate exposes nothing.
 */
export type EcsOutcome = 'open' | 'blocked' | 'open (unfiltered)' | 'blocked (agent)' | 'blocked (none on Fargate)';
export type EcsRow = [string, { ip: string; port: number; protocol: 'tcp' | 'udp' } | 'vpc-endpoint', Partial<Record<'ecs-ec2' | 'ecs-fargate', EcsOutcome>>];
export const ECS_EGRESS_ROWS: EcsRow[] = [
  ['the internet over HTTPS', { ip: '93.184.216.34', port: 443, protocol: 'tcp' }, { 'ecs-ec2': 'open', 'ecs-fargate': 'open' }],
  ['a VPC database', { ip: '10.0.12.7', port: 5432, protocol: 'tcp' }, { 'ecs-ec2': 'blocked', 'ecs-fargate': 'blocked' }],
  ['another task or instance in the VPC', { ip: '10.0.3.3', port: 22, protocol: 'tcp' }, { 'ecs-ec2': 'blocked', 'ecs-fargate': 'blocked' }],
  ['shared address space', { ip: '100.64.3.4', port: 443, protocol: 'tcp' }, { 'ecs-ec2': 'blocked', 'ecs-fargate': 'blocked' }],
  ['a 192.168 private host', { ip: '192.168.1.1', port: 80, protocol: 'tcp' }, { 'ecs-ec2': 'blocked', 'ecs-fargate': 'blocked' }],
  ['the internet over IPv6', { ip: '2606:4700:4700::1111', port: 443, protocol: 'tcp' }, { 'ecs-ec2': 'blocked', 'ecs-fargate': 'blocked' }],
  ['the VPC endpoints (ECR, Logs) on 443', 'vpc-endpoint', { 'ecs-ec2': 'open', 'ecs-fargate': 'open' }],
  ['instance metadata (the instance role) over HTTP', { ip: '169.254.169.254', port: 80, protocol: 'tcp' }, { 'ecs-ec2': 'blocked (agent)', 'ecs-fargate': 'blocked (none on Fargate)' }],
  ['the task metadata endpoint (task role credentials)', { ip: '169.254.170.2', port: 80, protocol: 'tcp' }, { 'ecs-ec2': 'open (unfiltered)', 'ecs-fargate': 'open (unfiltered)' }],
  ['the Amazon DNS resolver (DNS tunnelling)', { ip: '169.254.169.253', port: 53, protocol: 'udp' }, { 'ecs-ec2': 'open (unfiltered)', 'ecs-fargate': 'open (unfiltered)' }],
];

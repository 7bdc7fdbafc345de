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

/** One end of an agent sandbox connection: a component's pod, the backend, or an address. */
export type AgentEnd = 'sandbox' | 'controller' | 'proxy' | 'backend' | 'kube-dns' | { readonly ip: string };
/** [what is tried, from, to, port, protocol, allowed by the rendered NetworkPolicies (egress of the source and ingress of the destination)]. */
export type AgentPathRow = [string, AgentEnd, AgentEnd, number, 'TCP' | 'UDP', boolean];
export const AGENT_PATH_ROWS: AgentPathRow[] = [
  ['sandbox → the proxy (its only way out)', 'sandbox', 'proxy', 3019, 'TCP', true],
  ['sandbox → cluster DNS', 'sandbox', 'kube-dns', 53, 'UDP', true],
  ['sandbox → the controller (holds the Job-creating token)', 'sandbox', 'controller', 3018, 'TCP', false],
  ['sandbox → another sandbox', 'sandbox', 'sandbox', 3017, 'TCP', false],
  ['sandbox → the internet directly', 'sandbox', { ip: '93.184.216.34' }, 443, 'TCP', false],
  ['sandbox → instance metadata', 'sandbox', { ip: '169.254.169.254' }, 80, 'TCP', false],
  ['sandbox → the backend', 'sandbox', 'backend', 3000, 'TCP', false],
  ['sandbox → the API server', 'sandbox', { ip: '10.100.0.1' }, 443, 'TCP', false],
  ['sandbox → a VPC database', 'sandbox', { ip: '10.0.12.7' }, 5432, 'TCP', false],
  ['backend → sandbox', 'backend', 'sandbox', 3017, 'TCP', true],
  ['controller → sandbox', 'controller', 'sandbox', 3017, 'TCP', true],
  ['proxy → sandbox', 'proxy', 'sandbox', 3017, 'TCP', true],
  ['backend → controller', 'backend', 'controller', 3018, 'TCP', true],
  ['backend → proxy', 'backend', 'proxy', 3019, 'TCP', true],
  ['proxy → the internet', 'proxy', { ip: '93.184.216.34' }, 443, 'TCP', true],
  ['proxy → the backend (BACKEND_URL)', 'proxy', 'backend', 3000, 'TCP', true],
  ['proxy → instance metadata', 'proxy', { ip: '169.254.169.254' }, 80, 'TCP', false],
  ['proxy → a VPC host on another port', 'proxy', { ip: '10.0.12.7' }, 443, 'TCP', false],
  ['proxy → a VPC host on the Postgres port (agentSandbox.postgres.cidrs unset: see the next table)', 'proxy', { ip: '10.0.12.7' }, 5432, 'TCP', true],
  ['controller → the API server', 'controller', { ip: '10.100.0.1' }, 443, 'TCP', true],
  ['controller → instance metadata', 'controller', { ip: '169.254.169.254' }, 80, 'TCP', false],
  ['controller → the controller port of the proxy', 'controller', 'proxy', 3019, 'TCP', false],
];

/**
 * Egress to the Postgres port from the controller and proxy, with agentSandbox.postgres.cidrs
 * unset and set to ["10.20.0.0/24", "fd20::/64"]: [what is tried, from, address, port, open per case].
 */
export type PostgresRow = [string, 'controller' | 'proxy', string, number, { readonly unset: boolean; readonly set: boolean }];
export const POSTGRES_ROWS: PostgresRow[] = [
  ['controller → Postgres in the named range', 'controller', '10.20.0.7', 5432, { unset: true, set: true }],
  ['proxy → Postgres in the named range', 'proxy', '10.20.0.7', 5432, { unset: true, set: true }],
  ['controller → Postgres at a unique-local IPv6 address in the named range', 'controller', 'fd20::7', 5432, { unset: false, set: true }],
  ['controller → another VPC host on the Postgres port', 'controller', '10.0.12.7', 5432, { unset: true, set: false }],
  ['proxy → another VPC host on the Postgres port', 'proxy', '10.0.12.7', 5432, { unset: true, set: false }],
  ['proxy → an internet host on the Postgres port', 'proxy', '93.184.216.34', 5432, { unset: true, set: true }],
  ['controller → an internet host on the Postgres port', 'controller', '93.184.216.34', 5432, { unset: true, set: false }],
  ['controller → instance metadata on the Postgres port', 'controller', '169.254.169.254', 5432, { unset: false, set: false }],
  ['controller → the named range on another port', 'controller', '10.20.0.7', 22, { unset: false, set: false }],
];

/** Resource exhaustion attempts: [what is tried, what stops it, the test that shows it]. */
export const RESOURCE_ROWS: [string, string, string][] = [
  ['the controller creates more sandbox pods than MAX_TOTAL_JOBS allows (twice, for terminating pods)', 'ResourceQuota `sandbox-kit-user-code` scoped to the sandbox PriorityClass: pods and requests/limits of cpu, memory, ephemeral-storage sized to 2 × MAX_TOTAL_JOBS sandbox pods', 'test/k8s/quota.test.ts'],
  ['a Job with parallelism 50 (many pods per Job)', 'the admission policy pins `parallelism` and `completions` (defaults only)', 'test/k8s/admission/sandbox-admission.test.ts'],
  ['an executor Deployment scaled past its autoscaler', 'ResourceQuota sized to 2 × maxReplicas + 1 (surge, terminating pods)', 'test/k8s/quota.test.ts'],
  ['a pod with `priorityClassName: system-node-critical` (preempts anything, cluster-wide)', 'ResourceQuota `sandbox-kit-no-critical-priority` (pods: 0 for the critical classes) in every user-code namespace; the admission policy pins the sandbox PriorityClass (value 0, never preempts)', 'test/k8s/quota.test.ts, test/k8s/admission/sandbox-admission.test.ts'],
  ['a container with no requests or limits, or larger ones than the kit renders', 'LimitRange `sandbox-kit-bounds`: defaults from the user-code container, max = the largest container and pod the kit renders there', 'test/k8s/quota.test.ts'],
  ['filling the node\'s disk through an emptyDir or the writable layer', '`sizeLimit` on every emptyDir, an ephemeral-storage limit on every container', 'test/k8s/bounds.test.ts'],
  ['a fork bomb', 'kubelet `podPidsLimit` (EKS node groups the kit creates), ECS_TASK_PIDS_LIMIT (ECS); a node prerequisite elsewhere', 'test/aws/*, explain'],
];

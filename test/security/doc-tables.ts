import { JOB_ATTACKS, POD_ATTACKS } from '../k8s/admission/attacks';
import { AGENT_PATH_ROWS, ECS_EGRESS_ROWS, K8S_EGRESS_ROWS, POSTGRES_ROWS, RESOURCE_ROWS } from './tables';

/**
 * The tables of docs/security.md, generated from the attack tables the tests run
 * (test/security/doc.test.ts checks the document holds them as written here).
 */
const K8S = ['eks', 'gke-standard', 'kubernetes'] as const;
const cell = (v: boolean | undefined) => (v === undefined ? '' : v ? 'open' : 'blocked');
const dest = (d: { ip: string; port: number; protocol: string }) => `${d.ip.includes(':') ? `[${d.ip}]` : d.ip}:${d.port}/${d.protocol.toLowerCase()}`;

export function kubernetesEgressTable(): string {
  const lines = ['| code-executor pod tries | destination | eks | gke-standard | kubernetes |', '|---|---|---|---|---|'];
  for (const [name, d, e] of K8S_EGRESS_ROWS) lines.push(`| ${name} | ${dest(d)} | ${K8S.map((t) => cell(e[t])).join(' | ')} |`);
  return lines.join('\n');
}

export function ecsEgressTable(): string {
  const lines = ['| task running user code tries | destination | ecs-ec2 | ecs-fargate |', '|---|---|---|---|'];
  for (const [name, d, e] of ECS_EGRESS_ROWS) lines.push(`| ${name} | ${d === 'vpc-endpoint' ? 'VPC endpoint :443' : dest(d)} | ${e['ecs-ec2'] ?? ''} | ${e['ecs-fargate'] ?? ''} |`);
  return lines.join('\n');
}

export function agentPathsTable(): string {
  const lines = ['| agent sandbox connection | port | eks, gke-standard, kubernetes |', '|---|---|---|'];
  for (const [name, , , port, protocol, allowed] of AGENT_PATH_ROWS) lines.push(`| ${name} | ${port}/${protocol.toLowerCase()} | ${cell(allowed)} |`);
  return lines.join('\n');
}

export function agentPostgresTable(): string {
  const lines = ['| connection | destination | cidrs unset | cidrs ["10.20.0.0/24", "fd20::/64"] |', '|---|---|---|---|'];
  for (const [name, , ip, port, open] of POSTGRES_ROWS) lines.push(`| ${name} | ${ip.includes(':') ? `[${ip}]` : ip}:${port}/tcp | ${cell(open.unset)} | ${cell(open.set)} |`);
  return lines.join('\n');
}

export function admissionTable(): string {
  const lines = ['| the controller creates a sandbox pod or Job with | outcome |', '|---|---|'];
  for (const a of POD_ATTACKS) lines.push(`| pod: ${a.name} | denied |`);
  for (const a of JOB_ATTACKS) lines.push(`| Job: ${a.name} | denied |`);
  return lines.join('\n');
}

export function resourcesTable(): string {
  const lines = ['| attempt | what stops it | test |', '|---|---|---|'];
  for (const [name, stop, test] of RESOURCE_ROWS) lines.push(`| ${name} | ${stop} | ${test} |`);
  return lines.join('\n');
}

/** Every generated table, by the marker that names it in the document. */
export const DOC_TABLES: Readonly<Record<string, () => string>> = {
  'kubernetes-egress': kubernetesEgressTable,
  'ecs-egress': ecsEgressTable,
  'agent-paths': agentPathsTable,
  'agent-postgres': agentPostgresTable,
  'admission': admissionTable,
  'resources': resourcesTable,
};

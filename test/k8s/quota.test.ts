import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthAll } from '../../src/apps/synth-all';
import { podsOf, KubeObject } from '../../src/k8s/manifest';
import { podCharge, PodResourcesJson } from '../../src/k8s/quota';
import { parseCpu, parseMemory } from '../../src/policy/quantity';
import { deploymentPods, PodCharge, QUOTA_RESOURCES, QuotaResource, sandboxJobPods, sizeQuota } from '../../src/policy/quota';
import { EXAMPLE_AGENT_SANDBOX, render } from './helpers';

const amount = (r: QuotaResource, q: string) => (r === 'cpu' ? parseCpu(q)! : parseMemory(q)!);

/**
 * The quota admission of kubernetes/kubernetes (plugin/pkg/admission/resourcequota with the pod
 * evaluator), modelled for what the tests need: a pod is admitted while, for every limit in the
 * quota's `hard`, the usage of the pods admitted so far plus its charge stays within it.
 */
function admitUnderQuota(hard: Record<string, string>, charges: readonly PodCharge[]): number {
  const used: Record<string, number> = {};
  let admitted = 0;
  for (const c of charges) {
    const add: Record<string, number> = { pods: 1 };
    for (const r of QUOTA_RESOURCES) {
      add[`requests.${r}`] = c.requests[r];
      add[`limits.${r}`] = c.limits[r];
    }
    const fits = Object.entries(hard).every(([k, v]) => (used[k] ?? 0) + (add[k] ?? 0) <= (k === 'pods' ? Number(v) : amount(k.split('.')[1] as QuotaResource, v)));
    if (!fits) continue;
    for (const [k, v] of Object.entries(add)) used[k] = (used[k] ?? 0) + v;
    admitted++;
  }
  return admitted;
}

/** The LimitRanger's checks (plugin/pkg/admission/limitranger): every container within the Container max, the pod within the Pod max. */
function withinLimitRange(limitRange: KubeObject, pod: PodResourcesJson): boolean {
  const limits = (limitRange.spec as { limits: { type: string; max: Record<string, string> }[] }).limits;
  const container = limits.find((l) => l.type === 'Container')!;
  const podMax = limits.find((l) => l.type === 'Pod')!;
  const all = [...(pod.containers ?? []), ...(pod.initContainers ?? [])];
  const ok = all.every((c) => Object.entries(container.max).every(([r, m]) => amount(r as QuotaResource, String(c.resources?.limits?.[r] ?? '0')) <= amount(r as QuotaResource, m)));
  const charge = podCharge(pod);
  return ok && Object.entries(podMax.max).every(([r, m]) => charge.limits[r as QuotaResource] <= amount(r as QuotaResource, m));
}

const sandboxPod: PodResourcesJson = {
  containers: [{ name: 'agent-sandbox', resources: { requests: { 'cpu': '1', 'memory': '2Gi', 'ephemeral-storage': '512Mi' }, limits: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '23040Mi' } } }],
  initContainers: [{ name: 'rootfs-etc-copy', resources: { requests: { 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '16Mi' }, limits: { 'cpu': '100m', 'memory': '32Mi', 'ephemeral-storage': '64Mi' } } }],
};

describe('sizing', () => {
  test('a pod\'s charge: containers summed, the largest init container if larger, plus overhead', () => {
    expect(podCharge(sandboxPod).limits).toEqual({ 'cpu': 2000, 'memory': 4 * 1024 ** 3, 'ephemeral-storage': 23040 * 1024 ** 2 });
    const bigInit = { ...sandboxPod, initContainers: [{ name: 'i', resources: { requests: { 'cpu': '3', 'memory': '1Gi', 'ephemeral-storage': '1Gi' }, limits: { 'cpu': '3', 'memory': '1Gi', 'ephemeral-storage': '1Gi' } } }], overhead: { cpu: '250m', memory: '120Mi' } };
    expect(podCharge(bigInit).requests).toEqual({ 'cpu': 3250, 'memory': 2 * 1024 ** 3 + 120 * 1024 ** 2, 'ephemeral-storage': 1024 ** 3 });
  });

  test('sandbox Jobs: MAX_TOTAL_JOBS (warm pool included), twice for pods still terminating', () => {
    expect(sandboxJobPods(50, 5).pods).toBe(100);
    expect(sandboxJobPods(3, 5).pods).toBe(10);
    expect(deploymentPods(4, 1).pods).toBe(9);
  });

  test('the quota admits exactly the pods the scaling allows, and refuses one more', () => {
    const { pods, why } = sandboxJobPods(50, 5);
    const charge = podCharge(sandboxPod);
    const { hard, problems } = sizeQuota({ what: 'sandbox Job', pods, why, pod: charge }, undefined, 'q');
    expect(problems).toEqual([]);
    expect(hard).toEqual({
      'pods': '100', 'requests.cpu': '200', 'limits.cpu': '200', 'requests.memory': '400Gi', 'limits.memory': '400Gi',
      'requests.ephemeral-storage': '2250Gi', 'limits.ephemeral-storage': '2250Gi',
    });
    expect(admitUnderQuota(hard, Array(pods + 1).fill(charge))).toBe(pods);
    // Negative control: one resource short by a single pod stalls the last one.
    const short = { ...hard, 'limits.memory': `${(pods - 1) * 4}Gi` };
    expect(admitUnderQuota(short, Array(pods).fill(charge))).toBe(pods - 1);
  });

  test('a cap below one pod, or below what the scaling runs at once, is a problem naming what would work', () => {
    const demand = { what: 'sandbox Job', ...sandboxJobPods(10, 2), pod: podCharge(sandboxPod), scalingField: 'maxTotalJobs', podsPerUnit: 2 };
    const below = sizeQuota(demand, { memory: '2Gi', cpu: '10', pods: 200 }, 'services.agent-sandbox.quota');
    expect(below.problems.map((p) => p.field)).toEqual(['services.agent-sandbox.quota.cpu', 'services.agent-sandbox.quota.memory']);
    expect(below.problems[1].message).toMatch(/below what one sandbox Job pod needs \(4Gi of memory\)/);
    expect(below.problems[0].message).toMatch(/20 pods × 2 of cpu = 40/);
    expect(below.problems[0].alternatives).toEqual(['services.agent-sandbox.quota.cpu: 40 or more', 'remove services.agent-sandbox.quota.cpu', 'maxTotalJobs: at most 2 (what this cap holds)']);
    // A cap above the need raises the quota.
    const above = sizeQuota(demand, { pods: 50 }, 'q');
    expect([above.problems, above.hard.pods]).toEqual([[], '50']);
  });
});

describe('rendered (eks)', () => {
  const { objects, plan } = render({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64'] }, { autoscaling: { 'code-executor': { maxReplicas: 6 } } });
  const ns = (name: string) => objects.filter((o) => o.metadata?.namespace === name);

  test.each([['sandbox-kit-code-executor', 'code-executor', 6], ['sandbox-kit-js-executor', 'js-executor', 2]] as const)('%s: a quota for what the Deployment may run at once, critical priority refused, a LimitRange it meets', (namespace, service, replicas) => {
    const inNs = ns(namespace);
    const quota = inNs.find((o) => o.kind === 'ResourceQuota' && o.metadata?.name === 'sandbox-kit-user-code')!;
    const hard = (quota.spec as { hard: Record<string, string> }).hard;
    expect(hard.pods).toBe(String(2 * replicas + 1));
    const [pod] = podsOf(inNs).filter((p) => p.ownerKind === 'Deployment');
    const charge = podCharge(pod.spec as never);
    expect(admitUnderQuota(hard, Array(2 * replicas + 2).fill(charge))).toBe(2 * replicas + 1);
    const critical = inNs.find((o) => o.metadata?.name === 'sandbox-kit-no-critical-priority')!;
    expect(critical.spec).toEqual({ hard: { pods: '0' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['system-node-critical', 'system-cluster-critical'] }] } });
    const lr = inNs.find((o) => o.kind === 'LimitRange')!;
    expect(withinLimitRange(lr, pod.spec as never)).toBe(true);
    // Negative control: a container asking more memory than the largest the kit renders is refused.
    const greedy = JSON.parse(JSON.stringify(pod.spec));
    greedy.containers[0].resources.limits.memory = '64Gi';
    expect(withinLimitRange(lr, greedy)).toBe(false);
    expect(plan.services.map((s) => s.service)).toContain(service);
  });
});

test('bad input: a quota below one sandbox, an allowlist entry that is no CIDR, AppArmor where nodes have none: one error, all three, nothing written', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-quota-'));
  try {
    fs.writeFileSync(path.join(root, 'sandbox-kit.config.json'), JSON.stringify({
      kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable', nodeOs: 'al2023', appArmor: 'kit-profile', services: { 'code-executor': { quota: { memory: '1Gi' } } } } },
      aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, overrides: { 'ecs-ec2': { services: { 'agent-sandbox': { enabled: false } } } }, renderer: { ecs: { egressAllowlist: [{ cidr: 'db.internal', port: 5432 }, { cidr: '10.20.0.0/24', port: 70000 }] } } },
    }));
    let log = '';
    const code = synthAll({ root, env: {}, cdkCommand: ['false'], log: (t) => { log += t; } });
    expect(code).toBe(1);
    expect(fs.readdirSync(root)).toEqual(['sandbox-kit.config.json']);
    expect(log).toMatch(/^sandbox-kit: .*: \d+ problems/);
    expect(log).toContain('services.code-executor.quota.memory: 1Gi is below what one code-executor pod needs (2Gi)');
    expect(log).toContain('aws.renderer.ecs.egressAllowlist[0].cidr');
    expect(log).toContain('aws.renderer.ecs.egressAllowlist[1].port');
    expect(log).toMatch(/appArmor: "kit-profile" needs nodes that run AppArmor/);
    expect(log).toContain('sandbox-kit: nothing written.');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

describe('rendered (eks): the agent sandbox namespace', () => {
  const scaling = { maxTotalJobs: 12, prewarmPoolSize: 3 };
  const { objects } = render({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64'] }, { agentSandbox: { ...EXAMPLE_AGENT_SANDBOX, scaling } });
  const inNs = objects.filter((o) => o.metadata?.namespace === 'sandbox-kit-agent');
  const cm = inNs.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'agent-sandbox-job-template')!;
  const job = JSON.parse((cm.data as Record<string, string>)['job-template.json']);
  const quota = inNs.find((o) => o.kind === 'ResourceQuota' && o.metadata?.name === 'sandbox-kit-user-code')!;
  const spec = quota.spec as { hard: Record<string, string>; scopeSelector: unknown };

  test('the quota counts the sandbox PriorityClass, which the Job template names', () => {
    expect(spec.scopeSelector).toEqual({ matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['sandbox-kit-agent-sandbox'] }] });
    expect(job.spec.template.spec.priorityClassName).toBe('sandbox-kit-agent-sandbox');
    const pc = objects.find((o) => o.kind === 'PriorityClass')!;
    expect([pc.metadata?.name, pc.value, pc.preemptionPolicy, pc.globalDefault]).toEqual(['sandbox-kit-agent-sandbox', 0, 'Never', false]);
  });

  test('it admits 2 × MAX_TOTAL_JOBS sandbox pods as the template makes them, and not one more', () => {
    const charge = podCharge(job.spec.template.spec);
    expect(spec.hard.pods).toBe('24');
    expect(admitUnderQuota(spec.hard, Array(25).fill(charge))).toBe(24);
  });

  test('the LimitRange adds nothing to the template (every container sets what it defaults) and admits it', () => {
    const lr = inNs.find((o) => o.kind === 'LimitRange')!;
    const defaulted = (lr.spec as { limits: { type: string; default?: Record<string, string> }[] }).limits.find((l) => l.type === 'Container')!.default!;
    for (const c of [...job.spec.template.spec.containers, ...job.spec.template.spec.initContainers]) {
      for (const r of Object.keys(defaulted)) expect([c.name, r, c.resources.limits[r] !== undefined && c.resources.requests[r] !== undefined]).toEqual([c.name, r, true]);
    }
    expect(withinLimitRange(lr, job.spec.template.spec)).toBe(true);
    for (const p of podsOf(inNs)) expect([p.source, withinLimitRange(lr, p.spec as never)]).toEqual([p.source, true]);
  });

  test('a quota cap below one sandbox, or below MAX_TOTAL_JOBS, is refused naming what would work', () => {
    const refused = (cap: object) => {
      try {
        render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { quota: cap } } }, { agentSandbox: { ...EXAMPLE_AGENT_SANDBOX, scaling } });
        return [];
      } catch (e) {
        return (e as { problems?: { field: string; alternatives: string[] }[] }).problems ?? [];
      }
    };
    expect(refused({ cpu: '1' }).map((p) => p.field)).toEqual(['services.agent-sandbox.quota.cpu']);
    const low = refused({ pods: 10 });
    expect(low.map((p) => p.field)).toEqual(['services.agent-sandbox.quota.pods']);
    expect(low[0].alternatives).toContain('kubernetes.renderer.agentSandbox.scaling.maxTotalJobs: at most 5 (what this cap holds)');
  });
});

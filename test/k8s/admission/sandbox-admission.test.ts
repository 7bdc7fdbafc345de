import { AdmissionPolicyJson, sandboxAdmissionPolicies, resolvedSandboxJob, additionContext, JobTemplateInput, PriorityClassValue } from '../../../src/k8s/admission/sandbox-admission';
import { Json } from '../../../src/k8s/admission/pin';
import { sandboxJobRules, sandboxPodMatchCondition, sandboxPodRules, SandboxJobTemplate } from '../../../src/k8s/admission/sandbox-policy';
import { admit, PolicyJson } from './cel-harness';
import { jobControllerPod, storedJob } from './api-server';
import { JOB_ATTACKS, NOT_MATCHED, POD_ATTACKS } from './attacks';
import { sandboxUnderTest } from './template-under-test';

/**
 * The sandbox admission policies, evaluated with a real CEL implementation (@bufbuild/cel) on the
 * Job the controller creates from the kit's template and on the pod the Job controller makes of
 * it (both defaulted as the API server would): admitted; every attack row, one field off: denied;
 * the kit's other pods: not matched. Negative controls: the policy with the check that stops an
 * attack removed lets that attack through.
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe.each([
  ['eks', { target: 'eks', retoolVersion: '3.334.0-stable' }],
  ['gke-standard (AppArmor Localhost profile)', { target: 'gke-standard', retoolVersion: '3.334.0-stable' }],
  ['eks, tun device as a hostPath', { target: 'eks', retoolVersion: '3.334.0-stable', agentSandbox: { tunDevice: 'host-path' } }],
] as const)('%s', (_t, config) => {
  const { job: template, imageTag, priorityClass, policies } = sandboxUnderTest(config as never);
  const classes: PriorityClassValue[] = priorityClass ? [priorityClass] : [];

  /** The Job as the controller sends it: the template with __IMAGE_TAG__ replaced, a generated name. */
  function controllerJob(t: JobTemplateInput): Obj {
    const j = clone(t) as Obj;
    for (const list of ['containers', 'initContainers']) for (const c of j.spec.template.spec[list] ?? []) c.image = c.image.split('__IMAGE_TAG__').join(imageTag);
    return { apiVersion: 'batch/v1', kind: 'Job', ...j, metadata: { ...j.metadata, generateName: 'agent-sandbox-job-' } };
  }

  const stored = storedJob(controllerJob(template), 'agent-sandbox-job-x1', 'uid-1', 'sandbox-kit-agent');
  const pod = jobControllerPod(stored, classes);
  const asPolicy = (p: AdmissionPolicyJson): PolicyJson => p as unknown as PolicyJson;

  test('the policies have work to do (a pinned field per template leaf, at least)', () => {
    expect(policies.pod.spec.validations.length).toBeGreaterThan(100);
    expect(policies.job.spec.validations.length).toBeGreaterThan(100);
  });

  test('the template, as the controller creates it and the API server defaults it, is admitted: Job and pod', () => {
    expect(admit(asPolicy(policies.job), stored)).toEqual({ matched: true, denials: [], errors: [] });
    expect(admit(asPolicy(policies.pod), pod)).toEqual({ matched: true, denials: [], errors: [] });
  });

  test('without the DefaultTolerationSeconds plugin (tolerations as the template has them), still admitted', () => {
    const p = clone(pod);
    p.spec.tolerations = p.spec.tolerations.filter((t: Obj) => t.tolerationSeconds !== 300);
    if (!p.spec.tolerations.length) delete p.spec.tolerations;
    expect(admit(asPolicy(policies.pod), p).denials).toEqual([]);
  });

  describe('attack pods, one field each: denied', () => {
    test.each(POD_ATTACKS.map((a) => [a.name, a] as const))('%s', (_name, attack) => {
      const p = clone(pod);
      attack.mutate(p);
      expect(JSON.stringify(p)).not.toEqual(JSON.stringify(pod));
      const v = admit(asPolicy(policies.pod), p);
      expect(v.matched).toBe(true);
      expect(v.denials.length).toBeGreaterThan(0);
    });
  });

  describe('attack Jobs: denied', () => {
    test.each(JOB_ATTACKS.map((a) => [a.name, a] as const))('%s', (_name, attack) => {
      const j = clone(stored);
      attack.mutate(j);
      expect(admit(asPolicy(policies.job), j).denials.length).toBeGreaterThan(0);
    });
  });

  describe('the kit\'s other pods in the namespace are not matched', () => {
    test.each(NOT_MATCHED.map((a) => [a.name, a] as const))('%s', (_name, attack) => {
      const p = clone(pod);
      attack.mutate(p);
      expect(admit(asPolicy(policies.pod), p).matched).toBe(false);
    });

    test('but leaving out the labels and the owner does not escape: an ownerless pod is matched', () => {
      const p = clone(pod);
      delete p.metadata.ownerReferences;
      p.metadata.labels = {};
      const v = admit(asPolicy(policies.pod), p);
      expect(v.matched).toBe(true);
      expect(v.denials.length).toBeGreaterThan(0);
    });
  });

  describe('negative controls: the policy with the checks on one field removed lets that attack through', () => {
    const controls: [string, RegExp][] = [
      ['nodeName: a chosen node (skips the scheduler)', /spec\.nodeName/],
      ['hostPID', /spec\.hostPID/],
      ['command: a shell instead of the sandbox entrypoint', /containers\[0\]\.command/],
      ['priorityClassName: system-node-critical (preempts cluster-wide)', /spec\.priority/],
      ['image: another repository', /containers\[0\]\.image/],
      ['securityContext: privileged', /containers\[0\]\.securityContext\.privileged/],
    ];
    test.each(controls)('%s', (name, field) => {
      const attack = POD_ATTACKS.find((a) => a.name === name)!;
      const p = clone(pod);
      attack.mutate(p);
      const weakened: PolicyJson = { spec: { ...policies.pod.spec, validations: policies.pod.spec.validations.filter((v) => !field.test(v.message)) } };
      expect(weakened.spec.validations.length).toBeLessThan(policies.pod.spec.validations.length);
      expect(admit(asPolicy(policies.pod), p).denials.length).toBeGreaterThan(0);
      expect(admit(weakened, p).denials).toEqual([]);
    });
  });

  test('the image is pinned to the release the controller is given: another tag in the template is refused at synth', () => {
    const t = resolvedSandboxJob(template, imageTag);
    const images = (t.podSpec.containers as Obj[]).map((c) => c.image);
    expect(images.every((i) => i.includes(`:${imageTag}`) && !i.includes('__IMAGE_TAG__'))).toBe(true);
    expect(() => additionContext(resolvedSandboxJob(template, 'latest'), priorityClass)).toThrow(/latest/);
    expect(() => sandboxAdmissionPolicies('x', resolvedSandboxJob(template, imageTag), additionContext(t, priorityClass))).not.toThrow();
  });
});

/**
 * The rule builders on a hand-written template the rendered ones do not have: a nodeSelector,
 * tolerations and a node affinity of the sandbox nodes' own, no RuntimeClass. The defaulted pod is
 * admitted, and a denial names the field and what it must be.
 */
describe('the rule builders on a hand-written template (sandbox nodes\' nodeSelector, tolerations, affinity; no RuntimeClass)', () => {
  const podSpec: { [k: string]: Json } = {
    serviceAccountName: 'agent-sandbox-sandbox', automountServiceAccountToken: false, enableServiceLinks: false, hostUsers: false,
    restartPolicy: 'Never', subdomain: 'agent-sandbox-pods', priorityClassName: 'sandbox-kit-agent-sandbox',
    securityContext: { runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' } },
    nodeSelector: { pool: 'sandboxes' },
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] } } },
    tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }],
    containers: [{
      name: 'agent-sandbox', image: 'tryretool/agent-sandbox-service:3.334.0-stable',
      ports: [{ name: 'http', containerPort: 3017, protocol: 'TCP' }],
      env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      resources: { requests: { 'cpu': '1', 'memory': '2Gi', 'ephemeral-storage': '512Mi' }, limits: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '23040Mi' } },
      securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, procMount: 'Unmasked', seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }],
    initContainers: [{ name: 'rootfs-etc-copy', image: 'tryretool/agent-sandbox-service:3.334.0-stable', command: ['/bin/sh', '-c', 'cp'], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsUser: 1001 }, volumeMounts: [{ name: 'tmp', mountPath: '/mnt/etc' }] }],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '20Gi' } }],
  };
  const template: SandboxJobTemplate = {
    jobLabels: { 'app.kubernetes.io/name': 'agent-sandbox' },
    jobSpec: { backoffLimit: 0, ttlSecondsAfterFinished: 300 },
    podLabels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox' },
    podAnnotations: { 'karpenter.sh/do-not-disrupt': 'true' },
    podSpec,
  };
  const priorityClass: PriorityClassValue = { name: 'sandbox-kit-agent-sandbox', value: 0, preemptionPolicy: 'Never' };
  const ctx = { imagePullPolicy: 'IfNotPresent', priorityClass, runtimeClass: false };
  const podPolicy: PolicyJson = { spec: { matchConditions: [{ name: 'sandbox-pods', expression: sandboxPodMatchCondition(template.podLabels) }], validations: sandboxPodRules(template, ctx) } };
  const jobPolicy: PolicyJson = { spec: { validations: sandboxJobRules(template, ctx) } };
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'sandbox-', labels: template.jobLabels }, spec: { ...template.jobSpec, template: { metadata: { labels: template.podLabels, annotations: template.podAnnotations }, spec: podSpec } } };
  const stored = storedJob(job, 'sandbox-abc', 'uid-1', 'ns');
  const pod = jobControllerPod(stored, [priorityClass]);

  test('the defaulted Job and pod are admitted', () => {
    expect(admit(jobPolicy, stored)).toEqual({ matched: true, denials: [], errors: [] });
    expect(admit(podPolicy, pod)).toEqual({ matched: true, denials: [], errors: [] });
  });

  test.each([
    ['a privileged container', (p: Obj) => { p.spec.containers[0].securityContext.privileged = true; }, 'sandbox pod: spec.containers[0].securityContext.privileged must be false'],
    ['a chosen node', (p: Obj) => { p.spec.nodeName = 'node-1'; }, 'sandbox pod: spec.nodeName must not be set'],
  ] as const)('%s is denied, and the denial names the field', (_name, mutate, message) => {
    const bad = clone(pod) as Obj;
    mutate(bad);
    expect(admit(podPolicy, bad).denials).toEqual([message]);
  });
});

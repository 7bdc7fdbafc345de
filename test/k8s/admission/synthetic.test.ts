import { sandboxJobRules, sandboxPodMatchCondition, sandboxPodRules, SandboxJobTemplate } from '../../../src/k8s/admission/sandbox-policy';
import { admit, PolicyJson } from './cel-harness';
import { jobControllerPod, storedJob } from './api-server';

const podSpec = {
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
    resources: { requests: { cpu: '1', memory: '2Gi', 'ephemeral-storage': '512Mi' }, limits: { cpu: '2', memory: '4Gi', 'ephemeral-storage': '23040Mi' } },
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
const ctx = { imagePullPolicy: 'IfNotPresent', priorityClass: { name: 'sandbox-kit-agent-sandbox', value: 0, preemptionPolicy: 'Never' }, runtimeClass: false };
const podPolicy: PolicyJson = { spec: { matchConditions: [{ name: 'sandbox-pods', expression: sandboxPodMatchCondition(template.podLabels) }], validations: sandboxPodRules(template, ctx) } };
const jobPolicy: PolicyJson = { spec: { validations: sandboxJobRules(template, ctx) } };
const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'sandbox-', labels: template.jobLabels }, spec: { ...template.jobSpec, template: { metadata: { labels: template.podLabels, annotations: template.podAnnotations }, spec: podSpec } } };
const stored = storedJob(job, 'sandbox-abc', 'uid-1', 'ns');
const pod = jobControllerPod(stored, [{ name: 'sandbox-kit-agent-sandbox', value: 0, preemptionPolicy: 'Never' }]);

test('synthetic: the defaulted template is admitted', () => {
  console.log(podPolicy.spec.validations.length, jobPolicy.spec.validations.length);
  expect(admit(jobPolicy, stored)).toEqual({ matched: true, denials: [], errors: [] });
  expect(admit(podPolicy, pod)).toEqual({ matched: true, denials: [], errors: [] });
});

test('synthetic: one field off is denied', () => {
  const bad = JSON.parse(JSON.stringify(pod));
  bad.spec.containers[0].securityContext.privileged = true;
  expect(admit(podPolicy, bad).denials).toEqual(['sandbox pod: spec.containers[0].securityContext.privileged must be false']);
  const bad2 = JSON.parse(JSON.stringify(pod));
  bad2.spec.nodeName = 'node-1';
  expect(admit(podPolicy, bad2).denials).toEqual(['sandbox pod: spec.nodeName must not be set']);
});

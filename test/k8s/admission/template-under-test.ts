import { additionContext, AdmissionPolicyJson, JobTemplateInput, PriorityClassValue, resolvedSandboxJob, sandboxAdmissionPolicies } from '../../../src/k8s/admission/sandbox-admission';

/** The Job template the admission tests run on, with the policies the kit renders for it. */
export interface SandboxUnderTest {
  readonly job: JobTemplateInput;
  readonly imageTag: string;
  readonly priorityClass?: PriorityClassValue;
  readonly policies: { readonly job: AdmissionPolicyJson; readonly pod: AdmissionPolicyJson };
}

const image = 'tryretool/agent-sandbox-service:__IMAGE_TAG__';
const sc = { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true };

/** A template shaped like Retool's (retool-helm agent sandbox job template). */
export const SYNTHETIC_JOB: JobTemplateInput = {
  metadata: { labels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox', 'retoolService': 'agent-sandbox' } },
  spec: {
    backoffLimit: 0,
    ttlSecondsAfterFinished: 300,
    template: {
      metadata: {
        labels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox', 'retoolService': 'agent-sandbox' },
        annotations: { 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
      },
      spec: {
        restartPolicy: 'Never', subdomain: 'agent-sandbox-pods', serviceAccountName: 'agent-sandbox-sandbox', automountServiceAccountToken: false, enableServiceLinks: false,
        priorityClassName: 'sandbox-kit-agent-sandbox', hostUsers: false,
        securityContext: { runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' } },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] } } },
        tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [{
          name: 'agent-sandbox', image,
          ports: [{ name: 'http', containerPort: 3017, protocol: 'TCP' }],
          env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'AGENT_SANDBOX_JWT_PUBLIC_KEY', valueFrom: { secretKeyRef: { name: 'agent-sandbox', key: 'jwt-public-key' } } }],
          resources: { requests: { 'cpu': '1', 'memory': '2Gi', 'ephemeral-storage': '512Mi', 'smarter-devices/net_tun': '1' }, limits: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '23040Mi', 'smarter-devices/net_tun': '1' } },
          securityContext: { ...sc, procMount: 'Unmasked', seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' } },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'rootfs-etc', mountPath: '/opt/sandbox-env/rootfs/etc' }],
        }],
        initContainers: [{
          name: 'rootfs-etc-copy', image, command: ['/bin/sh', '-c', 'cp -r /opt/sandbox-env/rootfs/etc/. /mnt/etc/'],
          securityContext: sc, volumeMounts: [{ name: 'rootfs-etc', mountPath: '/mnt/etc' }],
          resources: { requests: { 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '16Mi' }, limits: { 'cpu': '100m', 'memory': '32Mi', 'ephemeral-storage': '64Mi' } },
        }],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '20Gi' } }, { name: 'rootfs-etc', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } }],
      },
    },
  },
};

export function sandboxUnderTest(): SandboxUnderTest {
  const priorityClass = { name: 'sandbox-kit-agent-sandbox', value: 0, preemptionPolicy: 'Never' };
  const imageTag = '3.334.0-stable';
  const t = resolvedSandboxJob(SYNTHETIC_JOB, imageTag);
  return { job: SYNTHETIC_JOB, imageTag, priorityClass, policies: sandboxAdmissionPolicies('sandbox-kit-agent-sandboxes', t, additionContext(t, priorityClass)) };
}

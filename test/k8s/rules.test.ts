import { KubeObject, podsOf } from '../../src/k8s/manifest';
import {
  API_SERVER_RULES, BASELINE_RULES, EKS_FARGATE_SCHEDULER_RULES, GKE_WARDEN_RULES, KubernetesRule, RESTRICTED_RULES,
} from '../../src/k8s/rules';

/** A pod that passes every rule: restricted, the kit's own shape. */
function pod(spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}, extra: { containerFields?: Record<string, unknown>; meta?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x', ...extra.meta },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'c',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...container },
        ...extra.containerFields,
      }],
      ...spec,
    },
  };
}
const good = pod();
const deployment = (matchLabels: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' },
  spec: { selector: { matchLabels }, template: { metadata: { labels: { app: 'a' } }, spec: (good.spec as object) } },
});

/** Per rule id: an object it passes and one it refuses. */
type Cases = Record<string, [pass: KubeObject, fail: KubeObject]>;

const baseline: Cases = {
  hostNamespaces: [good, pod({ hostPID: true })],
  hostProcess: [good, pod({}, { windowsOptions: { hostProcess: true } })],
  privileged: [good, pod({}, { privileged: true })],
  capabilities_baseline: [pod({}, { capabilities: { drop: ['ALL'], add: ['CHOWN'] } }), pod({}, { capabilities: { add: ['SYS_ADMIN'] } })],
  hostPathVolumes: [pod({ volumes: [{ name: 'v', emptyDir: {} }] }), pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }] })],
  hostPorts: [pod({}, {}, { containerFields: { ports: [{ containerPort: 80 }] } }), pod({}, {}, { containerFields: { ports: [{ containerPort: 80, hostPort: 80 }] } })],
  appArmorProfile: [pod({}, { appArmorProfile: { type: 'Localhost', localhostProfile: 'k' } }), pod({}, { appArmorProfile: { type: 'Unconfined' } })],
  seLinuxOptions: [pod({}, { seLinuxOptions: { type: 'container_t' } }), pod({}, { seLinuxOptions: { type: 'spc_t' } })],
  procMount: [pod({ hostUsers: false }, { procMount: 'Unmasked' }), pod({}, { procMount: 'Unmasked' })],
  seccompProfile_baseline: [good, pod({}, { seccompProfile: { type: 'Unconfined' } })],
  sysctls: [pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } }),
    pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } })],
};
const restricted: Cases = {
  restrictedVolumes: [pod({ volumes: [{ name: 'v', emptyDir: {} }] }), pod({ volumes: [{ name: 'v', nfs: { server: 's', path: '/' } }] })],
  allowPrivilegeEscalation: [good, pod({}, { allowPrivilegeEscalation: true })],
  runAsNonRoot: [good, pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })],
  runAsUser: [good, pod({}, { runAsUser: 0 })],
  seccompProfile_restricted: [good, pod({ securityContext: { runAsNonRoot: true } })],
  capabilities_restricted: [pod({}, { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }), pod({}, { capabilities: { drop: [] } })],
};
const apiServer: Cases = {
  'host-users-host-namespaces': [pod({ hostUsers: false }), pod({ hostUsers: false, hostNetwork: true })],
  'localhost-profile-path': [pod({}, { seccompProfile: { type: 'Localhost', localhostProfile: 'a/b.json' } }), pod({}, { seccompProfile: { type: 'Localhost', localhostProfile: '../b.json' } })],
  'unique-container-names': [good, pod({ initContainers: [{ name: 'c' }] })],
  'privileged-escalation': [pod({}, { privileged: true, allowPrivilegeEscalation: true }), pod({}, { privileged: true })],
  'sys-admin-escalation': [pod({}, { capabilities: { add: ['CAP_NET_RAW'] } }), pod({}, { capabilities: { add: ['CAP_SYS_ADMIN'] } })],
  'proc-mount-value': [pod({ hostUsers: false }, { procMount: 'Unmasked' }), pod({}, { procMount: 'Masked' })],
  'proc-mount-host-users': [pod({ hostUsers: false }, { procMount: 'Unmasked' }), pod({}, { procMount: 'Unmasked' })],
  'run-as-non-root': [good, pod({}, { runAsUser: 0 })],
  'volume-mount-name': [pod({ volumes: [{ name: 'v', emptyDir: {} }] }, {}, { containerFields: { volumeMounts: [{ name: 'v', mountPath: '/v' }] } }),
    pod({}, {}, { containerFields: { volumeMounts: [{ name: 'v', mountPath: '/v' }] } })],
  'selector-matches-template': [deployment({ app: 'a' }), deployment({ app: 'b' })],
};
const warden: Cases = {
  'managed-namespace': [good, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'kube-system' } }],
  'autogke-disallow-hostnamespaces': [good, pod({ hostIPC: true })],
  'localhost-seccomp': [good, pod({}, { seccompProfile: { type: 'Localhost', localhostProfile: 'a.json' } })],
  'autogke-disallow-privilege': [good, pod({}, { privileged: true })],
  'autogke-default-linux-capabilities': [pod({}, { capabilities: { add: ['SYS_PTRACE', 'NET_RAW'] } }), pod({}, { capabilities: { add: ['CAP_CHOWN'] } })],
  'autogke-no-host-port': [good, pod({}, {}, { containerFields: { ports: [{ containerPort: 80, hostPort: 80 }] } })],
  'autogke-no-write-mode-hostpath': [
    pod({ volumes: [{ name: 'v', hostPath: { path: '/var/log/x' } }] }, {}, { containerFields: { volumeMounts: [{ name: 'v', mountPath: '/l', readOnly: true }] } }),
    pod({ volumes: [{ name: 'v', hostPath: { path: '/var/log/x' } }] }, {}, { containerFields: { volumeMounts: [{ name: 'v', mountPath: '/l' }] } }),
  ],
};
const fargate: Cases = {
  'daemonsets': [deployment({ app: 'a' }), { ...deployment({ app: 'a' }), kind: 'DaemonSet' }],
  'host-network': [good, pod({ hostNetwork: true })],
  'runtime-class': [good, pod({ runtimeClassName: 'gvisor' })],
  'localhost-seccomp': [good, pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'a.json' } } })],
  'privileged': [good, pod({}, { privileged: true })],
  'capabilities': [good, pod({}, { capabilities: { add: ['CHOWN'] } })],
  'host-port': [good, pod({}, {}, { containerFields: { ports: [{ containerPort: 80, hostPort: 80 }] } })],
  'host-path': [pod({ volumes: [{ name: 'v', emptyDir: {} }] }), pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }] })],
  'volume-type': [pod({ volumes: [{ name: 'v', configMap: { name: 'c' } }] }), pod({ volumes: [{ name: 'v', nfs: { server: 's', path: '/' } }] })],
};

function findings(rule: KubernetesRule, object: KubeObject): string[] {
  if ('checkObject' in rule) return rule.checkObject(object);
  return podsOf([object]).flatMap((p) => rule.checkPod(p, { policyVersion: '1.35' }));
}

describe.each<[string, readonly KubernetesRule[], Cases]>([
  ['Pod Security baseline', BASELINE_RULES, baseline],
  ['Pod Security restricted', RESTRICTED_RULES, restricted],
  ['API server', API_SERVER_RULES, apiServer],
  ['GKE Warden (Autopilot)', GKE_WARDEN_RULES, warden],
  ['EKS Fargate scheduler', EKS_FARGATE_SCHEDULER_RULES, fargate],
])('%s rules', (_pack, rules, cases) => {
  test('every rule is a named unit with a source, and has a passing and a failing case here', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(cases).sort());
    for (const r of rules) expect([r.id, r.description.length > 10, r.source.length > 10]).toEqual([r.id, true, true]);
  });
  test.each(rules.map((r) => [r.id, r] as const))('%s: passes a compliant object, refuses a non-compliant one', (id, rule) => {
    const [pass, fail] = cases[id];
    expect(findings(rule, pass)).toEqual([]);
    expect(findings(rule, fail).length).toBeGreaterThan(0);
  });
});

test('the kit\'s restricted pod shape passes every rule of every pack', () => {
  for (const r of [...BASELINE_RULES, ...RESTRICTED_RULES, ...API_SERVER_RULES, ...GKE_WARDEN_RULES, ...EKS_FARGATE_SCHEDULER_RULES]) {
    expect([r.id, findings(r, good)]).toEqual([r.id, []]);
  }
});

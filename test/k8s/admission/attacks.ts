/**
 * Attack pods and Jobs: each differs from what the Job controller makes of the kit's template in
 * one field, the way a compromised controller (which may create Jobs in its namespace) would try
 * to leave the sandbox. Every row must be denied; docs/security.md lists them.
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One attack: what it tries, and the change to a well-formed pod spec (`spec`) or pod (`pod`). */
export interface PodAttack {
  readonly name: string;
  readonly mutate: (pod: Obj) => void;
}

const main = (p: Obj) => p.spec.containers[0];
const init = (p: Obj) => p.spec.initContainers[0];

export const POD_ATTACKS: readonly PodAttack[] = [
  { name: 'command: a shell instead of the sandbox entrypoint', mutate: (p) => { main(p).command = ['/bin/sh', '-c', 'sleep infinity']; } },
  { name: 'args: other arguments', mutate: (p) => { main(p).args = ['--no-sandbox']; } },
  { name: 'env: an extra variable', mutate: (p) => { main(p).env = [...(main(p).env ?? []), { name: 'SANDBOX_NETWORK_ENABLED', value: 'true' }, { name: 'LD_PRELOAD', value: '/tmp/x.so' }]; } },
  { name: 'env: a variable changed', mutate: (p) => { main(p).env[0].value = 'development'; } },
  { name: 'envFrom: a Secret', mutate: (p) => { main(p).envFrom = [{ secretRef: { name: 'agent-sandbox' } }]; } },
  { name: 'resources: limits raised', mutate: (p) => { main(p).resources.limits.memory = '64Gi'; } },
  { name: 'resources: requests removed', mutate: (p) => { delete main(p).resources.requests; } },
  { name: 'priorityClassName: system-node-critical (preempts cluster-wide)', mutate: (p) => { p.spec.priorityClassName = 'system-node-critical'; p.spec.priority = 2000001000; } },
  { name: 'priority raised', mutate: (p) => { p.spec.priority = 1000000; } },
  { name: 'preemptionPolicy: PreemptLowerPriority', mutate: (p) => { p.spec.preemptionPolicy = 'PreemptLowerPriority'; } },
  { name: 'nodeName: a chosen node (skips the scheduler)', mutate: (p) => { p.spec.nodeName = 'ip-10-0-1-10.ec2.internal'; } },
  { name: 'nodeSelector: the control plane', mutate: (p) => { p.spec.nodeSelector = { 'node-role.kubernetes.io/control-plane': '' }; } },
  { name: 'tolerations: tolerate every taint', mutate: (p) => { p.spec.tolerations = [{ operator: 'Exists' }]; } },
  { name: 'tolerations: one more', mutate: (p) => { p.spec.tolerations = [...(p.spec.tolerations ?? []), { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]; } },
  { name: 'affinity: to a pod of another service', mutate: (p) => { p.spec.affinity = { ...(p.spec.affinity ?? {}), podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'retool' } }, topologyKey: 'kubernetes.io/hostname' }] } }; } },
  { name: 'affinity: node affinity replaced', mutate: (p) => { p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['victim'] }] }] } } }; } },
  { name: 'runtimeClassName: runc instead of the template\'s', mutate: (p) => { p.spec.runtimeClassName = 'runc'; } },
  { name: 'hostPort: bind a node port', mutate: (p) => { main(p).ports[0].hostPort = 3017; } },
  { name: 'a second port', mutate: (p) => { main(p).ports.push({ containerPort: 22, protocol: 'TCP' }); } },
  { name: 'pod seLinuxOptions: spc_t (unconfined SELinux type)', mutate: (p) => { p.spec.securityContext = { ...(p.spec.securityContext ?? {}), seLinuxOptions: { type: 'spc_t' } }; } },
  { name: 'container seLinuxOptions', mutate: (p) => { main(p).securityContext.seLinuxOptions = { type: 'spc_t' }; } },
  { name: 'image: another repository', mutate: (p) => { main(p).image = 'attacker/toolbox:1'; } },
  { name: 'image: another release of the same repository', mutate: (p) => { main(p).image = main(p).image.replace(/:[^:@/]+(@|$)/, ':3.1.0-stable$1'); } },
  { name: 'image: the init container\'s', mutate: (p) => { init(p).image = 'busybox:1.36'; } },
  { name: 'securityContext: privileged', mutate: (p) => { main(p).securityContext.privileged = true; } },
  { name: 'securityContext: capabilities added', mutate: (p) => { main(p).securityContext.capabilities.add = ['SYS_ADMIN']; } },
  { name: 'securityContext: allowPrivilegeEscalation', mutate: (p) => { main(p).securityContext.allowPrivilegeEscalation = true; } },
  { name: 'securityContext: runAsUser 0', mutate: (p) => { main(p).securityContext.runAsUser = 0; } },
  { name: 'securityContext: seccomp Unconfined', mutate: (p) => { main(p).securityContext.seccompProfile = { type: 'Unconfined' }; } },
  { name: 'securityContext: writable root filesystem', mutate: (p) => { main(p).securityContext.readOnlyRootFilesystem = false; } },
  { name: 'securityContext: removed', mutate: (p) => { delete main(p).securityContext; } },
  { name: 'pod securityContext: sysctls', mutate: (p) => { p.spec.securityContext = { ...(p.spec.securityContext ?? {}), sysctls: [{ name: 'kernel.shm_rmid_forced', value: '0' }] }; } },
  { name: 'pod securityContext: AppArmor Unconfined', mutate: (p) => { p.spec.securityContext = { ...(p.spec.securityContext ?? {}), appArmorProfile: { type: 'Unconfined' } }; } },
  { name: 'AppArmor Unconfined by annotation', mutate: (p) => { p.metadata.annotations = { ...(p.metadata.annotations ?? {}), [`container.apparmor.security.beta.kubernetes.io/${main(p).name}`]: 'unconfined' }; } },
  { name: 'volumes: hostPath /', mutate: (p) => { p.spec.volumes.push({ name: 'host', hostPath: { path: '/', type: '' } }); main(p).volumeMounts.push({ name: 'host', mountPath: '/host' }); } },
  { name: 'volumes: a Secret', mutate: (p) => { p.spec.volumes.push({ name: 's', secret: { secretName: 'agent-sandbox' } }); } },
  { name: 'volumes: emptyDir without sizeLimit', mutate: (p) => { const v = p.spec.volumes.find((x: Obj) => x.emptyDir); delete v.emptyDir.sizeLimit; } },
  { name: 'volumeMounts: a volume mounted elsewhere', mutate: (p) => { main(p).volumeMounts[0].mountPath = '/etc'; } },
  { name: 'hostPID', mutate: (p) => { p.spec.hostPID = true; } },
  { name: 'hostNetwork', mutate: (p) => { p.spec.hostNetwork = true; } },
  { name: 'hostIPC', mutate: (p) => { p.spec.hostIPC = true; } },
  { name: 'hostUsers: true (host root for uid 0)', mutate: (p) => { p.spec.hostUsers = true; } },
  { name: 'shareProcessNamespace', mutate: (p) => { p.spec.shareProcessNamespace = true; } },
  { name: 'serviceAccountName: the controller\'s (its API token)', mutate: (p) => { p.spec.serviceAccountName = 'agent-sandbox-controller'; p.spec.serviceAccount = 'agent-sandbox-controller'; } },
  { name: 'automountServiceAccountToken: true', mutate: (p) => { p.spec.automountServiceAccountToken = true; } },
  { name: 'initContainers: one more, privileged', mutate: (p) => { p.spec.initContainers.push({ name: 'x', image: 'busybox:1.36', securityContext: { privileged: true } }); } },
  { name: 'initContainers: the copy runs another command', mutate: (p) => { init(p).command = ['/bin/sh', '-c', 'cat /etc/shadow']; } },
  { name: 'ephemeralContainers: a debug container', mutate: (p) => { p.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', targetContainerName: main(p).name }]; } },
  { name: 'containers: a sidecar', mutate: (p) => { p.spec.containers.push({ name: 'sidecar', image: 'attacker/toolbox:1' }); } },
  { name: 'dnsPolicy: None with own resolvers', mutate: (p) => { p.spec.dnsPolicy = 'None'; p.spec.dnsConfig = { nameservers: ['1.1.1.1'] }; } },
  { name: 'hostAliases', mutate: (p) => { p.spec.hostAliases = [{ ip: '10.0.0.1', hostnames: ['agent-sandbox-proxy'] }]; } },
  { name: 'schedulerName: another scheduler', mutate: (p) => { p.spec.schedulerName = 'my-scheduler'; } },
  { name: 'terminationGracePeriodSeconds: hours', mutate: (p) => { p.spec.terminationGracePeriodSeconds = 86400; } },
  { name: 'labels: the NetworkPolicy selector label changed', mutate: (p) => { p.metadata.labels['app.kubernetes.io/component'] = 'proxy'; } },
  { name: 'ownerReferences: posing as a ReplicaSet\'s pod with the sandbox labels', mutate: (p) => { p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u', controller: true }]; } },
];

/** Pods the policy must leave alone: the kit's own Deployments' and DaemonSets' pods. */
export const NOT_MATCHED: readonly PodAttack[] = [
  { name: 'a controller pod (owned by a ReplicaSet, controller labels)', mutate: (p) => { p.metadata.labels = { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'controller' }; p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'agent-sandbox-controller-5d8', uid: 'u', controller: true }]; } },
  { name: 'a prepuller pod (owned by a DaemonSet)', mutate: (p) => { p.metadata.labels = { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'image-prepuller' }; p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent-sandbox-image-prepuller', uid: 'u', controller: true }]; } },
];

/** Jobs: a Job whose spec or pod template differs from the template in one field. */
export const JOB_ATTACKS: readonly PodAttack[] = [
  { name: 'backoffLimit raised (retries)', mutate: (j) => { j.spec.backoffLimit = 100; } },
  { name: 'ttlSecondsAfterFinished removed (Jobs pile up)', mutate: (j) => { delete j.spec.ttlSecondsAfterFinished; } },
  { name: 'parallelism: many pods per Job (past MAX_TOTAL_JOBS)', mutate: (j) => { j.spec.parallelism = 50; j.spec.completions = 50; } },
  { name: 'pod template: privileged container', mutate: (j) => { j.spec.template.spec.containers[0].securityContext.privileged = true; } },
  { name: 'pod template: hostPID', mutate: (j) => { j.spec.template.spec.hostPID = true; } },
  { name: 'pod template: command', mutate: (j) => { j.spec.template.spec.containers[0].command = ['/bin/sh']; } },
  { name: 'pod template: image', mutate: (j) => { j.spec.template.spec.containers[0].image = 'attacker/toolbox:1'; } },
  { name: 'pod template: labels the NetworkPolicies select on', mutate: (j) => { j.spec.template.metadata.labels['app.kubernetes.io/component'] = 'controller'; } },
];

import { AUTOPILOT_CAPABILITIES } from '../targets';
import { allContainers, KubeObject, podsOf } from './manifest';

/** One platform admission rule a manifest breaks. */
export interface PlatformViolation {
  /** The object at fault. */
  readonly source: string;
  /** The platform's rule name (GKE Warden constraint, Fargate scheduler field). */
  readonly rule: string;
  /** What the platform would say. */
  readonly message: string;
}

/** GKE Autopilot allows hostPath volumes only read-only and under this prefix (GKE Warden autogke-no-write-mode-hostpath; docs/platforms.md#gke-autopilot). */
export const AUTOPILOT_HOSTPATH_PREFIX = '/var/log/';

/** Namespaces Autopilot manages; writes there are refused (docs/platforms.md#gke-autopilot). */
const AUTOPILOT_MANAGED_NAMESPACES = ['kube-system', 'gke-managed-system', 'gke-gmp-system'];

/**
 * GKE Warden's Autopilot constraints (docs/platforms.md#gke-autopilot): privilege, the 15 capabilities (names
 * without the CAP_ prefix), hostPath write mode and prefix, host namespaces, host ports, and a
 * Localhost seccomp profile (no way to put one on an Autopilot node).
 */
export function autopilotViolations(objects: readonly KubeObject[]): PlatformViolation[] {
  const out: PlatformViolation[] = [];
  for (const o of objects) {
    if (o.metadata?.namespace && AUTOPILOT_MANAGED_NAMESPACES.includes(o.metadata.namespace)) {
      out.push({ source: `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, rule: 'managed-namespace', message: `GKEAutopilot authz: the namespace "${o.metadata.namespace}" is managed` });
    }
  }
  for (const pod of podsOf(objects)) {
    const add = (rule: string, message: string) => out.push({ source: pod.source, rule, message });
    const spec = pod.spec;
    for (const f of ['hostPID', 'hostNetwork', 'hostIPC'] as const) {
      if (spec[f]) add('autogke-disallow-hostnamespaces', `enabling ${f} is not allowed in Autopilot.`);
    }
    if (spec.securityContext?.seccompProfile?.type === 'Localhost') add('localhost-seccomp', `pod references Localhost profile ${spec.securityContext.seccompProfile.localhostProfile}, which no Autopilot node can hold`);
    const mounts = new Map<string, boolean>();
    for (const c of allContainers(spec)) {
      const sc = c.securityContext ?? {};
      if (sc.privileged) add('autogke-disallow-privilege', `container ${c.name} is privileged; not allowed in Autopilot`);
      const bad = (sc.capabilities?.add ?? []).filter((cap) => !AUTOPILOT_CAPABILITIES.includes(cap));
      if (bad.length) add('autogke-default-linux-capabilities', `linux capability '${bad.join(',')}' on container '${c.name}' not allowed; Autopilot only allows the capabilities: '${AUTOPILOT_CAPABILITIES.join(',')}'.`);
      const hostPorts = (c.ports ?? []).filter((p) => p.hostPort).map((p) => p.hostPort);
      if (hostPorts.length) add('autogke-no-host-port', `container ${c.name} specifies host ports [${hostPorts.join(', ')}], which are disallowed in Autopilot.`);
      if (sc.seccompProfile?.type === 'Localhost') add('localhost-seccomp', `container ${c.name} references Localhost profile ${sc.seccompProfile.localhostProfile}, which no Autopilot node can hold`);
      for (const m of c.volumeMounts ?? []) mounts.set(`${m.name}\u0000${c.name}`, m.readOnly === true);
    }
    for (const vol of spec.volumes ?? []) {
      if (!vol.hostPath) continue;
      if (!vol.hostPath.path.startsWith(AUTOPILOT_HOSTPATH_PREFIX)) {
        add('autogke-no-write-mode-hostpath', `hostPath volume ${vol.name} uses path ${vol.hostPath.path} which is not allowed in Autopilot. Allowed path prefixes for hostPath volumes are: [${AUTOPILOT_HOSTPATH_PREFIX}].`);
      }
      for (const [key, readOnly] of mounts) {
        const [volName, container] = key.split('\u0000');
        if (volName === vol.name && !readOnly) add('autogke-no-write-mode-hostpath', `hostPath volume ${vol.name} in container ${container} is accessed in write mode; disallowed in Autopilot.`);
      }
    }
  }
  return out;
}

/** Volume types a Fargate pod may use (others: "is of an unsupported volume Type", docs/platforms.md#eks-fargate). */
export const FARGATE_VOLUME_TYPES = ['emptyDir', 'configMap', 'secret', 'projected', 'downwardAPI', 'persistentVolumeClaim'];

/**
 * The EKS Fargate scheduler's refusals (docs/platforms.md#eks-fargate): no DaemonSet, no privileged, no added
 * capabilities, no hostPath (or other node volumes), no host network or host ports, and neither
 * a Localhost profile nor a RuntimeClass, which need node access.
 */
export function fargateViolations(objects: readonly KubeObject[]): PlatformViolation[] {
  const out: PlatformViolation[] = [];
  for (const o of objects) {
    if (o.kind === 'DaemonSet') out.push({ source: `DaemonSet/${o.metadata?.namespace}/${o.metadata?.name}`, rule: 'daemonsets', message: 'Daemonsets aren\'t supported on Fargate' });
  }
  for (const pod of podsOf(objects)) {
    const add = (rule: string, message: string) => out.push({ source: pod.source, rule, message });
    const spec = pod.spec;
    if (spec.hostNetwork) add('host-network', 'Pod not supported on Fargate: fields not supported: HostNetwork');
    if (spec.runtimeClassName) add('runtime-class', `Pod not supported on Fargate: runtimeClassName ${spec.runtimeClassName} (no RuntimeClass on Fargate)`);
    if (spec.securityContext?.seccompProfile?.type === 'Localhost') add('localhost-seccomp', 'Pod not supported on Fargate: a Localhost seccomp profile needs a file on the node');
    for (const c of allContainers(spec)) {
      const sc = c.securityContext ?? {};
      if (sc.privileged) add('privileged', `Pod not supported on Fargate: invalid SecurityContext fields: Privileged (container ${c.name})`);
      if ((sc.capabilities?.add ?? []).length) add('capabilities', `Pod not supported on Fargate: invalid SecurityContext fields: Capabilities added: ${sc.capabilities!.add!.join(', ')} (container ${c.name})`);
      if ((c.ports ?? []).some((p) => p.hostPort || p.hostIP)) add('host-port', `Pod not supported on Fargate: port contains HostIP or HostPort (container ${c.name})`);
      if (sc.seccompProfile?.type === 'Localhost') add('localhost-seccomp', `Pod not supported on Fargate: container ${c.name} needs a Localhost seccomp file on the node`);
    }
    for (const vol of spec.volumes ?? []) {
      const type = Object.keys(vol).find((k) => k !== 'name') ?? '(none)';
      if (!FARGATE_VOLUME_TYPES.includes(type)) add(type === 'hostPath' ? 'host-path' : 'volume-type', `Pod not supported on Fargate: volumes not supported: ${vol.name} is of an unsupported volume Type (${type})`);
    }
  }
  return out;
}

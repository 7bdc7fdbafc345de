import { JsonPatch } from 'cdk8s';
import { k8s } from './k8s-api';
import { DEFAULT_SCRATCH_SIZE } from '../policy/config';
import { ContainerSecurity, StorageBounds } from '../policy/plan';
import { storageBounds } from '../policy/planner';
import { ContractProbe, ResourceRequirements, ServiceComponent } from '../policy/services';
import { Architecture } from '../targets/types';
import { APPARMOR_REASON_ANNOTATION } from './labels';
import { Toleration } from './options';
import {
  appArmorAnnotations, appArmorPatches, containerSecurityContext, ContainerAppArmor, podLevelFields,
  podSecurityContext, writableVolumes,
} from './security-context';

/** What one single-container pod of the kit is made of. */
export interface SandboxPodProps {
  /** Container name. */
  readonly containerName: string;
  /** Image. */
  readonly image: string;
  /** The component: port and probe paths. */
  readonly component: ServiceComponent;
  /** The plan's security settings for this container (sandbox or supporting). */
  readonly security: ContainerSecurity;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Environment variables with sources (Secret keys, the downward API), in this order after `env`.
   * @default []
   */
  readonly envFrom?: readonly k8s.EnvVar[];
  /** Requests and limits. */
  readonly resources: ResourceRequirements;
  /**
   * Disk bounds: scratch emptyDir sizeLimit and the container's ephemeral-storage.
   * @default storageBounds of the default scratch size for the container's writable paths
   */
  readonly storage?: StorageBounds;
  /** Service account. */
  readonly serviceAccountName: string;
  /** Whether the API token is mounted (only the agent sandbox controller needs it). */
  readonly automountServiceAccountToken: boolean;
  /** Architectures the plan (and its profiles) cover: the pod is scheduled only there. */
  readonly architectures: readonly Architecture[];
  /** Extra node labels the pod must match. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * Tolerations (tainted sandbox nodes).
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /** Kubernetes version (AppArmor field or annotation). */
  readonly kubernetesVersion?: string;
  /** Labels for topology spread (the pod's selector labels). */
  readonly spreadLabels: Readonly<Record<string, string>>;
  /**
   * Whether spreading over nodes is required (a Deployment's few replicas) or only preferred
   * (pods launched per task, which must schedule whatever the spread).
   */
  readonly spreadRequired: boolean;
  /**
   * `terminationGracePeriodSeconds`.
   * @default - the API default (30 s)
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Host the kubelet probes (`httpGet.host`), for services that listen on IPv4 only on IPv6 clusters.
   * @default - the pod IP
   */
  readonly probeHost?: string;
  /** Extra read-only volumes (e.g. a ConfigMap). */
  readonly extraVolumes?: readonly { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];
}

/** A pod spec plus what the 1.28 types cannot carry. */
export interface SandboxPod {
  /** The spec. */
  readonly spec: k8s.PodSpec;
  /** Annotations the pod template needs (AppArmor before 1.30, AppArmor reason). */
  readonly annotations: Record<string, string>;
  /** JSON patches relative to the pod spec, to apply at `<path to spec>` (appArmorProfile). */
  readonly patches: (podSpecPath: string) => JsonPatch[];
}

/** Render a kit pod: the plan's security context at pod and container level, probes, spread. */
export function sandboxPod(props: SandboxPodProps): SandboxPod {
  const sec = props.security;
  const storage = props.storage ?? storageBounds(DEFAULT_SCRATCH_SIZE, sec.writablePaths.length);
  const { volumes, mounts } = writableVolumes(sec, storage.scratchSizeLimit);
  for (const extra of props.extraVolumes ?? []) {
    volumes.push(extra.volume);
    mounts.push(extra.mount);
  }
  const port = 'http';
  const httpGet = (path: string): k8s.HttpGetAction => ({ path, port: k8s.IntOrString.fromString(port), ...(props.probeHost ? { host: props.probeHost } : {}) });
  const probe = (path: string, period: number): k8s.Probe => ({
    httpGet: httpGet(path),
    periodSeconds: period, timeoutSeconds: 5, failureThreshold: 3,
  });
  const contract = props.component.probes;
  const exact = (p: ContractProbe): k8s.Probe => ({
    httpGet: httpGet(p.path),
    initialDelaySeconds: p.initialDelaySeconds,
    timeoutSeconds: p.timeoutSeconds,
    ...(p.periodSeconds !== undefined ? { periodSeconds: p.periodSeconds } : {}),
    ...(p.successThreshold !== undefined ? { successThreshold: p.successThreshold } : {}),
    ...(p.failureThreshold !== undefined ? { failureThreshold: p.failureThreshold } : {}),
  });
  // Retool's probes where its chart gives them (an initial delay instead of a startup probe), else the kit's.
  const probes: Pick<k8s.Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> = contract
    ? { livenessProbe: exact(contract.liveness), readinessProbe: exact(contract.readiness) }
    : {
      // Slow first start (image, jail setup) must not trip the liveness probe.
      startupProbe: { ...probe(props.component.healthPath, 5), failureThreshold: 30 },
      livenessProbe: probe(props.component.healthPath, 10),
      readinessProbe: probe(props.component.readinessPath ?? props.component.healthPath, 5),
    };
  const container: k8s.Container = {
    name: props.containerName,
    image: props.image,
    ports: [{ name: port, containerPort: props.component.port, protocol: 'TCP' }],
    ...(Object.keys(props.env).length || props.envFrom?.length
      ? { env: [...Object.entries(props.env).map(([name, value]) => ({ name, value })), ...(props.envFrom ?? [])] }
      : {}),
    resources: {
      requests: {
        'cpu': k8s.Quantity.fromString(props.resources.requests.cpu),
        'memory': k8s.Quantity.fromString(props.resources.requests.memory),
        'ephemeral-storage': k8s.Quantity.fromString(storage.ephemeralStorageRequest),
      },
      limits: {
        'cpu': k8s.Quantity.fromString(props.resources.limits.cpu),
        'memory': k8s.Quantity.fromString(props.resources.limits.memory),
        'ephemeral-storage': k8s.Quantity.fromString(storage.ephemeralStorageLimit),
      },
    },
    ...probes,
    securityContext: containerSecurityContext(sec),
    volumeMounts: mounts,
  };
  const spread = props.spreadLabels;
  const spec: k8s.PodSpec = {
    serviceAccountName: props.serviceAccountName,
    automountServiceAccountToken: props.automountServiceAccountToken,
    ...(props.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: props.terminationGracePeriodSeconds } : {}),
    // No service-discovery variables of other services leak into user code.
    enableServiceLinks: false,
    ...podLevelFields(sec),
    securityContext: podSecurityContext(sec),
    ...(Object.keys(props.nodeSelector).length ? { nodeSelector: { ...props.nodeSelector } } : {}),
    ...(props.tolerations?.length ? { tolerations: props.tolerations.map((t) => ({ ...t })) } : {}),
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: [...props.architectures] }, { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }],
        },
      },
    },
    topologySpreadConstraints: [
      // One node failure or escape takes out as few replicas as possible.
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: props.spreadRequired ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: { matchLabels: { ...spread } } },
      // Zones are preferred, not required: single-zone clusters must still schedule.
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...spread } } },
    ],
    containers: [container],
    volumes,
  };
  const apparmor: ContainerAppArmor[] = [{ index: 0, name: props.containerName, profile: sec.appArmor }];
  return {
    spec,
    annotations: {
      ...appArmorAnnotations(apparmor, props.kubernetesVersion),
      ...(sec.appArmorReason ? { [APPARMOR_REASON_ANNOTATION]: sec.appArmorReason } : {}),
    },
    patches: (path) => appArmorPatches(path, apparmor, props.kubernetesVersion),
  };
}

/** The pod as JSON (metadata annotations and spec with the patches applied), for checks. */
export function sandboxPodJson(pod: SandboxPod): { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } {
  const spec = JsonPatch.apply({ spec: k8s.toJson_PodSpec(pod.spec) }, ...pod.patches('/spec')).spec as Record<string, unknown>;
  return { metadata: { annotations: pod.annotations }, spec };
}

import { checkKubernetesRendererOptions } from '../config/validate';
import { SandboxConfigError } from '../policy/errors';
import type { SecurityGroupId } from '../aws/options';
import { Cidr, DnsLabel, DnsSubdomain, LabelKey, LabelValue } from './names';
import { AgentSandboxRendererOptions, AgentSandboxScaling, agentSandboxScaling } from './agent-sandbox-options';
import {
  DEFAULT_BACKEND, DEFAULT_CLUSTER_DOMAIN, DEFAULT_DNS, DEFAULT_INSTALLER_IMAGE, DEFAULT_NAMESPACES,
  DEFAULT_PRIVATE_CIDRS, DEFAULT_TARGET_CPU_PERCENT,
} from './defaults';
import { ResourceQuantities, ServiceName } from '../policy/services';

export { DEFAULT_INSTALLER_IMAGE, DEFAULT_NAMESPACES, DEFAULT_PRIVATE_CIDRS, DIGEST_PINNED_IMAGE, METADATA_CIDRS } from './defaults';

/** Where the backend that calls the services runs: the only source of ingress to them. */
export interface BackendSelector {
  /**
   * Namespace of the backend pods (matched on the `kubernetes.io/metadata.name` label).
   * @default "retool"
   */
  readonly namespace?: DnsLabel;
  /**
   * Labels of the backend pods in that namespace; empty means every pod of the namespace.
   * @default {}
   */
  readonly podLabels?: Readonly<Record<LabelKey, LabelValue>>;
}

/** Where cluster DNS answers, the one egress every kit pod gets. */
export interface DnsSelector {
  /**
   * Namespace of the DNS pods.
   * @default "kube-system"
   */
  readonly namespace?: DnsLabel;
  /**
   * Values of the `k8s-app` label of the DNS pods (CoreDNS / kube-dns, and NodeLocal DNSCache).
   * @minItems 1
   * @default ["kube-dns", "node-local-dns"]
   */
  readonly k8sAppLabels?: readonly LabelValue[];
  /**
   * Extra DNS server addresses reached on port 53 that no pod selector can match (a cache on the
   * host network; with NodeLocal DNSCache in iptables mode also the kube-dns Service address,
   * which the cache answers on).
   * @default []
   */
  readonly cidrs?: readonly Cidr[];
  /**
   * The cluster runs NodeLocal DNSCache: pods may send DNS (port 53) to 169.254.20.10. GKE targets
   * always allow it and the metadata server's DNS (Cloud DNS), from the catalog.
   * @default false
   */
  readonly nodeLocalDnsCache?: boolean;
}

/** Namespace names, one per trust domain. */
export interface NamespaceNames {
  /**
   * code-executor (its pods run user code).
   * @default "sandbox-kit-code-executor"
   */
  readonly codeExecutor?: DnsLabel;
  /**
   * js-executor (its pods run user code).
   * @default "sandbox-kit-js-executor"
   */
  readonly jsExecutor?: DnsLabel;
  /**
   * The agent sandbox: its controller, its proxy and the sandbox Jobs (user code) the controller
   * creates in its own namespace.
   * @default "sandbox-kit-agent"
   */
  readonly agentSandbox?: DnsLabel;
}

/** A HorizontalPodAutoscaler for one service; `minReplicas` is the plan's replicas. */
export interface AutoscalingOptions {
  /**
   * Upper bound of replicas; at least the plan's replicas.
   * @asType integer
   * @minimum 1
   * @example 6
   */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of requests) the autoscaler aims for.
   * @asType integer
   * @minimum 1
   * @maximum 100
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** Resources of the agent sandbox controller and proxy (the plan's resources are the sandbox pods'). */
export interface ComponentResources {
  /** Requests. */
  readonly requests: ResourceQuantities;
  /** Limits. */
  readonly limits: ResourceQuantities;
}

/** A pod toleration. */
export interface Toleration {
  /**
   * Taint key; empty with operator Exists matches every taint.
   * @default - none (required with operator Equal)
   */
  readonly key?: LabelKey;
  /**
   * `Equal` or `Exists`.
   * @default "Equal"
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * Taint value (operator Equal).
   * @default - none (required with operator Equal, refused with Exists)
   */
  readonly value?: LabelValue;
  /**
   * `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
   * @default - every effect
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * Options of the Kubernetes renderer (`kubernetes.renderer` in the kit file). None of them
 * changes a security setting of a sandbox: those come from the plan.
 */
export interface KubernetesRendererOptions {
  /**
   * The backend allowed to call the services.
   * @default - { namespace: "retool", podLabels: {} }
   */
  readonly backend?: BackendSelector;
  /**
   * Address ranges user code must not reach: the cluster's private networks. The cloud metadata
   * endpoints (169.254.169.254/32, fd00:ec2::254/128) are always denied on top of these.
   * @minItems 1
   * @default - DEFAULT_PRIVATE_CIDRS (RFC 1918, RFC 6598 shared space, link-local, IPv6 ULA and link-local)
   */
  readonly privateCidrs?: readonly Cidr[];
  /**
   * Cluster DNS.
   * @default - { namespace: "kube-system", k8sAppLabels: ["kube-dns", "node-local-dns"], cidrs: [] }
   */
  readonly dns?: DnsSelector;
  /**
   * Namespace names.
   * @default - see NamespaceNames
   */
  readonly namespaces?: NamespaceNames;
  /**
   * HorizontalPodAutoscalers, per service. Services not listed run the plan's fixed replicas.
   * @default {}
   */
  readonly autoscaling?: Partial<Record<ServiceName, AutoscalingOptions>>;
  /**
   * Cluster DNS domain, for the service URLs.
   * @default "cluster.local"
   */
  readonly clusterDomain?: DnsSubdomain;
  /**
   * Image of the seccomp profile installer and the AppArmor profile loader: any image with a
   * POSIX `sh`, `cat`, `mv`, `cmp`, `sed`, `nsenter`, `sleep` for every node architecture,
   * pinned by digest (`name:tag@sha256:...`): it runs on every node, the loader privileged, and a
   * tag could be re-pointed to other code.
   * @pattern ^[^\s@]+@sha256:[0-9a-f]{64}$
   * @mismatch is not an image reference pinned by digest
   * @example "busybox:1.37.0@sha256:b3255e7dfbcd10cb367af0d409747d511aeb66dfac98cf30e97e87e4207dd76f"
   * @default - DEFAULT_INSTALLER_IMAGE (busybox 1.37.0, pinned by digest)
   */
  readonly installerImage?: string;
  /**
   * Node labels that select the nodes that run sandboxes. Applied to the services and to the
   * profile installer, so the profiles are on exactly the nodes that need them.
   * @default {}
   */
  readonly nodeSelector?: Readonly<Record<LabelKey, LabelValue>>;
  /**
   * Tolerations of the pods that run user code and of the profile installer, for tainted
   * sandbox node pools.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Resources of both the agent sandbox controller and proxy.
   * @default - Retool's: controller requests 250m / 256Mi, limits 500m / 512Mi; proxy requests 250m / 256Mi, limits 1 / 512Mi
   */
  readonly agentComponentResources?: ComponentResources;
  /**
   * The agent sandbox: its Secret and Postgres connection (required where it is deployed; the kit
   * takes names, never values), scaling, sandbox and proxy settings, device plugin.
   * @default - none (synth refuses a plan with the agent sandbox)
   */
  readonly agentSandbox?: AgentSandboxRendererOptions;
  /**
   * Host the kubelet probes the executors on: `127.0.0.1` on IPv6 or dual-stack clusters,
   * where code-executor listens on IPv4 only and a probe of the pod's IPv6 address fails
   * (Retool's chart offers the same: livenessProbe.host, PR #336).
   * @default - the pod IP (the API default)
   */
  readonly executorProbeHost?: '127.0.0.1';
  /**
   * EKS on Fargate only, and required there: the security groups that replace the cluster
   * security group on pods that run user code (a SecurityGroupPolicy), since NetworkPolicies do
   * not apply to Fargate pods. They must allow what the NetworkPolicies would: egress to the
   * internet but no private range (the AWS construct FargatePodSecurityGroups creates such
   * groups), DNS to the cluster's CoreDNS, ingress from the backend on the service port. In a
   * kit file that also lists other targets, set it for eks-fargate alone:
   * `kubernetes.rendererOverrides.eks-fargate.podSecurityGroupIds`.
   * @default - none (refused on eks-fargate)
   */
  readonly podSecurityGroupIds?: readonly SecurityGroupId[];
}

/**
 * Renderer options that only one target takes: a kit file sets them in that target's
 * `rendererOverrides` entry, and problems with them name that entry.
 */
export const TARGET_ONLY_RENDERER_FIELDS = ['podSecurityGroupIds'] as const;

/** Options with every default applied (see KubernetesRendererOptions for each field). */
export interface ResolvedRendererOptions {
  /** The backend allowed to call the services. */
  readonly backend: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Ranges user code must not reach (metadata endpoints are added on top). */
  readonly privateCidrs: readonly string[];
  /** Cluster DNS. */
  readonly dns: { readonly namespace: string; readonly k8sAppLabels: readonly string[]; readonly cidrs: readonly string[]; readonly nodeLocalDnsCache: boolean };
  /** Namespace names. */
  readonly namespaces: Required<NamespaceNames>;
  /** HPAs per service. */
  readonly autoscaling: Partial<Record<ServiceName, Required<AutoscalingOptions>>>;
  /** Cluster DNS domain. */
  readonly clusterDomain: string;
  /** Installer image. */
  readonly installerImage: string;
  /** Sandbox node labels. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Sandbox node tolerations. */
  readonly tolerations: readonly Toleration[];
  /** Controller and proxy resources, when they replace Retool's. */
  readonly agentComponentResources?: ComponentResources;
  /** The agent sandbox's options as given (resolved by AgentSandbox, which needs the Secret only when rendered). */
  readonly agentSandbox?: AgentSandboxRendererOptions;
  /** The agent sandbox controller's scaling with defaults (quotas are sized from it). */
  readonly agentSandboxScaling: Required<AgentSandboxScaling>;
  /** Security groups of user-code pods on EKS Fargate. */
  readonly podSecurityGroupIds: readonly string[];
  /** Host of the executors' probes; undefined probes the pod IP. */
  readonly executorProbeHost?: string;
}

/** Defaults applied to options that are known to be valid. */
export function withRendererDefaults(o: KubernetesRendererOptions): ResolvedRendererOptions {
  return {
    backend: { namespace: o.backend?.namespace ?? DEFAULT_BACKEND.namespace, podLabels: { ...(o.backend?.podLabels ?? {}) } },
    privateCidrs: [...(o.privateCidrs ?? DEFAULT_PRIVATE_CIDRS)],
    dns: {
      namespace: o.dns?.namespace ?? DEFAULT_DNS.namespace,
      k8sAppLabels: [...(o.dns?.k8sAppLabels ?? DEFAULT_DNS.k8sAppLabels)],
      cidrs: [...(o.dns?.cidrs ?? [])],
      nodeLocalDnsCache: o.dns?.nodeLocalDnsCache ?? false,
    },
    namespaces: { ...DEFAULT_NAMESPACES, ...o.namespaces },
    autoscaling: Object.fromEntries(Object.entries(o.autoscaling ?? {}).map(([svc, a]) => [svc, {
      maxReplicas: a.maxReplicas, targetCpuUtilizationPercent: a.targetCpuUtilizationPercent ?? DEFAULT_TARGET_CPU_PERCENT,
    }])),
    clusterDomain: o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    installerImage: o.installerImage ?? DEFAULT_INSTALLER_IMAGE,
    nodeSelector: { ...(o.nodeSelector ?? {}) },
    tolerations: [...(o.tolerations ?? [])],
    agentComponentResources: o.agentComponentResources,
    agentSandbox: o.agentSandbox,
    agentSandboxScaling: agentSandboxScaling(o.agentSandbox),
    podSecurityGroupIds: [...(o.podSecurityGroupIds ?? [])],
    ...(o.executorProbeHost ? { executorProbeHost: o.executorProbeHost } : {}),
  };
}

/**
 * Check renderer options (the schema and the renderer's rules, src/config) and apply defaults.
 * Throws one SandboxConfigError naming every bad field (`kubernetes.renderer.<field>`).
 */
export function resolveRendererOptions(input: unknown, fieldPrefix = 'kubernetes.renderer'): ResolvedRendererOptions {
  const problems = checkKubernetesRendererOptions(input ?? {}, fieldPrefix);
  if (problems.length) throw new SandboxConfigError('sandbox-kit Kubernetes renderer options', problems);
  return withRendererDefaults((input ?? {}) as KubernetesRendererOptions);
}

import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { SERVICE_NAMES, ServiceName } from '../policy/services';

/** Where the backend that calls the services runs: the only source of ingress to them. */
export interface BackendSelector {
  /**
   * Namespace of the backend pods (matched on the `kubernetes.io/metadata.name` label).
   * @default 'retool'
   */
  readonly namespace?: string;
  /**
   * Labels of the backend pods in that namespace; empty means every pod of the namespace.
   * @default {}
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Where cluster DNS answers, the one egress every kit pod gets. */
export interface DnsSelector {
  /**
   * Namespace of the DNS pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Values of the `k8s-app` label of the DNS pods (CoreDNS / kube-dns, and NodeLocal DNSCache).
   * @default ['kube-dns', 'node-local-dns']
   */
  readonly k8sAppLabels?: readonly string[];
  /**
   * Extra DNS server addresses reached on port 53 that no pod selector can match, such as a
   * NodeLocal DNSCache on the host network (`169.254.20.10/32`).
   * @default []
   */
  readonly cidrs?: readonly string[];
}

/** Namespace names, one per trust domain. */
export interface NamespaceNames {
  /**
   * code-executor (its pods run user code).
   * @default 'sandbox-kit-code-executor'
   */
  readonly codeExecutor?: string;
  /**
   * js-executor (its pods run user code).
   * @default 'sandbox-kit-js-executor'
   */
  readonly jsExecutor?: string;
  /**
   * The agent sandbox controller and proxy (kit code, no user code).
   * @default 'sandbox-kit-agent'
   */
  readonly agentSandbox?: string;
  /**
   * The sandbox pods the agent sandbox controller launches (user code).
   * @default 'sandbox-kit-agent-sandboxes'
   */
  readonly agentSandboxPods?: string;
}

/** A HorizontalPodAutoscaler for one service; `minReplicas` is the plan's replicas. */
export interface AutoscalingOptions {
  /** Upper bound of replicas; at least the plan's replicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of requests) the autoscaler aims for.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** Resources of the agent sandbox controller and proxy (the plan's resources are the sandbox pods'). */
export interface ComponentResources {
  /** Requests. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** Limits. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Options of the Kubernetes renderer (`kubernetes.renderer` in the kit file). None of them
 * changes a security setting of a sandbox: those come from the plan.
 */
export interface KubernetesRendererOptions {
  /**
   * The backend allowed to call the services.
   * @default { namespace: 'retool', podLabels: {} }
   */
  readonly backend?: BackendSelector;
  /**
   * Address ranges user code must not reach: the cluster's private networks. The cloud metadata
   * endpoints (169.254.169.254/32, fd00:ec2::254/128) are always denied on top of these.
   * @default DEFAULT_PRIVATE_CIDRS (RFC 1918, RFC 6598 shared space, link-local, IPv6 ULA and link-local)
   */
  readonly privateCidrs?: readonly string[];
  /**
   * Cluster DNS.
   * @default { namespace: 'kube-system', k8sAppLabels: ['kube-dns', 'node-local-dns'], cidrs: [] }
   */
  readonly dns?: DnsSelector;
  /**
   * Namespace names.
   * @default see NamespaceNames
   */
  readonly namespaces?: NamespaceNames;
  /**
   * HorizontalPodAutoscalers, per service. Services not listed run the plan's fixed replicas.
   * @default {}
   */
  readonly autoscaling?: Partial<Record<ServiceName, AutoscalingOptions>>;
  /**
   * Cluster DNS domain, for the service URLs.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Image of the seccomp profile installer and the AppArmor profile loader: any image with a
   * POSIX `sh`, `cat`, `mv`, `cmp`, `sed`, `nsenter`, `sleep` for every node architecture,
   * pinned by digest (`name:tag@sha256:...`).
   * @default DEFAULT_INSTALLER_IMAGE (busybox 1.37.0, pinned by digest)
   */
  readonly installerImage?: string;
  /**
   * Node labels that select the nodes that run sandboxes. Applied to the services and to the
   * profile installer, so the profiles are on exactly the nodes that need them.
   * @default {}
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations of the pods that run user code and of the profile installer, for tainted
   * sandbox node pools.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Resources of the agent sandbox controller and proxy.
   * @default requests 250m / 512Mi, limits 1 / 1Gi
   */
  readonly agentComponentResources?: ComponentResources;
}

/** A pod toleration. */
export interface Toleration {
  /** Taint key; empty with operator Exists matches every taint. */
  readonly key?: string;
  /**
   * `Equal` or `Exists`.
   * @default 'Equal'
   */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value (operator Equal). */
  readonly value?: string;
  /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`; all when unset. */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Options with every default applied (see KubernetesRendererOptions for each field). */
export interface ResolvedRendererOptions {
  /** The backend allowed to call the services. */
  readonly backend: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Ranges user code must not reach (metadata endpoints are added on top). */
  readonly privateCidrs: readonly string[];
  /** Cluster DNS. */
  readonly dns: { readonly namespace: string; readonly k8sAppLabels: readonly string[]; readonly cidrs: readonly string[] };
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
  /** Controller and proxy resources. */
  readonly agentComponentResources: ComponentResources;
}

/** Cloud metadata endpoints: always unreachable from user code, whatever privateCidrs says. */
export const METADATA_CIDRS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];

/**
 * Private ranges user code may not reach by default. Link-local is included because node-local
 * credential endpoints live there besides the metadata service (EKS Pod Identity 169.254.170.23,
 * ECS 169.254.170.2).
 */
export const DEFAULT_PRIVATE_CIDRS: readonly string[] = [
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16',
  'fc00::/7', 'fe80::/10',
];

/** Default namespace names, one per trust domain. */
export const DEFAULT_NAMESPACES: Required<NamespaceNames> = {
  codeExecutor: 'sandbox-kit-code-executor',
  jsExecutor: 'sandbox-kit-js-executor',
  agentSandbox: 'sandbox-kit-agent',
  agentSandboxPods: 'sandbox-kit-agent-sandboxes',
};

/**
 * Default image of the profile installer and the AppArmor loader: multi-architecture busybox
 * (sh, cat, cmp, mv, sed, nsenter, sleep), pinned by the digest of its manifest list, the same pin
 * Retool's chart uses for its init containers (tryretool/retool-helm
 * charts/retool/templates/deployment_code_executor.yaml). A tag alone could be re-pointed to
 * other code, which would then run on every node (the loader's init container is privileged).
 */
export const DEFAULT_INSTALLER_IMAGE = 'busybox:1.37.0@sha256:b3255e7dfbcd10cb367af0d409747d511aeb66dfac98cf30e97e87e4207dd76f';

/** An image reference pinned by digest (`name[:tag]@sha256:<64 hex>`). */
export const DIGEST_PINNED_IMAGE = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse an IPv4 or IPv6 CIDR; undefined if it is not one. */
export function parseCidr(cidr: string): { family: 4 | 6; prefix: number } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const addr = m[1];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) {
    if (addr.split('.').some((o) => Number(o) > 255) || prefix > 32) return undefined;
    return { family: 4, prefix };
  }
  if (/^[0-9a-fA-F:]+$/.test(addr) && addr.includes(':') && (addr.match(/::/g) ?? []).length <= 1 && prefix <= 128) {
    return { family: 6, prefix };
  }
  return undefined;
}

/**
 * Check the renderer options from the kit file and apply defaults. Throws a SandboxConfigError
 * naming every bad field (`kubernetes.renderer.<field>`).
 */
export function resolveRendererOptions(input: unknown, fieldPrefix = 'kubernetes.renderer'): ResolvedRendererOptions {
  const problems: ConfigProblem[] = [];
  const bad = (field: string, message: string, alternatives: string[]) => problems.push({ field: `${fieldPrefix}.${field}`, message, alternatives });
  const raw = input ?? {};
  if (!isRecord(raw)) throw new SandboxConfigError('sandbox-kit Kubernetes renderer options', [{ field: fieldPrefix, message: 'must be an object', alternatives: ['{}'] }]);
  const known = ['backend', 'privateCidrs', 'dns', 'namespaces', 'autoscaling', 'clusterDomain', 'installerImage', 'nodeSelector', 'tolerations', 'agentComponentResources', '$comment'];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) bad(key, `unknown option "${key}"`, known.filter((k) => k !== '$comment').map((k) => `"${k}"`));
  }

  const labels = (field: string, v: unknown): Record<string, string> => {
    if (v === undefined) return {};
    if (!isRecord(v)) { bad(field, 'must be an object of label key to value', ['{ "app.kubernetes.io/name": "retool" }']); return {}; }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (!LABEL_KEY.test(k)) bad(`${field}.${k}`, `"${k}" is not a valid label key`, ['[prefix/]name, name up to 63 alphanumerics, "-", "_", "."']);
      else if (typeof val !== 'string' || !LABEL_VALUE.test(val)) bad(`${field}.${k}`, `${JSON.stringify(val)} is not a valid label value`, ['a string of up to 63 alphanumerics, "-", "_", "."']);
      else out[k] = val;
    }
    return out;
  };
  const namespaceName = (field: string, v: unknown, dflt: string): string => {
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || !DNS_LABEL.test(v)) { bad(field, `${JSON.stringify(v)} is not a valid namespace name`, [`a DNS label such as "${dflt}"`]); return dflt; }
    return v;
  };
  const cidrList = (field: string, v: unknown, dflt: readonly string[], allowEmpty: boolean): string[] => {
    if (v === undefined) return [...dflt];
    if (!Array.isArray(v) || (!allowEmpty && v.length === 0)) {
      bad(field, allowEmpty ? 'must be a list of CIDRs' : 'must be a non-empty list of CIDRs (an empty list would let user code reach every private address)', [JSON.stringify(dflt)]);
      return [...dflt];
    }
    const out: string[] = [];
    for (const c of v) {
      const p = typeof c === 'string' ? parseCidr(c) : undefined;
      if (!p) bad(field, `${JSON.stringify(c)} is not an IPv4 or IPv6 CIDR`, ['"10.0.0.0/8"', '"fc00::/7"']);
      else if (p.prefix === 0) bad(field, `${c} covers every address; list the private ranges only`, [JSON.stringify(dflt)]);
      else out.push(c as string);
    }
    return out;
  };

  const backendRaw = raw.backend ?? {};
  if (!isRecord(backendRaw)) bad('backend', 'must be an object', ['{ "namespace": "retool", "podLabels": {} }']);
  const b = isRecord(backendRaw) ? backendRaw : {};
  for (const key of Object.keys(b)) if (!['namespace', 'podLabels'].includes(key)) bad(`backend.${key}`, `unknown option "${key}"`, ['"namespace"', '"podLabels"']);
  const backend = { namespace: namespaceName('backend.namespace', b.namespace, 'retool'), podLabels: labels('backend.podLabels', b.podLabels) };

  const privateCidrs = cidrList('privateCidrs', raw.privateCidrs, DEFAULT_PRIVATE_CIDRS, false);

  const dnsRaw = raw.dns ?? {};
  if (!isRecord(dnsRaw)) bad('dns', 'must be an object', ['{ "namespace": "kube-system" }']);
  const d = isRecord(dnsRaw) ? dnsRaw : {};
  for (const key of Object.keys(d)) if (!['namespace', 'k8sAppLabels', 'cidrs'].includes(key)) bad(`dns.${key}`, `unknown option "${key}"`, ['"namespace"', '"k8sAppLabels"', '"cidrs"']);
  let k8sAppLabels = ['kube-dns', 'node-local-dns'];
  if (d.k8sAppLabels !== undefined) {
    if (!Array.isArray(d.k8sAppLabels) || d.k8sAppLabels.length === 0 || d.k8sAppLabels.some((l) => typeof l !== 'string' || !LABEL_VALUE.test(l) || l === '')) {
      bad('dns.k8sAppLabels', 'must be a non-empty list of label values', ['["kube-dns"]']);
    } else k8sAppLabels = d.k8sAppLabels as string[];
  }
  const dns = { namespace: namespaceName('dns.namespace', d.namespace, 'kube-system'), k8sAppLabels, cidrs: cidrList('dns.cidrs', d.cidrs, [], true) };

  const nsRaw = raw.namespaces ?? {};
  if (!isRecord(nsRaw)) bad('namespaces', 'must be an object', [JSON.stringify(DEFAULT_NAMESPACES)]);
  const n = isRecord(nsRaw) ? nsRaw : {};
  for (const key of Object.keys(n)) if (!(key in DEFAULT_NAMESPACES)) bad(`namespaces.${key}`, `unknown namespace role "${key}"`, Object.keys(DEFAULT_NAMESPACES).map((k) => `"${k}"`));
  const namespaces = {
    codeExecutor: namespaceName('namespaces.codeExecutor', n.codeExecutor, DEFAULT_NAMESPACES.codeExecutor),
    jsExecutor: namespaceName('namespaces.jsExecutor', n.jsExecutor, DEFAULT_NAMESPACES.jsExecutor),
    agentSandbox: namespaceName('namespaces.agentSandbox', n.agentSandbox, DEFAULT_NAMESPACES.agentSandbox),
    agentSandboxPods: namespaceName('namespaces.agentSandboxPods', n.agentSandboxPods, DEFAULT_NAMESPACES.agentSandboxPods),
  };
  const seen = new Map<string, string>();
  for (const [role, name] of Object.entries(namespaces)) {
    // Each namespace carries one trust domain's Pod Security level and network policy.
    if (seen.has(name)) bad(`namespaces.${role}`, `"${name}" is also the ${seen.get(name)} namespace; each trust domain needs its own`, ['distinct names']);
    if (name === 'sandbox-kit-system' || name === backend.namespace || name === dns.namespace) {
      bad(`namespaces.${role}`, `"${name}" is reserved (profile installer, backend or DNS namespace)`, [`"${DEFAULT_NAMESPACES[role as keyof NamespaceNames]}"`]);
    }
    seen.set(name, role);
  }

  const autoscaling: Partial<Record<ServiceName, Required<AutoscalingOptions>>> = {};
  const asRaw = raw.autoscaling ?? {};
  if (!isRecord(asRaw)) bad('autoscaling', 'must be an object keyed by service', ['{ "js-executor": { "maxReplicas": 6 } }']);
  else {
    for (const [svc, v] of Object.entries(asRaw)) {
      if (!(SERVICE_NAMES as readonly string[]).includes(svc)) { bad(`autoscaling.${svc}`, `unknown service "${svc}"`, SERVICE_NAMES.map((s) => `"${s}"`)); continue; }
      if (!isRecord(v)) { bad(`autoscaling.${svc}`, 'must be an object', ['{ "maxReplicas": 6 }']); continue; }
      const max = v.maxReplicas;
      const target = v.targetCpuUtilizationPercent ?? 70;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) { bad(`autoscaling.${svc}.maxReplicas`, `must be a positive integer, got ${JSON.stringify(max)}`, ['6']); continue; }
      if (typeof target !== 'number' || !Number.isInteger(target) || target < 1 || target > 100) {
        bad(`autoscaling.${svc}.targetCpuUtilizationPercent`, `must be an integer from 1 to 100, got ${JSON.stringify(target)}`, ['70']);
        continue;
      }
      autoscaling[svc as ServiceName] = { maxReplicas: max, targetCpuUtilizationPercent: target };
    }
  }

  let clusterDomain = 'cluster.local';
  if (raw.clusterDomain !== undefined) {
    if (typeof raw.clusterDomain !== 'string' || !raw.clusterDomain.split('.').every((l) => DNS_LABEL.test(l))) bad('clusterDomain', `${JSON.stringify(raw.clusterDomain)} is not a DNS domain`, ['"cluster.local"']);
    else clusterDomain = raw.clusterDomain;
  }
  let installerImage = DEFAULT_INSTALLER_IMAGE;
  if (raw.installerImage !== undefined) {
    if (typeof raw.installerImage !== 'string' || !DIGEST_PINNED_IMAGE.test(raw.installerImage)) {
      // It runs on every node, the AppArmor loader privileged: a tag could be re-pointed to other code.
      bad('installerImage', `${JSON.stringify(raw.installerImage)} is not an image reference pinned by digest`, [`"${DEFAULT_INSTALLER_IMAGE}"`, '"<repository>:<tag>@sha256:<digest of the manifest list>"']);
    } else installerImage = raw.installerImage;
  }
  const nodeSelector = labels('nodeSelector', raw.nodeSelector);
  const tolerations: Toleration[] = [];
  if (raw.tolerations !== undefined) {
    if (!Array.isArray(raw.tolerations)) bad('tolerations', 'must be a list of tolerations', ['[{ "key": "sandbox", "operator": "Exists", "effect": "NoSchedule" }]']);
    else {
      raw.tolerations.forEach((t, i) => {
        const f = `tolerations[${i}]`;
        if (!isRecord(t)) { bad(f, 'must be an object', ['{ "key": "sandbox", "operator": "Exists" }']); return; }
        for (const k of Object.keys(t)) if (!['key', 'operator', 'value', 'effect'].includes(k)) bad(`${f}.${k}`, `unknown field "${k}"`, ['"key"', '"operator"', '"value"', '"effect"']);
        const op = t.operator ?? 'Equal';
        if (op !== 'Equal' && op !== 'Exists') bad(`${f}.operator`, `${JSON.stringify(op)} is not an operator`, ['"Equal"', '"Exists"']);
        if (t.key !== undefined && (typeof t.key !== 'string' || !LABEL_KEY.test(t.key))) bad(`${f}.key`, `${JSON.stringify(t.key)} is not a taint key`, ['"sandbox-kit.io/sandbox"']);
        if (op === 'Exists' && t.value !== undefined) bad(`${f}.value`, 'must be unset with operator Exists', ['remove "value"']);
        if (op === 'Equal' && (typeof t.value !== 'string' || !LABEL_VALUE.test(t.value))) bad(`${f}.value`, `${JSON.stringify(t.value)} is not a taint value`, ['a label value such as "true"']);
        if (op === 'Equal' && t.key === undefined) bad(`${f}.key`, 'is required with operator Equal', ['a taint key']);
        if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect as string)) bad(`${f}.effect`, `${JSON.stringify(t.effect)} is not a taint effect`, ['"NoSchedule"', '"PreferNoSchedule"', '"NoExecute"']);
        tolerations.push(t as Toleration);
      });
    }
  }

  let agentComponentResources: ComponentResources = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };
  if (raw.agentComponentResources !== undefined) {
    const r = raw.agentComponentResources;
    const q = (x: unknown): x is { cpu: string; memory: string } => isRecord(x) && typeof x.cpu === 'string' && QUANTITY.test(x.cpu) && typeof x.memory === 'string' && QUANTITY.test(x.memory);
    if (!isRecord(r) || !q(r.requests) || !q(r.limits)) {
      bad('agentComponentResources', 'must be { requests: { cpu, memory }, limits: { cpu, memory } } with Kubernetes quantities', ['{ "requests": { "cpu": "250m", "memory": "512Mi" }, "limits": { "cpu": "1", "memory": "1Gi" } }']);
    } else agentComponentResources = { requests: r.requests, limits: r.limits };
  }

  if (problems.length) throw new SandboxConfigError('sandbox-kit Kubernetes renderer options', problems);
  return { backend, privateCidrs, dns, namespaces, autoscaling, clusterDomain, installerImage, nodeSelector, tolerations, agentComponentResources };
}

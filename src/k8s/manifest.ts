/** Metadata fields the checks read. */
export interface ObjectMetaJson {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A synthesized Kubernetes object, as JSON. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: ObjectMetaJson;
  readonly [key: string]: unknown;
}

/** `seccompProfile` / `appArmorProfile`. */
export interface ProfileJson {
  readonly type?: string;
  readonly localhostProfile?: string;
}

/** Container `securityContext`, as JSON. */
export interface SecurityContextJson {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly readOnlyRootFilesystem?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly seccompProfile?: ProfileJson;
  readonly appArmorProfile?: ProfileJson;
  readonly procMount?: string;
  readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string; readonly level?: string };
  readonly windowsOptions?: { readonly hostProcess?: boolean };
}

/** Pod-level `securityContext`, as JSON. */
export interface PodSecurityContextJson {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly seccompProfile?: ProfileJson;
  readonly appArmorProfile?: ProfileJson;
  readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string; readonly level?: string };
  readonly sysctls?: readonly { readonly name: string; readonly value?: string }[];
  readonly windowsOptions?: { readonly hostProcess?: boolean };
}

/** A container, as JSON. */
export interface ContainerJson {
  readonly name: string;
  readonly image?: string;
  readonly ports?: readonly { readonly containerPort?: number; readonly hostPort?: number; readonly hostIP?: string; readonly name?: string }[];
  readonly securityContext?: SecurityContextJson;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
  readonly env?: readonly { readonly name: string; readonly value?: string; readonly valueFrom?: unknown }[];
  readonly resources?: { readonly limits?: Readonly<Record<string, string>>; readonly requests?: Readonly<Record<string, string>> };
}

/** A volume, as JSON: its one source key decides its type. */
export interface VolumeJson {
  readonly name: string;
  readonly hostPath?: { readonly path: string; readonly type?: string };
  readonly configMap?: { readonly name?: string; readonly items?: readonly { readonly key: string; readonly path: string }[] };
  readonly [source: string]: unknown;
}

/** A pod spec, as JSON. */
export interface PodSpecJson {
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly hostUsers?: boolean;
  readonly runtimeClassName?: string;
  readonly securityContext?: PodSecurityContextJson;
  readonly containers: readonly ContainerJson[];
  readonly initContainers?: readonly ContainerJson[];
  readonly ephemeralContainers?: readonly ContainerJson[];
  readonly volumes?: readonly VolumeJson[];
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Readonly<Record<string, unknown>>[];
  readonly priorityClassName?: string;
}

/** A pod (or pod template) found in a manifest. */
export interface PodInManifest {
  /** `Kind/namespace/name` of the object holding it (`ConfigMap/ns/name:key` for embedded templates). */
  readonly source: string;
  /** The namespace the pod runs in. */
  readonly namespace: string | undefined;
  /** Pod metadata (annotations carry AppArmor before 1.30). */
  readonly metadata: ObjectMetaJson;
  /** Pod spec. */
  readonly spec: PodSpecJson;
  /** The kind of the owning object. */
  readonly ownerKind: string;
}

/** Kinds whose `spec.template` is a pod template. */
export const POD_TEMPLATE_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'ReplicationController'];

/** Whether podsOf reads objects of this kind: the others can be left unrendered when only pods matter. */
export function mayHoldPods(kind: string): boolean {
  return kind === 'Pod' || kind === 'CronJob' || kind === 'ConfigMap' || POD_TEMPLATE_KINDS.includes(kind);
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function allContainers(spec: PodSpecJson): ContainerJson[] {
  return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idOf(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? o.metadata?.generateName ?? ''}`;
}

/**
 * Every pod a manifest creates: workload templates, bare Pods, CronJob templates, and Pod
 * manifests embedded in ConfigMaps (the agent sandbox's template, which its controller launches).
 */
export function podsOf(objects: readonly KubeObject[]): PodInManifest[] {
  const out: PodInManifest[] = [];
  for (const o of objects) {
    const spec = isRecord(o.spec) ? o.spec : undefined;
    if (o.kind === 'Pod' && spec) {
      out.push({ source: idOf(o), namespace: o.metadata?.namespace, metadata: o.metadata ?? {}, spec: spec as unknown as PodSpecJson, ownerKind: 'Pod' });
    } else if (POD_TEMPLATE_KINDS.includes(o.kind) && spec && isRecord(spec.template)) {
      const t = spec.template as { metadata?: ObjectMetaJson; spec: PodSpecJson };
      out.push({ source: idOf(o), namespace: o.metadata?.namespace, metadata: t.metadata ?? {}, spec: t.spec, ownerKind: o.kind });
    } else if (o.kind === 'CronJob' && spec && isRecord(spec.jobTemplate)) {
      const t = (spec.jobTemplate as { spec: { template: { metadata?: ObjectMetaJson; spec: PodSpecJson } } }).spec.template;
      out.push({ source: idOf(o), namespace: o.metadata?.namespace, metadata: t.metadata ?? {}, spec: t.spec, ownerKind: 'CronJob' });
    } else if (o.kind === 'ConfigMap') {
      for (const { key, doc } of embedded(o)) {
        const source = `${idOf(o)}:${key}`;
        const namespace = doc.metadata?.namespace ?? o.metadata?.namespace;
        if (doc.kind === 'Pod') {
          out.push({ source, namespace, metadata: doc.metadata ?? {}, spec: doc.spec as unknown as PodSpecJson, ownerKind: 'Pod' });
        } else {
          const t = (doc.spec as { template: { metadata?: ObjectMetaJson; spec: PodSpecJson } }).template;
          out.push({ source, namespace, metadata: t.metadata ?? {}, spec: t.spec, ownerKind: 'Job' });
        }
      }
    }
  }
  return out;
}

/**
 * Pod and Job manifests held in a ConfigMap as JSON documents (the agent sandbox's Job template,
 * which its controller creates Jobs from, in the ConfigMap's namespace).
 */
function embedded(o: KubeObject): { key: string; doc: KubeObject }[] {
  if (!isRecord(o.data)) return [];
  const out: { key: string; doc: KubeObject }[] = [];
  for (const [key, value] of Object.entries(o.data)) {
    if (typeof value !== 'string' || !value.trimStart().startsWith('{') || !/"kind":\s*"(Pod|Job)"/.test(value)) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(value);
    } catch {
      continue;
    }
    if (!isRecord(doc) || !isRecord(doc.spec)) continue;
    if (doc.kind === 'Pod' || (doc.kind === 'Job' && isRecord(doc.spec.template) && isRecord(doc.spec.template.spec))) out.push({ key, doc: doc as unknown as KubeObject });
  }
  return out;
}

/** The Pod and Job manifests embedded in ConfigMaps, for schema validation. */
export function embeddedPods(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === 'ConfigMap').flatMap((o) => embedded(o).map((e) => e.doc));
}

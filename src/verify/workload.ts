/**
 * The security settings of one rendered container, read back from the kit's OUTPUT (a pod spec
 * in the synthesized Kubernetes YAML, or an ECS container definition in the CDK template),
 * normalized to what a node's runtime needs to build the container.
 */

/** Which runtime builds the container on the node. */
export type NodeRuntime = 'containerd' | 'dockerd';

/** The seccomp setting as the output states it. */
export type RenderedSeccomp =
  | { readonly type: 'RuntimeDefault' }
  | { readonly type: 'Unconfined' }
  /** A Localhost profile: the path relative to the kubelet's seccomp root. */
  | { readonly type: 'Localhost'; readonly localhostProfile: string }
  /**
   * ECS on EC2: the Docker-format profile the kit installs as dockerd's daemon-wide default
   * (the exact file content the user data writes).
   */
  | { readonly type: 'DockerDaemonDefault'; readonly profileContent: string; readonly path: string };

/** One container's security settings, as rendered. */
export interface RenderedSecurity {
  /** The runtime on the node. */
  readonly runtime: NodeRuntime;
  /** `privileged`. */
  readonly privileged: boolean;
  /** `capabilities.add`, as written (with or without `CAP_`). */
  readonly capabilitiesAdd: readonly string[];
  /** `capabilities.drop`, as written (`ALL` or names). */
  readonly capabilitiesDrop: readonly string[];
  /** Seccomp. */
  readonly seccomp: RenderedSeccomp;
  /** `procMount`. */
  readonly procMount: 'Default' | 'Unmasked';
  /** `hostUsers` (true unless the pod says false). */
  readonly hostUsers: boolean;
  /** Numeric user; undefined means the image's user (root for the probes). */
  readonly runAsUser?: number;
  /** Numeric group. */
  readonly runAsGroup?: number;
  /** Read-only root filesystem. */
  readonly readOnlyRootFilesystem: boolean;
  /** `allowPrivilegeEscalation`; undefined is the runtime's default (true). */
  readonly allowPrivilegeEscalation?: boolean;
  /** `runtimeClassName` of the pod. */
  readonly runtimeClassName?: string;
}

/** A rendered container and where it came from. */
export interface RenderedContainer {
  /** Human-readable origin, e.g. `eks.k8s.yaml Deployment sandbox-kit-js-executor/js-executor, container js-executor`. */
  readonly source: string;
  /** Container name. */
  readonly container: string;
  /** Settings. */
  readonly security: RenderedSecurity;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function k8sSeccomp(v: unknown, where: string): RenderedSeccomp | undefined {
  const s = obj(v);
  if (!s) return undefined;
  switch (s.type) {
    case 'RuntimeDefault': return { type: 'RuntimeDefault' };
    case 'Unconfined': return { type: 'Unconfined' };
    case 'Localhost':
      if (typeof s.localhostProfile !== 'string' || !s.localhostProfile) throw new Error(`${where}: seccompProfile type Localhost without localhostProfile`);
      return { type: 'Localhost', localhostProfile: s.localhostProfile };
    default: throw new Error(`${where}: unknown seccompProfile type ${JSON.stringify(s.type)}`);
  }
}

/**
 * A container's settings from a pod spec, the way the kubelet combines them: container-level
 * `securityContext` fields win over the pod-level ones (runAsUser, runAsGroup, seccompProfile);
 * no seccompProfile at either level means RuntimeDefault only where the kubelet defaults to it,
 * which the kit never relies on, so it is an error here.
 */
export function securityFromPodSpec(podSpec: unknown, containerName: string, where: string): RenderedSecurity {
  const spec = obj(podSpec);
  if (!spec) throw new Error(`${where}: not a pod spec`);
  const containers = Array.isArray(spec.containers) ? spec.containers.map(obj) : [];
  const c = containers.find((x) => x?.name === containerName);
  if (!c) throw new Error(`${where}: no container named ${JSON.stringify(containerName)} (has ${containers.map((x) => x?.name).join(', ')})`);
  const pod = obj(spec.securityContext) ?? {};
  const sc = obj(c.securityContext) ?? {};
  const caps = obj(sc.capabilities) ?? {};
  const seccomp = k8sSeccomp(sc.seccompProfile, `${where} container ${containerName}`) ?? k8sSeccomp(pod.seccompProfile, `${where} pod`);
  if (!seccomp) throw new Error(`${where}: container ${containerName} has no seccompProfile at container or pod level`);
  const procMount = sc.procMount === undefined || sc.procMount === 'Default' ? 'Default' : sc.procMount === 'Unmasked' ? 'Unmasked' : undefined;
  if (!procMount) throw new Error(`${where}: unknown procMount ${JSON.stringify(sc.procMount)}`);
  return {
    runtime: 'containerd',
    privileged: bool(sc.privileged) ?? false,
    capabilitiesAdd: strings(caps.add),
    capabilitiesDrop: strings(caps.drop),
    seccomp,
    procMount,
    hostUsers: bool(spec.hostUsers) ?? true,
    runAsUser: num(sc.runAsUser) ?? num(pod.runAsUser),
    runAsGroup: num(sc.runAsGroup) ?? num(pod.runAsGroup),
    readOnlyRootFilesystem: bool(sc.readOnlyRootFilesystem) ?? false,
    allowPrivilegeEscalation: bool(sc.allowPrivilegeEscalation),
    runtimeClassName: typeof spec.runtimeClassName === 'string' ? spec.runtimeClassName : undefined,
  };
}

/**
 * A container's settings from an ECS container definition in a CloudFormation template
 * (`AWS::ECS::TaskDefinition` `ContainerDefinitions[]`). ECS has no per-task seccomp: the
 * container gets dockerd's default profile, which is Docker's own unless the kit installed
 * one (`daemonProfile`, read from the capacity's user data).
 *
 * @param daemonProfile the daemon-wide profile of the instances the task runs on, if any
 */
export function securityFromEcsContainer(def: unknown, where: string, daemonProfile?: { readonly path: string; readonly content: string }): RenderedSecurity {
  const d = obj(def);
  if (!d) throw new Error(`${where}: not a container definition`);
  const lp = obj(d.LinuxParameters) ?? {};
  const caps = obj(lp.Capabilities) ?? {};
  const privileged = bool(d.Privileged) ?? false;
  const user = typeof d.User === 'string' ? d.User : undefined;
  const [u, g] = user ? user.split(':') : [];
  const parseId = (s: string | undefined): number | undefined => {
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new Error(`${where}: User ${JSON.stringify(user)} is not numeric; the harness needs uid[:gid]`);
    return Number(s);
  };
  const options = strings(d.DockerSecurityOptions);
  return {
    runtime: 'dockerd',
    privileged,
    capabilitiesAdd: strings(caps.Add),
    capabilitiesDrop: strings(caps.Drop),
    seccomp: privileged ? { type: 'Unconfined' } : daemonProfile
      ? { type: 'DockerDaemonDefault', profileContent: daemonProfile.content, path: daemonProfile.path }
      : { type: 'RuntimeDefault' },
    procMount: 'Default',
    hostUsers: true,
    runAsUser: parseId(u),
    runAsGroup: parseId(g) ?? (u !== undefined ? parseId(u) : undefined),
    readOnlyRootFilesystem: bool(d.ReadonlyRootFilesystem) ?? false,
    // dockerd sets no_new_privs only when asked (`--security-opt no-new-privileges`).
    allowPrivilegeEscalation: options.includes('no-new-privileges') || options.includes('no-new-privileges:true') ? false : undefined,
  };
}

import * as fs from 'fs';
import * as path from 'path';
import { buildProfile } from '../seccomp/build';
import { LINUX_CAPABILITIES, normalizeCapabilities } from '../seccomp/capabilities';
import { decodeAsContainerd, flattenProfile } from '../seccomp/flatten';
import { readDockerProfile, runtimeDefaultOci } from '../seccomp/render';
import { OciSeccomp } from '../seccomp/types';
import { ProfileName } from '../policy/services';
import { CONTAINER_DEFAULT_CAPABILITIES } from '../targets';
import { Architecture, Capability } from '../targets/types';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, IdMapping } from './oci-spec';
import { RenderedSecurity } from './workload';

/**
 * How a node builds the OCI runtime config of a rendered container: containerd (Kubernetes
 * nodes) or dockerd (ECS on EC2), reduced to the fields that decide whether a sandbox starts.
 */

/** What the runtime puts in the OCI config for one container. */
export interface NodeContainerConfig {
  /** Capabilities (bounding, effective, permitted), `CAP_`-prefixed. */
  readonly capabilities: readonly string[];
  /** The seccomp filter; undefined is no filter. */
  readonly seccomp?: OciSeccomp;
  /** What the filter is, for the results table. */
  readonly seccompLabel: string;
  /** Masked paths. */
  readonly maskedPaths: readonly string[];
  /** Read-only paths. */
  readonly readonlyPaths: readonly string[];
  /** User namespace mappings (hostUsers: false). */
  readonly userNamespace?: { readonly uidMappings: readonly IdMapping[]; readonly gidMappings: readonly IdMapping[] };
  /** uid and gid of the process. */
  readonly user: { readonly uid: number; readonly gid: number };
  /** Read-only root filesystem. */
  readonly readonlyRoot: boolean;
  /** no_new_privs. */
  readonly noNewPrivileges: boolean;
  /** /sys/fs/cgroup writable (privileged containers). */
  readonly writableCgroups: boolean;
}

/**
 * The mapping the harness gives a `hostUsers: false` pod: container ids 0-65535 on host ids
 * 100000 and up (the kubelet picks a 65536-id range per pod the same way).
 */
export const USERNS_MAPPING: readonly IdMapping[] = [{ containerID: 0, hostID: 100000, size: 65536 }];

/** Where the committed profiles live (operators install these files on nodes). */
export const PROFILES_DIR = path.resolve(__dirname, '..', '..', 'profiles');

/** Options of nodeContainerConfig. */
export interface NodeConfigOptions {
  /** The node's architecture (the harness runs on the host's). */
  readonly arch: Architecture;
  /**
   * The kit profile files the node holds, by profile name, in the node's format (flattened OCI
   * for containerd, Docker's for dockerd), instead of the committed `profiles/<name>-<arch>.oci.json`
   * or the user data's file: the minimality tests pass a profile with one addition removed.
   * @default the committed files
   */
  readonly profileFiles?: Partial<Record<ProfileName, string>>;
}

/** The host's architecture in the kit's terms, or an error naming what would work. */
export function hostArchitecture(): Architecture {
  if (process.arch === 'x64') return 'amd64';
  if (process.arch === 'arm64') return 'arm64';
  throw new Error(`the verification harness runs on amd64 or arm64 hosts, not ${process.arch}`);
}

/**
 * Every capability the runtime itself holds (its bounding set, from /proc/self/status): what
 * containerd (`WithAllCurrentCapabilities`) and dockerd give a privileged container.
 */
export function runtimeCapabilities(): string[] {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapBnd:'));
  if (!line) throw new Error('/proc/self/status has no CapBnd line');
  const mask = BigInt(`0x${line.split(/\s+/)[1]}`);
  // LINUX_CAPABILITIES is in capability.h order: index = capability number.
  return normalizeCapabilities(LINUX_CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & BigInt(1)), 'CapBnd');
}

/** The container's capability set after the runtime applies add and drop to its defaults. */
export function effectiveCapabilities(sec: RenderedSecurity): string[] {
  if (sec.privileged) return runtimeCapabilities();
  const drop = sec.capabilitiesDrop.map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  const base: Capability[] = drop.includes('ALL') ? [] : CONTAINER_DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c));
  const add = sec.capabilitiesAdd.map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  if (add.includes('ALL')) return runtimeCapabilities();
  return normalizeCapabilities([...base, ...add], 'capabilities');
}

/** The profile name a Localhost path refers to (`sandbox-kit/nsjail.json`, `operator/ns/nsjail.json`). */
export function profileOfLocalhostPath(localhostProfile: string): ProfileName {
  const name = path.basename(localhostProfile, '.json');
  if (name !== 'nsjail' && name !== 'gvisor') {
    throw new Error(`Localhost profile ${JSON.stringify(localhostProfile)} is not a kit profile (nsjail.json or gvisor.json)`);
  }
  return name;
}

/** The file a node has for a Localhost profile: the committed `profiles/<name>-<arch>.oci.json`. */
export function localhostProfileFile(profile: ProfileName, arch: Architecture): string {
  return path.join(PROFILES_DIR, `${profile}-${arch}.oci.json`);
}

/**
 * A Localhost profile file with some additions removed, flattened the way the kit flattens
 * (capabilities []), as the file content a node would hold: for the minimality tests.
 */
export function localhostFileWithout(profile: ProfileName, arch: Architecture, without: readonly string[]): string {
  return profileJson(flattenProfile(buildProfile(profile, { without }), { arch, capabilities: [], source: `profile "${profile}" without ${without.join(', ')}` }));
}

/**
 * A Docker-format daemon profile with some additions removed, as the file content dockerd
 * would read: for the minimality tests on ECS on EC2.
 */
export function dockerFileWithout(profile: ProfileName, without: readonly string[]): string {
  return profileJson(buildProfile(profile, { without }));
}

/**
 * Builds the container the way the node's runtime would:
 * - capabilities: the runtime's default set (containerd and Docker share it) minus drop plus add;
 *   privileged: every capability;
 * - seccomp: privileged or Unconfined: none; RuntimeDefault: the Docker default resolved for the
 *   capabilities (what containerd and dockerd compute); Localhost: the node's file decoded the way
 *   containerd decodes it (unknown keys dropped); dockerd's daemon default: the Docker-format file
 *   resolved by dockerd for the capabilities;
 * - masked and read-only /proc paths unless privileged or procMount: Unmasked;
 * - hostUsers: false: a user namespace with USERNS_MAPPING;
 * - no_new_privs when allowPrivilegeEscalation is false.
 */
export function nodeContainerConfig(sec: RenderedSecurity, options: NodeConfigOptions): NodeContainerConfig {
  const caps = effectiveCapabilities(sec);
  let seccomp: OciSeccomp | undefined;
  let seccompLabel: string;
  if (sec.privileged || sec.seccomp.type === 'Unconfined') {
    seccompLabel = sec.privileged ? 'none (privileged)' : 'Unconfined';
  } else if (sec.seccomp.type === 'RuntimeDefault') {
    seccomp = runtimeDefaultOci(options.arch, caps);
    seccompLabel = `RuntimeDefault (Docker default for ${caps.length ? caps.length + ' caps' : 'no caps'})`;
  } else if (sec.seccomp.type === 'Localhost') {
    const profile = profileOfLocalhostPath(sec.seccomp.localhostProfile);
    const override = options.profileFiles?.[profile];
    const file = localhostProfileFile(profile, options.arch);
    const content = override ?? fs.readFileSync(file, 'utf8');
    seccomp = decodeAsContainerd(content);
    seccompLabel = `Localhost ${sec.seccomp.localhostProfile} (${override !== undefined ? 'modified' : path.relative(path.dirname(PROFILES_DIR), file)}, decoded as containerd)`;
  } else {
    const profile = path.basename(sec.seccomp.path).replace(/^sandbox-kit-/, '').replace(/\.json$/, '');
    const override = (profile === 'nsjail' || profile === 'gvisor') ? options.profileFiles?.[profile] : undefined;
    const docker = readDockerProfile(override ?? sec.seccomp.profileContent, sec.seccomp.path);
    seccomp = flattenProfile(docker, { arch: options.arch, capabilities: caps, source: sec.seccomp.path });
    seccompLabel = `dockerd default ${sec.seccomp.path} (${override !== undefined ? 'modified' : 'from user data'}, resolved by dockerd)`;
  }
  const unmasked = sec.privileged || sec.procMount === 'Unmasked';
  return {
    capabilities: caps,
    seccomp,
    seccompLabel,
    maskedPaths: unmasked ? [] : DEFAULT_MASKED_PATHS,
    readonlyPaths: unmasked ? [] : DEFAULT_READONLY_PATHS,
    userNamespace: sec.hostUsers ? undefined : { uidMappings: USERNS_MAPPING, gidMappings: USERNS_MAPPING },
    user: { uid: sec.runAsUser ?? 0, gid: sec.runAsGroup ?? sec.runAsUser ?? 0 },
    readonlyRoot: sec.readOnlyRootFilesystem,
    noNewPrivileges: !sec.privileged && sec.allowPrivilegeEscalation === false,
    writableCgroups: sec.privileged,
  };
}

/** JSON as a profile file holds it (the exact bytes do not matter to a decoder). */
export function profileJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

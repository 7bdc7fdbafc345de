import { createHash } from 'crypto';
import { ProfileName } from '../policy/services';
import { ARCHITECTURES, Architecture } from '../targets/types';
import { PROFILE_NAMES } from './additions';
import { DOCKER_DEFAULT } from './base';
import { buildProfile } from './build';
import { normalizeCapabilities } from './capabilities';
import { flattenProfile } from './flatten';
import { DockerFilter, DockerSeccompProfile, DockerSyscallGroup, OciSeccomp, OciSyscall, SeccompArg } from './types';
import { parseDockerProfile } from './validate';

/** The two file formats the kit writes. */
export type ProfileFormat = 'oci' | 'docker';

/** One profile file, exactly as written to `profiles/` and to nodes. */
export interface RenderedProfile {
  /** Kit profile. */
  readonly profile: ProfileName;
  /** `oci` (flattened, for containerd and CRI-O nodes) or `docker` (for dockerd). */
  readonly format: ProfileFormat;
  /** Node architecture; set for `oci`. */
  readonly arch?: Architecture;
  /** Name inside `profiles/`, e.g. `nsjail-amd64.oci.json`. */
  readonly fileName: string;
  /** Exact file bytes: stable JSON, two-space indent, trailing newline. */
  readonly content: string;
  /** sha256 of `content`, hex. */
  readonly sha256: string;
}

/** JSON as the kit writes it: two-space indent, trailing newline, keys in the order built. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Hex sha256 of a string's UTF-8 bytes. */
export function profileSha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * A kit profile flattened for one architecture and capability set: the file for containerd
 * and CRI-O nodes (Kubernetes Localhost profiles).
 *
 * @param capabilities the container's capability set; the kit's seccomp-mode plans drop ALL
 * @default capabilities []
 */
export function ociProfile(profile: ProfileName, arch: Architecture, capabilities: readonly string[] = []): RenderedProfile {
  const caps = normalizeCapabilities(capabilities, 'capabilities');
  const seccomp = flattenProfile(buildProfile(profile), { arch, capabilities: caps, source: `profile "${profile}"` });
  // Only capabilities that a group of the profile is conditioned on change the file (and name it):
  // SETUID, SETGID, NET_ADMIN and NET_RAW change nothing, so those plans share the file of [].
  const named = relevantCapabilities(profile, caps);
  const suffix = named.length ? `+${named.map((c) => c.slice(4).toLowerCase()).join('+')}` : '';
  return rendered(profile, 'oci', arch, `${profile}-${arch}${suffix}.oci.json`, canonicalOci(seccomp));
}

/** The capabilities (CAP_-prefixed, as given) that some group of the profile includes or excludes on. */
export function relevantCapabilities(profile: ProfileName, capabilities: readonly string[]): string[] {
  const caps = normalizeCapabilities(capabilities, 'capabilities');
  const named = new Set(buildProfile(profile).syscalls.flatMap((g) => [...(g.includes?.caps ?? []), ...(g.excludes?.caps ?? [])]));
  return caps.filter((c) => named.has(c));
}

/** A kit profile in Docker's format: the file for dockerd's daemon-wide `seccomp-profile` (ECS on EC2). */
export function dockerProfile(profile: ProfileName): RenderedProfile {
  const docker = buildProfile(profile);
  return rendered(profile, 'docker', undefined, `${profile}.docker.json`, canonicalDocker(docker));
}

/**
 * The Docker default profile flattened for a capability set: what RuntimeDefault gives a
 * container on a node (containerd computes the same rules in Go from its bounding set; small
 * list differences between containerd versions are possible). For the behavioural harness.
 */
export function runtimeDefaultOci(arch: Architecture, capabilities: readonly string[]): OciSeccomp {
  return canonicalOci(flattenProfile(DOCKER_DEFAULT, { arch, capabilities, source: 'Docker default profile' }));
}

/**
 * A Security Profiles Operator `SeccompProfile` (security-profiles-operator.x-k8s.io/v1beta1)
 * carrying the flattened profile for capabilities []. SPO writes it to
 * /var/lib/kubelet/seccomp/operator/<namespace>/<name>.json, which the planner's
 * `localhostProfilePath(profile, 'security-profiles-operator')` refers to. SPO has no
 * `defaultErrnoRet`; the base's (1, EPERM) is runc's default for SCMP_ACT_ERRNO, so the result
 * is the same filter.
 */
export function seccompProfileObject(profile: ProfileName, arch: Architecture, namespace: string): Record<string, unknown> {
  const file = ociProfile(profile, arch);
  const seccomp = JSON.parse(file.content) as OciSeccomp;
  if (seccomp.defaultErrnoRet !== undefined && seccomp.defaultErrnoRet !== 1) {
    throw new Error(`profile "${profile}": defaultErrnoRet ${seccomp.defaultErrnoRet} cannot be expressed in an SPO SeccompProfile (runc's default is 1, EPERM)`);
  }
  return {
    apiVersion: 'security-profiles-operator.x-k8s.io/v1beta1',
    kind: 'SeccompProfile',
    metadata: {
      name: profile,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'sandbox-kit', 'sandbox-kit.io/arch': arch },
      annotations: { 'sandbox-kit.io/profile-sha256': file.sha256, 'sandbox-kit.io/source-file': file.fileName },
    },
    spec: {
      defaultAction: seccomp.defaultAction,
      architectures: seccomp.architectures,
      syscalls: seccomp.syscalls,
    },
  };
}

/** Every file of `profiles/` except README.md: per profile, one OCI file per architecture and one Docker file. */
export function renderedProfiles(): RenderedProfile[] {
  return PROFILE_NAMES.flatMap((p) => [...ARCHITECTURES.map((a) => ociProfile(p, a)), dockerProfile(p)]);
}

/** Parses a rendered Docker-format file back into the model (checks it on the way). */
export function readDockerProfile(content: string, source: string): DockerSeccompProfile {
  return parseDockerProfile(JSON.parse(content), source);
}

function rendered(profile: ProfileName, format: ProfileFormat, arch: Architecture | undefined, fileName: string, value: unknown): RenderedProfile {
  const content = stableJson(value);
  return { profile, format, ...(arch ? { arch } : {}), fileName, content, sha256: profileSha256(content) };
}

function canonicalArg(a: SeccompArg): SeccompArg {
  return { index: a.index, value: a.value, ...(a.valueTwo ? { valueTwo: a.valueTwo } : {}), op: a.op };
}

function canonicalOci(s: OciSeccomp): OciSeccomp {
  return {
    defaultAction: s.defaultAction,
    ...(s.defaultErrnoRet !== undefined ? { defaultErrnoRet: s.defaultErrnoRet } : {}),
    architectures: [...s.architectures],
    ...(s.flags?.length ? { flags: [...s.flags] } : {}),
    syscalls: s.syscalls.map((r): OciSyscall => ({
      names: [...r.names],
      action: r.action,
      ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}),
      ...(r.args?.length ? { args: r.args.map(canonicalArg) } : {}),
    })),
  };
}

function canonicalFilter(f: DockerFilter | undefined): DockerFilter | undefined {
  if (!f) return undefined;
  const out: DockerFilter = {
    ...(f.caps?.length ? { caps: [...f.caps] } : {}),
    ...(f.arches?.length ? { arches: [...f.arches] } : {}),
    ...(f.minKernel ? { minKernel: f.minKernel } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

function canonicalDocker(p: DockerSeccompProfile): DockerSeccompProfile {
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet !== undefined ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    ...(p.archMap ? { archMap: p.archMap.map((e) => ({ architecture: e.architecture, subArchitectures: e.subArchitectures ? [...e.subArchitectures] : null })) } : {}),
    syscalls: p.syscalls.map((g): DockerSyscallGroup => {
      const includes = canonicalFilter(g.includes);
      const excludes = canonicalFilter(g.excludes);
      return {
        names: [...g.names],
        action: g.action,
        ...(g.errnoRet !== undefined ? { errnoRet: g.errnoRet } : {}),
        ...(g.args?.length ? { args: g.args.map(canonicalArg) } : {}),
        ...(g.comment ? { comment: g.comment } : {}),
        ...(includes ? { includes } : {}),
        ...(excludes ? { excludes } : {}),
      };
    }),
  };
}

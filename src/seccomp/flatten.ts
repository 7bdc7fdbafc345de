import { Architecture } from '../targets/types';
import { architectureNames } from './arch';
import { normalizeCapabilities } from './capabilities';
import { SeccompProfileError } from './errors';
import { DockerFilter, DockerSeccompProfile, OciSeccomp, OciSyscall, SeccompArch } from './types';
import { ruleConflicts, validateOciSeccomp } from './validate';

/**
 * Kernel version the flattener assumes for `minKernel` conditions. Every node OS the kit
 * targets runs a newer one (AL2023 6.1+, Bottlerocket 6.1, COS 5.15+/6.1, Ubuntu 22.04+ 5.15+).
 * The only `minKernel` in the Docker default (4.8, for ptrace and process_vm_*) is met.
 */
export const ASSUMED_KERNEL = '5.10';

/** For whom a Docker-format profile is flattened. */
export interface FlattenOptions {
  /** Node architecture. */
  readonly arch: Architecture;
  /**
   * The container's capability set (its bounding set, which dockerd resolves conditions
   * against), with or without `CAP_`. The kit's seccomp-mode plans drop ALL: `[]`.
   */
  readonly capabilities: readonly string[];
  /**
   * Kernel version for `minKernel` conditions.
   * @default ASSUMED_KERNEL
   */
  readonly kernel?: string;
  /** Name for error messages. @default 'profile' */
  readonly source?: string;
}

/**
 * Resolves a Docker-format profile for one container the way dockerd does (moby
 * `profiles/seccomp` setupSeccomp): architectures from the `archMap` entry of the node's
 * native architecture, groups kept only when their `includes` / `excludes` match the
 * capabilities, GOARCH and kernel. The result has no conditions left, so containerd's plain
 * decoding reads it correctly. Redundant rules are merged (one unconditional rule per syscall)
 * and conflicting ones are an error.
 */
export function flattenProfile(profile: DockerSeccompProfile, options: FlattenOptions): OciSeccomp {
  const source = options.source ?? 'profile';
  const names = architectureNames(options.arch, `${source}.arch`);
  const caps = new Set(normalizeCapabilities(options.capabilities, `${source}.capabilities`));
  const kernel = options.kernel ?? ASSUMED_KERNEL;
  if (!/^\d+\.\d+/.test(kernel)) throw SeccompProfileError.one(`${source}.kernel`, `kernel version must look like "5.10", got ${JSON.stringify(kernel)}`);

  const entry = (profile.archMap ?? []).find((e) => e.architecture === names.native);
  const architectures: SeccompArch[] = entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : [];

  const matches = (f: DockerFilter | undefined, mode: 'includes' | 'excludes'): boolean => {
    if (!f) return mode === 'includes';
    const archHit = f.arches?.length ? f.arches.includes(names.goarch) : undefined;
    const kernelHit = f.minKernel ? compareKernel(kernel, f.minKernel) >= 0 : undefined;
    if (mode === 'includes') {
      // Every stated condition must hold (caps: all of them).
      return (archHit ?? true) && (f.caps ?? []).every((c) => caps.has(c)) && (kernelHit ?? true);
    }
    // Any stated condition excludes (caps: any of them).
    return (archHit ?? false) || (f.caps ?? []).some((c) => caps.has(c)) || (kernelHit ?? false);
  };

  const rules: OciSyscall[] = [];
  for (const g of profile.syscalls) {
    if (matches(g.excludes, 'excludes') || !matches(g.includes, 'includes')) continue;
    rules.push({
      names: [...g.names],
      action: g.action,
      ...(g.errnoRet !== undefined ? { errnoRet: g.errnoRet } : {}),
      ...(g.args?.length ? { args: g.args.map((a) => ({ ...a })) } : {}),
    });
  }
  const raw: OciSeccomp = {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    architectures,
    syscalls: rules,
  };
  const conflicts = ruleConflicts(raw, source);
  if (conflicts.length) throw new SeccompProfileError(`seccomp profile ${source} flattened for ${options.arch} with capabilities [${[...caps].join(', ')}]`, conflicts);
  const merged: OciSeccomp = { ...raw, syscalls: mergeRules(rules) };
  validateOciSeccomp(merged, source);
  return merged;
}

/**
 * Drops rules made redundant by an unconditional rule with the same outcome for the same
 * syscall (e.g. ptrace in both the minKernel group and the CAP_SYS_PTRACE group), keeping the
 * first unconditional rule. Only called on conflict-free rule lists.
 */
function mergeRules(rules: readonly OciSyscall[]): OciSyscall[] {
  const owner = new Map<string, number>();
  rules.forEach((r, i) => {
    if (r.args?.length) return;
    for (const n of r.names) if (!owner.has(n)) owner.set(n, i);
  });
  const out: OciSyscall[] = [];
  rules.forEach((r, i) => {
    const names = r.names.filter((n) => owner.get(n) === undefined || owner.get(n) === i);
    if (names.length) out.push(names.length === r.names.length ? r : { ...r, names });
  });
  return out;
}

/** Compares dotted kernel versions numerically ("5.10" > "4.8"). */
export function compareKernel(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/**
 * What containerd makes of a Localhost profile file: it decodes the JSON straight into the OCI
 * `LinuxSeccomp` structure, silently dropping keys that structure lacks (`archMap`,
 * `includes`, `excludes`, `comment`), so every conditional group becomes unconditional.
 * The architectures list is whatever the file's `architectures` key says (often nothing).
 */
export function decodeAsContainerd(json: string): OciSeccomp {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const syscalls = Array.isArray(raw.syscalls) ? (raw.syscalls as Record<string, unknown>[]) : [];
  return {
    defaultAction: raw.defaultAction as OciSeccomp['defaultAction'],
    ...(raw.defaultErrnoRet !== undefined ? { defaultErrnoRet: raw.defaultErrnoRet as number } : {}),
    architectures: Array.isArray(raw.architectures) ? (raw.architectures as SeccompArch[]) : [],
    ...(Array.isArray(raw.flags) ? { flags: raw.flags as string[] } : {}),
    syscalls: syscalls.map((s) => ({
      names: s.names as string[],
      action: s.action as OciSyscall['action'],
      ...(s.errnoRet !== undefined ? { errnoRet: s.errnoRet as number } : {}),
      ...(Array.isArray(s.args) && s.args.length ? { args: s.args as OciSyscall['args'] } : {}),
    })),
  };
}

/** Syscalls that some rule allows (conditionally or not) in an OCI profile. */
export function allowedSyscalls(seccomp: OciSeccomp): Set<string> {
  return new Set(seccomp.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names));
}

/** Syscalls that a rule allows with no argument filter. */
export function unconditionallyAllowedSyscalls(seccomp: OciSeccomp): Set<string> {
  return new Set(seccomp.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args?.length).flatMap((s) => s.names));
}

import { ARCHITECTURES, Architecture } from '../targets/types';
import { SeccompProfileError } from './errors';
import { SeccompArch } from './types';

/** How one node architecture is named in each place a profile touches. */
export interface ArchitectureNames {
  /** Go's GOARCH: what Docker-format `includes.arches` / `excludes.arches` are compared with. */
  readonly goarch: string;
  /** The native libseccomp architecture, the key of the `archMap` entry. */
  readonly native: SeccompArch;
  /**
   * Every ABI a process on such a node can make syscalls through, native first
   * (amd64: X86_64, X86, X32; arm64: AARCH64, ARM). The flattened profile lists all of them so
   * that a 32-bit binary is filtered by the same rules instead of being refused outright.
   */
  readonly architectures: readonly SeccompArch[];
  /** `scmp_sys_resolver -a` names of `architectures`, in the same order. */
  readonly resolverArches: readonly string[];
}

/** Names of each node architecture the kit supports. */
export const ARCHITECTURE_NAMES: Readonly<Record<Architecture, ArchitectureNames>> = {
  amd64: {
    goarch: 'amd64',
    native: 'SCMP_ARCH_X86_64',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    resolverArches: ['x86_64', 'x86', 'x32'],
  },
  arm64: {
    goarch: 'arm64',
    native: 'SCMP_ARCH_AARCH64',
    architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
    resolverArches: ['aarch64', 'arm'],
  },
};

/** The names of `arch`, or a clear error for anything the kit does not render. */
export function architectureNames(arch: Architecture, field = 'arch'): ArchitectureNames {
  const names = (ARCHITECTURE_NAMES as Record<string, ArchitectureNames | undefined>)[arch];
  if (!names) {
    throw SeccompProfileError.one(field, `unknown architecture ${JSON.stringify(arch)}`, ARCHITECTURES.map((a) => `${a}`));
  }
  return names;
}

import tablesData from './data/kafel-syscalls.json';

/** kafel's architecture names for the kit's node architectures. */
export type KafelArch = 'x86_64' | 'aarch64';

/** The syscall tables of one kafel commit, by architecture (src/images/data/kafel-syscalls.json). */
export interface KafelTables {
  /** What the file is. */
  readonly comment: string;
  /** kafel's repository. */
  readonly repository: string;
  /** kafel commit the tables were read from. */
  readonly commit: string;
  /** The NsJail commit that bundles this kafel commit. */
  readonly bundledIn: string;
  /** Per architecture: the file read, its sha256, and name → number. */
  readonly arches: Readonly<Record<KafelArch, {
    readonly file: string;
    readonly sha256: string;
    readonly syscalls: Readonly<Record<string, number>>;
  }>>;
}

/** The tables of the kafel that the pinned NsJail bundles. */
export const KAFEL_TABLES: KafelTables = tablesData as KafelTables;

/**
 * Every version, digest and checksum the runtime images use: the ONE place to change them.
 * The Dockerfile generators read only from here (a test fails on any version literal in a
 * Dockerfile that is not in this file), so bumping a release is an edit of this file plus a
 * review of the regenerated contexts. How to refresh each value: docs/images.md.
 */

/** How far a pinned value has been checked by the people who pinned it. */
export type PinStatus =
  /** Read from the publisher (registry, release page, git) by the person who pinned it. */
  | 'verified'
  /** Taken from public pins in other projects that agree; not read from the publisher here. */
  | 'public-pins'
  /**
   * Not known: a value of the right form that matches nothing, so the build fails closed at
   * verification until it is refreshed (docs/images.md, "Refreshing pins").
   */
  | 'placeholder';

/** A pinned value and where it came from. */
export interface Pin<T> {
  /** The value. */
  readonly value: T;
  /** How far it has been checked. */
  readonly status: PinStatus;
  /** Where it came from, in one line. */
  readonly source: string;
}

/** Architectures the images are built for (`docker buildx --platform linux/<arch>`). */
export const IMAGE_ARCHITECTURES = ['amd64', 'arm64'] as const;
export type ImageArchitecture = (typeof IMAGE_ARCHITECTURES)[number];

/** The base image, by digest. */
export interface BaseImagePin {
  /** Repository and tag, for people (the tag is not what is pulled). */
  readonly name: string;
  /** Manifest-list digest (`sha256:` + 64 hex), covering every architecture. */
  readonly digest: Pin<string>;
}

/** NsJail, built from one upstream commit: the one the kit's tests build and run. */
export interface NsjailPin {
  /** Git repository. */
  readonly repository: string;
  /** `git describe` of the commit, for people and tags (3.6-75-gd6454b4: 75 commits after tag 3.6). */
  readonly describe: string;
  /** The commit (40 hex) fetched and checked out; the build refuses anything else. */
  readonly commit: Pin<string>;
  /** The kafel submodule commit that NsJail commit records; checked too. */
  readonly kafelCommit: Pin<string>;
}

/**
 * gVisor's runsc from Debian's signed archive at an exact package version: apt checks the
 * archive's signature and the package's hash, so no pin outside Debian's keyring is needed.
 * (The node-side containerd-shim-runsc-v1 is not in the image: it belongs on nodes that offer a
 * gVisor RuntimeClass, and Debian does not package it.)
 */
export interface GvisorPin {
  /** gVisor release date (`YYYYMMDD`), for tags and labels. */
  readonly release: string;
  /** Debian suite that carries that release. */
  readonly suite: string;
  /** Debian package. */
  readonly package: string;
  /** Exact Debian package version; apt refuses any other. */
  readonly version: Pin<string>;
  /** The archive entry added for the suite (deb822), with its key. */
  readonly uri: string;
}

/** Debian packages, by suite. Their integrity comes from apt's signed Release files. */
export interface DebianPackages {
  /** Debian suite of the base image. */
  readonly suite: string;
  /** Build dependencies of NsJail (builder stage only). */
  readonly nsjailBuild: readonly string[];
  /**
   * Shared libraries NsJail needs at run time, and nothing else: the image build checks with
   * `ldd` that none is missing.
   */
  readonly nsjailRuntimeLibraries: readonly string[];
  /** Language runtimes inside the NsJail image. */
  readonly languageRuntimes: readonly string[];
  /** pasta, gVisor's user-mode network helper. */
  readonly pasta: readonly string[];
  /** What agent tasks find in their root filesystem. */
  readonly agentRootfs: readonly string[];
}

/** Everything pinned. */
export interface ImageVersions {
  /** Base image of every stage. */
  readonly base: BaseImagePin;
  /** NsJail commit. */
  readonly nsjail: NsjailPin;
  /** gVisor (runsc) package. */
  readonly gvisor: GvisorPin;
  /** Debian packages. */
  readonly debian: DebianPackages;
}

/** The kit's pins. */
export const IMAGE_VERSIONS: ImageVersions = {
  base: {
    name: 'debian:bookworm-slim',
    digest: {
      value: 'sha256:7802002798b0e351323ed2357ae6dc5a8c4d0a05a57e7f4d8f97136151d3d603',
      status: 'public-pins',
      source: 'a debian:bookworm-slim manifest-list digest published on Docker Hub, seen in public Renovate-maintained pins; '
        + 'not inspected from this machine (no registry access): refresh with `docker buildx imagetools inspect debian:bookworm-slim`',
    },
  },
  nsjail: {
    repository: 'https://github.com/google/nsjail.git',
    describe: '3.6-75-gd6454b4',
    commit: {
      value: 'd6454b4640b6d8699b532a8afa37e4d67e477078',
      status: 'verified',
      source: 'the google/nsjail commit the kit\'s tests build and run (test/verify: NSJAIL); check with `git -C nsjail describe --tags` (3.6-75-gd6454b4)',
    },
    kafelCommit: {
      value: '18f207428068a50f2c35706c5d0b21f53c769016',
      status: 'verified',
      source: 'the kafel submodule of that NsJail commit, whose syscall tables src/images/data/kafel-syscalls.json holds',
    },
  },
  gvisor: {
    release: '20240729',
    suite: 'bookworm-backports',
    package: 'runsc',
    version: {
      value: '0.0~20240729.0-4~bpo12+2',
      status: 'verified',
      source: 'read from the Debian archive with `apt-cache policy runsc` (bookworm-backports, amd64); the same package the tests run (.ci/run)',
    },
    uri: 'http://deb.debian.org/debian',
  },
  debian: {
    suite: 'bookworm',
    nsjailBuild: [
      'autoconf', 'bison', 'ca-certificates', 'flex', 'g++', 'gcc', 'git', 'libnl-route-3-dev',
      'libprotobuf-dev', 'libtool', 'make', 'pkg-config', 'protobuf-compiler',
    ],
    // bookworm names: libprotobuf32 is protobuf 3.21; libnl-route-3-200 pulls libnl-3-200.
    nsjailRuntimeLibraries: ['libnl-route-3-200', 'libprotobuf32'],
    languageRuntimes: ['nodejs', 'python3'],
    pasta: ['passt'],
    agentRootfs: [
      'bash', 'ca-certificates', 'coreutils', 'curl', 'diffutils', 'file', 'findutils', 'git', 'grep', 'gzip',
      'jq', 'less', 'nodejs', 'patch', 'procps', 'python3', 'python3-venv', 'sed', 'tar', 'unzip', 'xz-utils',
    ],
  },
};

/** Every pin that is still a placeholder, as `field: source` lines (printed by `npm run images`). */
export function placeholderPins(versions: ImageVersions = IMAGE_VERSIONS): string[] {
  const pins: [string, Pin<string>][] = [
    ['base.digest', versions.base.digest],
    ['nsjail.commit', versions.nsjail.commit],
    ['nsjail.kafelCommit', versions.nsjail.kafelCommit],
    ['gvisor.version', versions.gvisor.version],
  ];
  return pins.filter(([, p]) => p.status === 'placeholder').map(([f, p]) => `${f}: ${p.source}`);
}

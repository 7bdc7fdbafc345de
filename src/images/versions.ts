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

/** gVisor's directory name for each architecture in its release bucket. */
export const GVISOR_ARCH_DIRS: Readonly<Record<ImageArchitecture, string>> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
};

/** The binaries fetched from a gVisor release. */
export const GVISOR_BINARIES = ['runsc', 'containerd-shim-runsc-v1'] as const;
export type GvisorBinary = (typeof GVISOR_BINARIES)[number];

/** 128 zeros: the checksum of no file, so a build with it fails at `sha512sum -c`. */
export const PLACEHOLDER_SHA512 = '0'.repeat(128);

/** The base image, by digest. */
export interface BaseImagePin {
  /** Repository and tag, for people (the tag is not what is pulled). */
  readonly name: string;
  /** Manifest-list digest (`sha256:` + 64 hex), covering every architecture. */
  readonly digest: Pin<string>;
}

/** NsJail, built from a tagged upstream release. */
export interface NsjailPin {
  /** Git repository. */
  readonly repository: string;
  /** Release tag. */
  readonly tag: string;
  /** Commit the tag must point at (40 hex); the build refuses anything else. */
  readonly commit: Pin<string>;
}

/** gVisor, from its release bucket. */
export interface GvisorPin {
  /** Release name (`YYYYMMDD.N`), a directory under `releases/release/`. */
  readonly release: string;
  /** Base URL of the release bucket. */
  readonly baseUrl: string;
  /** sha512 (128 hex) of each binary for each architecture. */
  readonly sha512: Readonly<Record<GvisorBinary, Readonly<Record<ImageArchitecture, Pin<string>>>>>;
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
  /** Download tools of the gVisor fetch stage (not in the final image). */
  readonly fetchTools: readonly string[];
  /** pasta, gVisor's user-mode network helper. */
  readonly pasta: readonly string[];
  /** What agent tasks find in their root filesystem. */
  readonly agentRootfs: readonly string[];
}

/** Everything pinned. */
export interface ImageVersions {
  /** Base image of every stage. */
  readonly base: BaseImagePin;
  /** NsJail release. */
  readonly nsjail: NsjailPin;
  /** gVisor release. */
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
    tag: '3.6',
    commit: {
      value: 'f78475530b46d0186111a9096b30725f816b55fe',
      status: 'public-pins',
      source: 'commit of google/nsjail tag 3.6 as pinned by two unrelated public projects; '
        + 'not read from GitHub here: check with `git ls-remote https://github.com/google/nsjail.git refs/tags/3.6`',
    },
  },
  gvisor: {
    release: '20250820.0',
    baseUrl: 'https://storage.googleapis.com/gvisor/releases/release',
    sha512: {
      'runsc': {
        amd64: {
          value: 'd6c12a4cb4f714bfcba6fd6611ad4ca73fd88dce790a083d2ceda807cd7e074c0131d5dd2a3490399e8be91feed9afe450793e9708dacddc4afc99ee6e5c3d2e',
          status: 'public-pins',
          source: 'x86_64/runsc of release 20250820.0 as pinned by a public project; compare with x86_64/runsc.sha512 of the release',
        },
        arm64: {
          value: PLACEHOLDER_SHA512,
          status: 'placeholder',
          source: 'not known here: copy from aarch64/runsc.sha512 of the release',
        },
      },
      'containerd-shim-runsc-v1': {
        amd64: {
          value: PLACEHOLDER_SHA512,
          status: 'placeholder',
          source: 'not known here: copy from x86_64/containerd-shim-runsc-v1.sha512 of the release',
        },
        arm64: {
          value: PLACEHOLDER_SHA512,
          status: 'placeholder',
          source: 'not known here: copy from aarch64/containerd-shim-runsc-v1.sha512 of the release',
        },
      },
    },
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
    fetchTools: ['ca-certificates', 'curl'],
    pasta: ['passt'],
    agentRootfs: [
      'bash', 'ca-certificates', 'coreutils', 'curl', 'diffutils', 'file', 'findutils', 'git', 'grep', 'gzip',
      'jq', 'less', 'nodejs', 'patch', 'procps', 'python3', 'python3-venv', 'sed', 'tar', 'unzip', 'xz-utils',
    ],
  },
};

/** Every pin that is still a placeholder, as `field: source` lines (printed by `npm run images`). */
export function placeholderPins(versions: ImageVersions = IMAGE_VERSIONS): string[] {
  const out: string[] = [];
  if (versions.base.digest.status === 'placeholder') out.push(`base.digest: ${versions.base.digest.source}`);
  if (versions.nsjail.commit.status === 'placeholder') out.push(`nsjail.commit: ${versions.nsjail.commit.source}`);
  for (const bin of GVISOR_BINARIES) {
    for (const arch of IMAGE_ARCHITECTURES) {
      const pin = versions.gvisor.sha512[bin][arch];
      if (pin.status === 'placeholder') out.push(`gvisor.sha512.${bin}.${arch}: ${pin.source}`);
    }
  }
  return out;
}

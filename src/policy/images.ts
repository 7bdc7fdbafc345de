/**
 * Image references: Retool's image of a release, and the registry mirror every image the kit
 * renders is pulled through. Pure string work, shared by the planner and the renderers.
 */

/** Docker Hub's names for itself in an image reference. */
const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

/** The parts of a reference: `repository[:tag][@digest]`, repository with its registry host if any. */
export interface ImageParts {
  /** Repository, with its registry host if the reference names one. */
  readonly repository: string;
  /** Tag, if any. */
  readonly tag?: string;
  /** Digest (`sha256:...`), if any. */
  readonly digest?: string;
}

/** Split a reference into repository, tag and digest. */
export function parseImage(ref: string): ImageParts {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const name = at >= 0 ? ref.slice(0, at) : ref;
  // A colon after the last slash is the tag's; one before it is a registry port.
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  const repository = tag === undefined ? name : name.slice(0, colon);
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Join parts back into a reference. */
export function formatImage(p: ImageParts): string {
  return `${p.repository}${p.tag !== undefined ? `:${p.tag}` : ''}${p.digest !== undefined ? `@${p.digest}` : ''}`;
}

/** The registry host a repository names, or undefined for Docker Hub's short form. */
function registryHost(repository: string): string | undefined {
  const first = repository.split('/')[0];
  return repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
}

/**
 * The reference pulled through a Docker Hub mirror: Docker Hub images keep their path under the
 * mirror (official images under `library/`); images of other registries are left as they are.
 */
export function mirrorImage(ref: string, mirror: string | undefined): string {
  if (!mirror) return ref;
  const parts = parseImage(ref);
  const host = registryHost(parts.repository);
  if (host !== undefined && !DOCKER_HUB_HOSTS.includes(host)) return ref;
  const path = host === undefined ? parts.repository : parts.repository.slice(host.length + 1);
  const full = path.includes('/') ? path : `library/${path}`;
  return formatImage({ ...parts, repository: `${mirror}/${full}` });
}

/** Whether a reference would pull a tag that moves: no tag and no digest (Docker's `latest`), or `:latest` without a digest. */
export function isFloatingImage(ref: string): boolean {
  const p = parseImage(ref);
  return p.digest === undefined && (p.tag === undefined || p.tag === 'latest');
}

/** Whether a reference names `:latest` at all (also with a digest: the kit renders no `:latest`). */
export function namesLatest(ref: string): boolean {
  return parseImage(ref).tag === 'latest';
}

import { createHash } from 'crypto';
import { gunzipSync, gzipSync } from 'zlib';
import { ProfileName } from '../policy/services';
import { Architecture } from '../targets/types';

/** A rendered seccomp profile: the exact bytes of a file in profiles/. */
export interface KitProfile {
  /** File name in profiles/. */
  readonly fileName: string;
  /** Exact bytes. */
  readonly content: string | Uint8Array;
  /** sha256 of the bytes, hex. */
  readonly sha256: string;
}

/** Where the AWS stacks get the kit's seccomp profiles (src/seccomp by default). */
export interface ProfileSource {
  /** The Docker-format profile dockerd reads (ECS on EC2). */
  docker(profile: ProfileName): KitProfile;
  /** The flattened OCI profile containerd reads (EKS nodes), for one architecture and capability set. */
  oci(profile: ProfileName, arch: Architecture, capabilities: readonly string[]): KitProfile;
}

/** Bytes of a profile, checked against its declared sha256 so that a bad renderer cannot slip through. */
export function profileBytes(p: KitProfile): Buffer {
  const bytes = Buffer.from(p.content);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== p.sha256) throw new Error(`seccomp profile ${p.fileName}: content hashes to ${sha}, not the declared ${p.sha256}`);
  return bytes;
}

/** Heredoc marker; base64 never contains it. */
const EOF = 'SANDBOX_KIT_PROFILE_EOF';

/**
 * Shell lines that write a profile to `path` byte for byte and fail (under `set -e`) unless its
 * sha256 matches. The bytes travel gzip'd and base64'd: a Docker-format profile is larger than
 * EC2's 16 KiB user data limit as plain JSON.
 */
export function writeProfileCommands(p: KitProfile, path: string): string[] {
  const bytes = profileBytes(p);
  // mtime 0 and no file name: the same bytes give the same user data, so instances are not replaced needlessly.
  const b64 = gzipSync(bytes, { level: 9 }).toString('base64');
  const lines = b64.match(/.{1,76}/g) ?? [];
  const dir = path.slice(0, path.lastIndexOf('/'));
  return [
    `install -d -m 0755 ${dir}`,
    `base64 -d <<'${EOF}' | gunzip > ${path}.tmp`,
    ...lines,
    EOF,
    `echo "${p.sha256}  ${path}.tmp" | sha256sum -c -`,
    `chmod 0644 ${path}.tmp`,
    `mv -f ${path}.tmp ${path}`,
  ];
}

/** The profile bytes that `writeProfileCommands` embedded for `path`, read back from a script (for tests and audits). */
export function extractProfile(script: string, path: string): Buffer | undefined {
  const start = script.indexOf(`base64 -d <<'${EOF}' | gunzip > ${path}.tmp\n`);
  if (start < 0) return undefined;
  const bodyStart = script.indexOf('\n', start) + 1;
  const end = script.indexOf(`\n${EOF}`, bodyStart);
  const b64 = script.slice(bodyStart, end).replace(/\s+/g, '');
  return gunzipSync(Buffer.from(b64, 'base64'));
}

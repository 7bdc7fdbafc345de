import dockerDefault from './data/docker-default.json';
import { DockerSeccompProfile } from './types';
import { parseDockerProfile } from './validate';

/**
 * Where the base came from (see data/NOTICE.md): the upstream file at one commit, and the sha256 of
 * the repository's verbatim copy, which a test checks.
 */
export const DOCKER_DEFAULT_SOURCE = {
  repository: 'moby/profiles',
  path: 'seccomp/default.json',
  commit: 'cd3bed8061c7b7378b61fc6827c7885779417a75',
  url: 'https://github.com/moby/profiles/blob/cd3bed8061c7b7378b61fc6827c7885779417a75/seccomp/default.json',
  sha256: '536529b665dd0972c37bfb569f5d4ac8a53592e7b00752bc39ff063ca9864c74',
  license: 'Apache-2.0',
} as const;

/**
 * Docker's default seccomp profile, the base of every kit profile: the project's verbatim copy
 * (src/seccomp/data/docker-default.json), checked on load.
 */
export const DOCKER_DEFAULT: DockerSeccompProfile = parseDockerProfile(dockerDefault, 'src/seccomp/data/docker-default.json');

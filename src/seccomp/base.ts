import dockerDefault from './data/docker-default.json';
import { DockerSeccompProfile } from './types';
import { parseDockerProfile } from './validate';

/** Where the base came from (see data/NOTICE.md). */
export const DOCKER_DEFAULT_SOURCE = {
  repository: 'moby/profiles',
  path: 'seccomp/default.json',
  commit: 'cd3bed8061c7b7378b61fc6827c7885779417a75',
  license: 'Apache-2.0',
} as const;

/**
 * Docker's default seccomp profile, the base of every kit profile: the project's verbatim copy
 * (src/seccomp/data/docker-default.json), checked on load.
 */
export const DOCKER_DEFAULT: DockerSeccompProfile = parseDockerProfile(dockerDefault, 'src/seccomp/data/docker-default.json');

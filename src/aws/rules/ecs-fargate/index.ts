import { ContainerRule } from '../rule';
import { addableCapabilities } from './addable-capabilities';
import { noPrivileged } from './no-privileged';
import { platformSeccomp } from './platform-seccomp';

/** What ECS on Fargate refuses in a container (docs/platforms.md#ecs-fargate). */
export const ECS_FARGATE_RULES: readonly ContainerRule[] = [noPrivileged, addableCapabilities, platformSeccomp];

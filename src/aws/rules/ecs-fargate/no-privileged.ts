import { ECS_FARGATE } from '../../../targets/ecs-fargate';
import { ContainerRule } from '../rule';

/** Fargate runs no privileged container; RegisterTaskDefinition accepts one and the task fails at deploy. */
export const noPrivileged: ContainerRule = {
  id: 'fargate-no-privileged',
  description: 'No privileged container on Fargate (catalog: privileged).',
  source: ECS_FARGATE.privileged.source,
  checkContainer: (c) => (c.privileged && !ECS_FARGATE.privileged.value
    ? ['privileged containers are not supported on Fargate (RegisterTaskDefinition accepts them and the task fails at deploy)'] : []),
};

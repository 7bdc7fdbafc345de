import { ECS_FARGATE } from '../../../targets/ecs-fargate';
import { ContainerRule } from '../rule';

/** Fargate applies its own seccomp profile: a task carries no other (catalog: customSeccomp). */
export const platformSeccomp: ContainerRule = {
  id: 'fargate-platform-seccomp',
  description: 'Containers run under Fargate\'s own seccomp profile (catalog: customSeccomp).',
  source: ECS_FARGATE.customSeccomp.source,
  checkContainer: (c) => (c.seccomp.type !== 'RuntimeDefault' && !ECS_FARGATE.customSeccomp.value
    ? [`Fargate applies its own seccomp profile; the plan asks for ${c.seccomp.type}`] : []),
};

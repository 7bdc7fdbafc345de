import { PlatformRulePack } from '../../targets/types';
import { ECS_FARGATE_RULES } from './ecs-fargate';
import { ContainerRule } from './rule';

export * from './rule';
export { ECS_FARGATE_RULES } from './ecs-fargate';

/** The ECS rule pack of each platform (catalog: TargetFacts.platformRules). */
export const ECS_PLATFORM_PACKS: Readonly<Partial<Record<PlatformRulePack, readonly ContainerRule[]>>> = {
  'ecs-fargate': ECS_FARGATE_RULES,
};

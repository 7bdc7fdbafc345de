import { ECS_FARGATE } from '../../../targets/ecs-fargate';
import { ContainerRule } from '../rule';

/** Fargate lets a container add only the capabilities its API lists. */
export const addableCapabilities: ContainerRule = {
  id: 'fargate-addable-capabilities',
  description: 'Containers add only the capabilities Fargate accepts (catalog: addableCapabilities).',
  source: ECS_FARGATE.addableCapabilities.source,
  checkContainer: (c) => {
    const allowed = ECS_FARGATE.addableCapabilities.value;
    const extra = allowed === 'any' ? [] : c.capabilitiesAdd.filter((cap) => !allowed.includes(cap));
    return extra.length ? [`Fargate can add only ${allowed === 'any' ? 'any' : allowed.join(', ')}, not ${extra.join(', ')}`] : [];
  },
};

import { SERVICE_NAMES } from '../../../policy/services';
import { TARGET_NAMES, TARGETS } from '../../../targets';
import { ConfigRule } from '../rule';

/** The targets whose clusters take a second capacity. */
const MIXED = TARGET_NAMES.filter((t) => TARGETS[t].mixedCapacity);

/** `capacity` chooses between the capacities of a mixed cluster (catalog: mixedCapacity, ECS on Fargate). */
export const capacityOnEcsFargate: ConfigRule<'config'> = {
  id: 'capacity-on-ecs-fargate',
  description: 'services.<name>.capacity applies only to target ecs-fargate.',
  check: (c) => TARGETS[c.target]?.mixedCapacity ? [] : SERVICE_NAMES
    .filter((s) => c.services?.[s]?.capacity !== undefined)
    .map((s) => ({ field: `services.${s}.capacity`, message: `capacity applies only to target${MIXED.length === 1 ? '' : 's'} ${MIXED.map((t) => `"${t}"`).join(', ')}, not "${c.target}"`, alternatives: ['remove capacity'] })),
};

import { SERVICE_NAMES } from '../../../policy/services';
import { ConfigRule } from '../rule';

/** `capacity` chooses between Fargate and EC2 capacity inside one ECS on Fargate cluster only. */
export const capacityOnEcsFargate: ConfigRule<'config'> = {
  id: 'capacity-on-ecs-fargate',
  description: 'services.<name>.capacity applies only to target ecs-fargate.',
  check: (c) => c.target === 'ecs-fargate' ? [] : SERVICE_NAMES
    .filter((s) => c.services?.[s]?.capacity !== undefined)
    .map((s) => ({ field: `services.${s}.capacity`, message: `capacity applies only to target "ecs-fargate", not "${c.target}"`, alternatives: ['remove capacity'] })),
};

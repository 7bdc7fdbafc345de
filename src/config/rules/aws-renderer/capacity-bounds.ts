import { ConfigProblem } from '../../../policy/errors';
import { withAwsDefaults } from '../../../aws/options';
import { ConfigRule } from '../rule';

/** Auto Scaling groups and node groups refuse a desired or maximum size outside their bounds. */
export const capacityBounds: ConfigRule<'aws-renderer'> = {
  id: 'capacity-bounds',
  description: 'ecs.maxCapacity is at least ecs.minCapacity; eks.desiredSize lies between eks.minSize and eks.maxSize.',
  check: (o) => {
    const out: ConfigProblem[] = [];
    const { ecs, eks } = withAwsDefaults(o);
    if (typeof ecs.maxCapacity === 'number' && typeof ecs.minCapacity === 'number' && ecs.maxCapacity < ecs.minCapacity) {
      out.push({ field: 'ecs.maxCapacity', message: `must be at least minCapacity (${ecs.minCapacity})`, alternatives: [`${ecs.minCapacity}`] });
    }
    if ([eks.minSize, eks.desiredSize, eks.maxSize].every((n) => typeof n === 'number') && (eks.desiredSize < eks.minSize || eks.desiredSize > eks.maxSize)) {
      out.push({ field: 'eks.desiredSize', message: `must be between minSize (${eks.minSize}) and maxSize (${eks.maxSize})`, alternatives: [`${Math.max(eks.minSize, Math.min(eks.maxSize, 2))}`] });
    }
    return out;
  },
};

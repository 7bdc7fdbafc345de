import { ConfigProblem } from '../../../policy/errors';
import { ConfigRule } from '../rule';

/** A cluster the kit did not create lives in a VPC the kit cannot look up at synth (no credentials). */
export const existingClusterNeedsVpc: ConfigRule<'aws-renderer'> = {
  id: 'existing-cluster-needs-vpc',
  description: 'An existing ECS or EKS cluster (clusterName) needs its VPC named in vpc.',
  check: (o) => {
    if (o.vpc) return [];
    const out: ConfigProblem[] = [];
    const vpc = '"vpc": { "vpcId": ..., "availabilityZones": [...], "privateSubnetIds": [...] }';
    if (o.ecs?.clusterName) out.push({ field: 'ecs.clusterName', message: 'an existing cluster needs its VPC: set vpc too', alternatives: [vpc] });
    if (o.eks?.clusterName) out.push({ field: 'eks.clusterName', message: 'an existing cluster needs its VPC: set vpc too', alternatives: [vpc] });
    return out;
  },
};

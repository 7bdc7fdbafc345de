import { ConfigRule } from '../rule';

/** aws-cdk-lib pairs the imported subnets with the zones by position. */
export const existingVpcSubnetPerZone: ConfigRule<'aws-renderer'> = {
  id: 'existing-vpc-subnet-per-zone',
  description: 'An existing VPC lists one private subnet per availability zone, in the same order.',
  check: (o) => {
    const azs = o.vpc?.availabilityZones;
    const subnets = o.vpc?.privateSubnetIds;
    if (!Array.isArray(azs) || !Array.isArray(subnets) || azs.length === subnets.length) return [];
    return [{
      field: 'vpc.privateSubnetIds',
      message: `has ${subnets.length} subnets for ${azs.length} availability zones; give one subnet per zone, in the same order`,
      alternatives: ['one subnet id per availability zone'],
    }];
  },
};

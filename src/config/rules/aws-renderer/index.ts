import { ConfigRule } from '../rule';
import { capacityBounds } from './capacity-bounds';
import { egressAllowlistRanges } from './egress-allowlist-ranges';
import { existingClusterNeedsVpc } from './existing-cluster-needs-vpc';
import { existingEksClusterAccess } from './existing-eks-cluster-access';
import { existingVpcSubnetPerZone } from './existing-vpc-subnet-per-zone';

/**
 * Rules over the AWS stacks' options. Add yours here. (`eks.chart` is also checked with the
 * Kubernetes renderer's rules.)
 */
export const AWS_RENDERER_RULES: readonly ConfigRule<'aws-renderer'>[] = [
  existingVpcSubnetPerZone,
  existingClusterNeedsVpc,
  existingEksClusterAccess,
  capacityBounds,
  egressAllowlistRanges,
];

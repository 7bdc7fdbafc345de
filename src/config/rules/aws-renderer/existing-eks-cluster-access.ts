import { ConfigProblem } from '../../../policy/errors';
import { ConfigRule } from '../rule';

/**
 * On an existing EKS cluster the kubectl handler joins the cluster security group to reach a
 * private endpoint, and the chart's NetworkPolicies only hold if the VPC CNI enforces them, which
 * the kit cannot check or change on a cluster it does not own. Without a cluster, those two
 * options mean nothing.
 */
export const existingEksClusterAccess: ConfigRule<'aws-renderer'> = {
  id: 'existing-eks-cluster-access',
  description: 'eks.clusterName needs eks.clusterSecurityGroupId and eks.networkPolicyEnforced: true; both apply only with clusterName.',
  check: (o) => {
    const k = o.eks ?? {};
    const out: ConfigProblem[] = [];
    if (k.clusterName) {
      if (k.clusterSecurityGroupId === undefined) {
        out.push({ field: 'eks.clusterSecurityGroupId', message: 'is required with eks.clusterName (the kubectl handler reaches the endpoint through it)', alternatives: ['"sg-0123456789abcdef0"'] });
      }
      if (k.networkPolicyEnforced !== true) {
        out.push({
          field: 'eks.networkPolicyEnforced',
          message: 'the chart admits only the backend through NetworkPolicies, which the VPC CNI enforces only with enableNetworkPolicy; the kit does not reconfigure the add-on of a cluster it does not own',
          alternatives: ['enable it on the cluster (vpc-cni add-on configuration {"enableNetworkPolicy": "true"}) and set networkPolicyEnforced: true', 'leave eks.clusterName unset: the kit creates a cluster with it enabled'],
        });
      }
    } else {
      for (const f of ['clusterSecurityGroupId', 'networkPolicyEnforced'] as const) {
        if (k[f] !== undefined) out.push({ field: `eks.${f}`, message: 'applies only to an existing cluster (eks.clusterName)', alternatives: ['remove it', 'set eks.clusterName'] });
      }
    }
    return out;
  },
};

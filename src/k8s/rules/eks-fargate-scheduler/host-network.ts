import { EKS_FARGATE } from '../../../targets/eks-fargate';
import { SOURCES } from '../../../targets/sources';
import { PodRule } from '../rule';

/** No pod on the host network (catalog: hostNamespaces). */
export const hostNetwork: PodRule = {
  id: 'host-network',
  description: 'No pod on the host network (catalog: hostNamespaces).',
  source: SOURCES.eksFargate,
  checkPod: (pod) => {
    return pod.spec.hostNetwork && !EKS_FARGATE.hostNamespaces.value ? ['Pod not supported on Fargate: fields not supported: HostNetwork'] : [];
  },
};

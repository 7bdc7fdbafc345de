import { EKS_FARGATE } from '../../../targets/eks-fargate';
import { SOURCES } from '../../../targets/sources';
import { ObjectRule } from '../rule';

/** No DaemonSet: Fargate has no nodes to run one on (catalog: daemonSets). */
export const daemonsets: ObjectRule = {
  id: 'daemonsets',
  description: 'No DaemonSet: Fargate has no nodes to run one on (catalog: daemonSets).',
  source: SOURCES.eksFargate,
  checkObject: (object) => {
    return object.kind === 'DaemonSet' && !EKS_FARGATE.daemonSets.value ? ['Daemonsets aren\'t supported on Fargate'] : [];
  },
};

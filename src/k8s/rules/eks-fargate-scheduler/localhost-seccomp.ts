import { EKS_FARGATE } from '../../../targets/eks-fargate';
import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No Localhost seccomp profile: there is no node to put the file on (catalog: customSeccomp). */
export const localhostSeccomp: PodRule = {
  id: 'localhost-seccomp',
  description: 'No Localhost seccomp profile: there is no node to put the file on (catalog: customSeccomp).',
  source: `${SOURCES.eksFargate}; ${EKS_FARGATE.customSeccomp.source}`,
  checkPod: (pod) => {
    const out: string[] = [];
    if (pod.spec.securityContext?.seccompProfile?.type === 'Localhost') out.push('Pod not supported on Fargate: a Localhost seccomp profile needs a file on the node');
    for (const c of allContainers(pod.spec)) {
      if (c.securityContext?.seccompProfile?.type === 'Localhost') out.push(`Pod not supported on Fargate: container ${c.name} needs a Localhost seccomp file on the node`);
    }
    return out;
  },
};

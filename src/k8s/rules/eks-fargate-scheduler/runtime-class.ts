import { SOURCES } from '../../../targets/sources';
import { PodRule } from '../rule';

/** No RuntimeClass: Fargate chooses the runtime (catalog: gvisor). */
export const runtimeClass: PodRule = {
  id: 'runtime-class',
  description: 'No RuntimeClass: Fargate chooses the runtime (catalog: gvisor).',
  source: SOURCES.eksFargate,
  checkPod: (pod) => {
    return pod.spec.runtimeClassName ? [`Pod not supported on Fargate: runtimeClassName ${pod.spec.runtimeClassName} (no RuntimeClass on Fargate)`] : [];
  },
};

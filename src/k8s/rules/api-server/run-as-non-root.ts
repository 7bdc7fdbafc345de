import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** A container with runAsNonRoot: true does not run as uid 0 (the kubelet refuses to start it: CreateContainerConfigError). */
export const runAsNonRoot: PodRule = {
  id: 'run-as-non-root',
  description: 'A container with runAsNonRoot: true does not run as uid 0 (the kubelet refuses to start it: CreateContainerConfigError).',
  source: 'kubernetes/kubernetes pkg/kubelet/kuberuntime/security_context_others.go (verifyRunAsNonRoot)',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => (c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot) === true
      && (c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser) === 0)
      .map((c) => `container "${c.name}": runAsNonRoot is true but the effective runAsUser is 0 (the kubelet refuses to start it)`);
  },
};

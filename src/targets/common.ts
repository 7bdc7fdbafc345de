import { assumed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { Capability, ProcMountSupport, UserNamespaceSupport } from './types';

/**
 * containerd's and Docker's default capability set (14 capabilities).
 * Source: containerd pkg/oci/spec.go (default Unix capabilities); moby oci/caps/defaults.go.
 */
export const CONTAINER_DEFAULT_CAPABILITIES: readonly Capability[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID',
  'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

/** Localhost profiles live under /var/lib/kubelet/seccomp on the node (kubernetes.io, seccomp). */
export const KUBELET_SECCOMP_ROOT = '/var/lib/kubelet/seccomp';

/**
 * Kubernetes user namespaces on nodes the user controls.
 * Sources: containerd docs/user-namespaces, kubernetes.io user namespaces (on by default from
 * 1.33); Bottlerocket not yet (bottlerocket#3904). docs/platforms.md#eks.
 */
export const SELF_MANAGED_USERNS: UserNamespaceSupport = {
  supported: true,
  minKubernetes: '1.33',
  minContainerd: '2.0',
  minKernel: '6.3',
  minRunc: '1.2',
  unsupportedNodeOs: ['bottlerocket'],
};

/**
 * `procMount: Unmasked`: needs `hostUsers: false` (API validation) and, to pass Pod Security
 * baseline, policy version v1.35 (pod-security-admission check_procMount.go).
 */
export const SELF_MANAGED_PROCMOUNT: ProcMountSupport = {
  unmasked: true,
  minKubernetes: '1.33',
  minPodSecurityVersion: '1.35',
};

export const userNamespacesOnOwnNodes = verified(
  SELF_MANAGED_USERNS,
  `${SOURCES.containerdUserNamespaces}; ${SOURCES.k8sUserNamespaces}; ${SOURCES.bottlerocketUserns}`,
  'containerd 1.6 and older silently ignore hostUsers: false',
);

export const procMountOnOwnNodes = verified(
  SELF_MANAGED_PROCMOUNT,
  `${SOURCES.psaProcMount}; ${platformsDoc('pod-security-standards')}`,
);

export const podSecurityOnlyIfInstalled = verified(
  'Only what the cluster operator installs (Pod Security labels, Kyverno, Gatekeeper)',
  `Kubernetes admits what no admission controller refuses; ${platformsDoc('eks')}`,
);

export const noGvisorUnlessInstalled = assumed(
  'self-installed' as const,
  `no managed gVisor: install runsc, containerd-shim-runsc-v1 and a RuntimeClass yourself; ${platformsDoc('eks')}`,
);

/**
 * ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) from Kubernetes 1.30: the
 * sandbox admission policies need it, and older clusters have no v1 of it.
 */
export const VALIDATING_ADMISSION_POLICY_V1 = verified('1.30', 'https://kubernetes.io/blog/2024/04/24/validating-admission-policy-ga/ (ValidatingAdmissionPolicy GA in Kubernetes v1.30)');

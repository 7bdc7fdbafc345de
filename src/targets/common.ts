import { assumed, verified } from './facts';
import { Capability, ProcMountSupport, UserNamespaceSupport } from './types';

/**
 * containerd's and Docker's default capability set (14 capabilities).
 * Source: containerd oci/spec.go defaultUnixCaps; moby oci/caps/defaults.go.
 */
export const CONTAINER_DEFAULT_CAPABILITIES: readonly Capability[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID',
  'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

/** platforms.md §1: Localhost profiles live under /var/lib/kubelet/seccomp on the node. */
export const KUBELET_SECCOMP_ROOT = '/var/lib/kubelet/seccomp';

/**
 * Kubernetes user namespaces on nodes the user controls.
 * platforms.md §1 [V containerd docs/user-namespaces, kubernetes.io user-namespaces]; on by default
 * from 1.33 [O shipwright#2012]; Bottlerocket not yet [O bottlerocket#3904].
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
 * baseline, policy version v1.35 (platforms.md §7 [V check_procMount_baseline.go]).
 */
export const SELF_MANAGED_PROCMOUNT: ProcMountSupport = {
  unmasked: true,
  minKubernetes: '1.33',
  minPodSecurityVersion: '1.35',
};

export const userNamespacesOnOwnNodes = verified(
  SELF_MANAGED_USERNS,
  'platforms.md §1: containerd docs/user-namespaces; kubernetes.io user-namespaces; bottlerocket#3904',
  'containerd 1.6 and older silently ignore hostUsers: false',
);

export const procMountOnOwnNodes = verified(
  SELF_MANAGED_PROCMOUNT,
  'platforms.md §7: kubernetes pod-security-admission check_procMount_baseline.go',
);

export const podSecurityOnlyIfInstalled = verified(
  'Only what the cluster operator installs (Pod Security labels, Kyverno, Gatekeeper)',
  'platforms.md §0 and §1',
);

export const noGvisorUnlessInstalled = assumed(
  'self-installed' as const,
  'platforms.md §1: EKS has no managed gVisor; install runsc and a RuntimeClass yourself',
);

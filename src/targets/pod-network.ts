import { verified } from './facts';

/**
 * Who owns a pod's network namespace, and what Retool's iptables step needs there: the facts
 * behind the planner's NET_ADMIN decision for the executors (Retool's code-executor adds, at
 * start, `iptables-legacy -A OUTPUT -d 169.254.0.0/16 -m owner --uid-owner retool_user -j DROP`
 * and the same for 192.168.0.0/16: https://docs.retool.com/self-hosted/guides/code-executor-security-privileges).
 * A capability acts on a network namespace only through the user namespace that owns it
 * (user_namespaces(7), "Interaction of user namespaces and other types of namespaces").
 */

/**
 * With `hostUsers: false`, the pod's network namespace is owned by the pod's user namespace, the
 * one its containers run in: containerd's CRI creates the network namespace after entering a new
 * user namespace with the pod's mappings, pins the user namespace that owns it, and the sandbox
 * and every container of the pod join that one. So CAP_NET_ADMIN granted to a container (in its
 * user namespace) acts on the pod's network, and only there.
 */
export const POD_NETNS_OWNER = verified(
  'pod-user-namespace' as const,
  'containerd >= 2.0 (required for hostUsers: false on Kubernetes >= 1.27: containerd docs/user-namespaces/README.md): '
    + 'internal/cri/server/sandbox_run.go calls setupNetnsWithinUserns (sandbox_run_linux.go: sys.UnshareAfterEnterUserns(uid and gid maps, CLONE_NEWNET)); '
    + 'internal/cri/server/podsandbox/helpers_linux.go pinUserNamespace pins GetUsernsForNamespace(netns) and sandbox_run_linux.go joins it '
    + '(https://github.com/containerd/containerd/pull/10607, "internal/cri: simplify netns setup with pinned userns")',
  'without a user namespace (hostUsers: true, ECS) the host\'s user namespace owns it, as it owns the container',
);

/**
 * What Retool's iptables step needs in the pod's network namespace, measured with iptables 1.8.9
 * (Debian) in the container built from the executors' rendered settings, root in a user
 * namespace that owns the network namespace: `-m owner --uid-owner` is accepted and drops
 * retool_user's packets; iptables-legacy (what Retool's documented commands call) needs NET_RAW
 * besides NET_ADMIN and a writable /run for its lock file; iptables-nft needs NET_ADMIN only.
 * Where the host's user namespace owns the network namespace instead, nothing works, whatever
 * the container's capabilities.
 */
export const IPTABLES_IN_POD_USERNS = verified(
  {
    ownerMatch: true,
    legacyNeeds: ['NET_ADMIN', 'NET_RAW'] as const,
    nftNeeds: ['NET_ADMIN'] as const,
    legacyLockFile: '/run/xtables.lock',
  },
  'measured by test/verify/net-admin.test.ts (runc, Linux 6.18, iptables 1.8.9; the network namespace created in the container\'s user namespace as containerd >= 2.0 creates it, and, as a control, one owned by the host\'s user namespace)',
);

import { ProfileDelivery } from '../targets/types';

/**
 * Where the kit's profiles live on the nodes, one place for the planner (which writes the paths
 * into each plan) and the renderers (which put the files there).
 */

/** Directory under /var/lib/kubelet/seccomp (and the file prefix under /etc/docker/seccomp) that holds the kit's profiles. */
export const PROFILE_DIR = 'sandbox-kit';

/** Namespace of the profile installer, the AppArmor loader and Security Profiles Operator objects. */
export const SYSTEM_NAMESPACE = 'sandbox-kit-system';

/** Where a kit profile is referenced from a pod, by delivery (relative to /var/lib/kubelet/seccomp). */
export function localhostProfilePath(profile: string, delivery: ProfileDelivery): string {
  return delivery === 'security-profiles-operator'
    ? `operator/${SYSTEM_NAMESPACE}/${profile}.json`
    : `${PROFILE_DIR}/${profile}.json`;
}

/** Where dockerd reads a kit profile on ECS container instances. */
export function dockerProfilePath(profile: string): string {
  return `/etc/docker/seccomp/${PROFILE_DIR}-${profile}.json`;
}

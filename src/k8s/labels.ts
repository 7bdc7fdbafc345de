/** Prefix of the kit's own labels and annotations. */
export const KIT_DOMAIN = 'sandbox-kit.io';

/** Annotation: sha256 of the seccomp profile a pod references, per architecture (rolls pods on change). */
export const PROFILE_CHECKSUM_ANNOTATION = `${KIT_DOMAIN}/seccomp-profile-sha256`;
/** Annotation: the plan's sandbox mode. */
export const MODE_ANNOTATION = `${KIT_DOMAIN}/sandbox-mode`;
/** Annotation: why a namespace's Pod Security level is not `restricted`. */
export const POD_SECURITY_REASON_ANNOTATION = `${KIT_DOMAIN}/pod-security-reason`;
/** Annotation: why the AppArmor profile is what it is. */
export const APPARMOR_REASON_ANNOTATION = `${KIT_DOMAIN}/apparmor-reason`;
/** Label: the trust domain of a namespace. */
export const TRUST_LABEL = `${KIT_DOMAIN}/trust`;

/** Labels that select one component's pods. */
export function selectorLabels(name: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component };
}

/** Labels on every object the kit renders. */
export function commonLabels(name: string, component: string): Record<string, string> {
  return { ...selectorLabels(name, component), 'app.kubernetes.io/part-of': 'sandbox-kit', 'app.kubernetes.io/managed-by': 'sandbox-kit' };
}

import { BASELINE_ADDABLE_CAPABILITIES, PROC_MOUNT_USERNS_RELAXATION as PROC_MOUNT_USERNS_RELAXATION_FACT, RESTRICTED_ADDABLE_CAPABILITIES, RUN_AS_ROOT_USERNS_RELAXATION } from '../targets/pod-security-standards';
import { ContainerSecurity, PodSecurityLevel } from './plan';
import { compareVersions } from './quantity';

/** Capabilities Pod Security baseline lets a container add (catalog: src/targets/pod-security-standards.ts). */
export const BASELINE_CAPABILITIES: readonly string[] = BASELINE_ADDABLE_CAPABILITIES.value;

/** Policy version from which procMount is free for pods with hostUsers: false (catalog). */
export const PROC_MOUNT_USERNS_RELAXATION = PROC_MOUNT_USERNS_RELAXATION_FACT.value;

/** What a pod adds besides its containers' settings, where baseline looks at it too. */
export interface PodExtras {
  /**
   * hostPath volumes of the pod (e.g. a `/dev/net/tun` device), each with why.
   * @default []
   */
  readonly hostPaths?: readonly { readonly path: string; readonly why: string }[];
  /**
   * Further containers of the pod (an init container), with their settings.
   * @default []
   */
  readonly otherContainers?: readonly { readonly name: string; readonly security: ContainerSecurity }[];
}

/** The strictest Pod Security level a pod with these settings meets, and what keeps it lower. */
export interface PodSecurityVerdict {
  /** The level a namespace of such pods can enforce. */
  readonly level: PodSecurityLevel;
  /** Why not `restricted` (each setting that baseline or restricted forbids), else undefined. */
  readonly reason?: string;
}

/**
 * The Pod Security level of a pod from the plan's settings, the way pod-security-admission would
 * judge the rendered pod: baseline's rules first (whatever breaks one keeps the namespace at
 * `privileged`, with that as the reason), then restricted's. The renderer checks the rendered pods
 * against the level again (src/k8s/pod-security.ts), so a disagreement fails synth.
 */
export function podSecurityVerdict(sandbox: ContainerSecurity, kubernetesVersion: string, extras: PodExtras = {}): PodSecurityVerdict {
  const containers = [{ name: 'sandbox', security: sandbox }, ...(extras.otherContainers ?? [])];
  const baseline: string[] = [];
  const restricted: string[] = [];
  const who = (name: string) => (containers.length > 1 ? ` (${name} container)` : '');
  for (const { name, security: c } of containers) {
    if (c.privileged) baseline.push(`the ${name} container is privileged`);
    const extra = c.capabilitiesAdd.filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
    if (extra.length) baseline.push(`it adds ${extra.join(', ')}${who(name)}, which baseline forbids`);
    if (!c.privileged && c.seccomp.type === 'Unconfined') baseline.push(`seccomp Unconfined${who(name)}`);
    if (c.appArmor?.type === 'Unconfined') baseline.push(`AppArmor Unconfined${who(name)}${c.appArmorReason ? ` (${c.appArmorReason})` : ''}; baseline forbids Unconfined`);
    if (c.procMount === 'Unmasked' && !(!c.hostUsers && compareVersions(kubernetesVersion, PROC_MOUNT_USERNS_RELAXATION) >= 0)) {
      baseline.push(`procMount: Unmasked${who(name)} passes Pod Security baseline only with hostUsers: false from policy v${PROC_MOUNT_USERNS_RELAXATION} (Kubernetes ${kubernetesVersion} here)`);
    }
    if (!c.privileged) {
      // From 1.35 restricted's user checks pass every pod with hostUsers: false (uid 0 there is not the host's).
      const userChecksRelaxed = !c.hostUsers && compareVersions(kubernetesVersion, RUN_AS_ROOT_USERNS_RELAXATION.value) >= 0;
      if ((!c.runAsNonRoot || c.runAsUser === 0) && !userChecksRelaxed) {
        restricted.push(`runs as root${who(name)}${!c.hostUsers ? ` (with hostUsers: false restricted allows it only from Kubernetes ${RUN_AS_ROOT_USERNS_RELAXATION.value})` : ''}`);
      }
      if (c.allowPrivilegeEscalation) restricted.push(`allows privilege escalation${who(name)}`);
      if (!c.capabilitiesDrop.includes('ALL')) restricted.push(`does not drop ALL capabilities${who(name)}`);
      const added = c.capabilitiesAdd.filter((cap) => !RESTRICTED_ADDABLE_CAPABILITIES.value.includes(cap));
      if (added.length && !extra.length) restricted.push(`adds ${added.join(', ')}${who(name)} (restricted allows only ${RESTRICTED_ADDABLE_CAPABILITIES.value.join(', ')}; baseline allows these)`);
      if (c.seccomp.type !== 'RuntimeDefault' && c.seccomp.type !== 'Localhost') restricted.push(`seccomp is not RuntimeDefault or Localhost${who(name)}`);
    }
  }
  for (const h of extras.hostPaths ?? []) baseline.push(`a hostPath volume ${h.path} (${h.why}), which baseline forbids`);
  if (baseline.length) return { level: 'privileged', reason: baseline.join('; ') };
  if (restricted.length) return { level: 'baseline', reason: `restricted forbids what the sandbox needs: ${restricted.join('; ')}` };
  return { level: 'restricted' };
}

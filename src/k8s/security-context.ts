import { JsonPatch } from 'cdk8s';
import { k8s } from './k8s-api';
import { AppArmorSetting, ContainerSecurity, SeccompSetting } from '../policy/plan';
import { compareVersions } from '../policy/quantity';

/**
 * Kubernetes version from which `securityContext.appArmorProfile` exists (GA in 1.30); older
 * clusters read the `container.apparmor.security.beta.kubernetes.io/<container>` annotation.
 */
export const APPARMOR_FIELD_MIN_VERSION = '1.30';

/** The seccomp profile a Kubernetes object carries for a plan setting. */
export function k8sSeccompProfile(seccomp: SeccompSetting): k8s.SeccompProfile {
  switch (seccomp.type) {
    case 'RuntimeDefault': return { type: 'RuntimeDefault' };
    case 'Unconfined': return { type: 'Unconfined' };
    case 'Localhost': return { type: 'Localhost', localhostProfile: seccomp.localhostProfile };
    case 'DockerDaemonDefault':
      // ECS only: a Kubernetes pod cannot ask for the Docker daemon's default.
      throw new Error(`seccomp "DockerDaemonDefault" (${seccomp.path}) is an ECS setting; a Kubernetes plan never carries it`);
  }
}

/** Pod-level settings shared by every container of a pod that runs with one ContainerSecurity. */
export function podSecurityContext(sec: ContainerSecurity): k8s.PodSecurityContext {
  return {
    runAsUser: sec.runAsUser,
    runAsGroup: sec.runAsGroup,
    runAsNonRoot: sec.runAsNonRoot,
    seccompProfile: k8sSeccompProfile(sec.seccomp),
  };
}

/**
 * The container's full security context from the plan. `procMount` is emitted only when it is
 * not the API default, so no field reaches a platform that the plan did not ask for.
 * AppArmor is added separately (appArmorPatches), since the 1.28 types lack the field.
 */
export function containerSecurityContext(sec: ContainerSecurity): k8s.SecurityContext {
  return {
    privileged: sec.privileged,
    allowPrivilegeEscalation: sec.allowPrivilegeEscalation,
    capabilities: {
      ...(sec.capabilitiesAdd.length ? { add: [...sec.capabilitiesAdd] } : {}),
      ...(sec.capabilitiesDrop.length ? { drop: [...sec.capabilitiesDrop] } : {}),
    },
    readOnlyRootFilesystem: sec.readOnlyRootFilesystem,
    runAsUser: sec.runAsUser,
    runAsGroup: sec.runAsGroup,
    runAsNonRoot: sec.runAsNonRoot,
    seccompProfile: k8sSeccompProfile(sec.seccomp),
    ...(sec.procMount !== 'Default' ? { procMount: sec.procMount } : {}),
  };
}

/** Pod spec fields that belong to the pod but come from the sandbox container's plan. */
export function podLevelFields(sec: ContainerSecurity): Pick<k8s.PodSpec, 'hostUsers' | 'runtimeClassName'> {
  return {
    // hostUsers: true is the API default; emit only the user-namespace request.
    ...(sec.hostUsers ? {} : { hostUsers: false }),
    ...(sec.runtimeClassName ? { runtimeClassName: sec.runtimeClassName } : {}),
  };
}

/** emptyDir volumes and mounts for the paths that stay writable under a read-only root, each bounded by `sizeLimit`. */
export function writableVolumes(sec: ContainerSecurity, sizeLimit: string): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  sec.writablePaths.forEach((p, i) => {
    const name = `writable-${i}`;
    volumes.push({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) } });
    mounts.push({ name, mountPath: p });
  });
  return { volumes, mounts };
}

/** One container's AppArmor setting, for appArmorPatches / appArmorAnnotations. */
export interface ContainerAppArmor {
  /** Index in `containers`. */
  readonly index: number;
  /** Container name. */
  readonly name: string;
  /** The plan's AppArmor profile; nothing is rendered when undefined. */
  readonly profile?: AppArmorSetting;
}

/** The `appArmorProfile` field of a plan setting. */
export function k8sAppArmorProfile(setting: AppArmorSetting): { type: string; localhostProfile?: string } {
  return setting.type === 'Localhost' ? { type: 'Localhost', localhostProfile: setting.profile } : { type: setting.type };
}

/** The pre-1.30 annotation value of a plan setting. */
export function appArmorAnnotationValue(setting: AppArmorSetting): string {
  switch (setting.type) {
    case 'RuntimeDefault': return 'runtime/default';
    case 'Unconfined': return 'unconfined';
    case 'Localhost': return `localhost/${setting.profile}`;
  }
}

/** Whether the cluster version reads the appArmorProfile field (else the annotation). */
export function usesAppArmorField(kubernetesVersion: string | undefined): boolean {
  return compareVersions(kubernetesVersion ?? APPARMOR_FIELD_MIN_VERSION, APPARMOR_FIELD_MIN_VERSION) >= 0;
}

/**
 * JSON patches that add `securityContext.appArmorProfile` to containers of the pod spec at
 * `podSpecPath` (the one field the cdk8s-plus-28 types lack). Only for Kubernetes >= 1.30.
 */
export function appArmorPatches(podSpecPath: string, containers: readonly ContainerAppArmor[], kubernetesVersion: string | undefined): JsonPatch[] {
  if (!usesAppArmorField(kubernetesVersion)) return [];
  return containers
    .filter((c) => c.profile !== undefined)
    .map((c) => JsonPatch.add(`${podSpecPath}/containers/${c.index}/securityContext/appArmorProfile`, k8sAppArmorProfile(c.profile!)));
}

/** The pre-1.30 annotations for the same settings (the API server maps them to the field after). */
export function appArmorAnnotations(containers: readonly ContainerAppArmor[], kubernetesVersion: string | undefined): Record<string, string> {
  if (usesAppArmorField(kubernetesVersion)) return {};
  const out: Record<string, string> = {};
  for (const c of containers) {
    if (c.profile) out[`container.apparmor.security.beta.kubernetes.io/${c.name}`] = appArmorAnnotationValue(c.profile);
  }
  return out;
}

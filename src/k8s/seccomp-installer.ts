import { relevantCapabilities } from '../seccomp/render';
import { ApiObject } from 'cdk8s';
import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { PROFILE_DIR, SYSTEM_NAMESPACE } from '../seccomp/locations';
import { seccompProfileObject } from '../seccomp';
import { KUBELET_SECCOMP_ROOT } from '../targets';
import { Architecture } from '../targets/types';
import { commonLabels, KIT_DOMAIN, PROFILE_CHECKSUM_ANNOTATION, selectorLabels } from './labels';
import { DEFAULT_INSTALLER_IMAGE, Toleration } from './options';
import { ReferencedProfile } from './profiles';
import { UTILITY_CONTAINER_RESOURCES } from './utility-resources';
import { appArmorAnnotations, appArmorPatches, ContainerAppArmor } from './security-context';

/** Where the installer's container sees the profiles (ConfigMap) and the node's kit directory. */
export const INSTALLER_PROFILES_MOUNT = '/profiles';
export const INSTALLER_HOST_MOUNT = '/host';
/** The node directory the installer writes: the kit's directory under the kubelet's seccomp root. */
export const INSTALLER_HOST_DIR = `${KUBELET_SECCOMP_ROOT}/${PROFILE_DIR}`;

/**
 * The installer's loop: copy every profile whose node copy differs, through a temporary file and
 * a rename so the kubelet never reads half a file; repeat so ConfigMap updates and deleted node
 * files are repaired. A failed copy exits, so the DaemonSet shows it (CrashLoopBackOff).
 */
export const INSTALLER_SCRIPT = [
  'set -eu',
  'while true; do',
  `  for src in ${INSTALLER_PROFILES_MOUNT}/*.json; do`,
  `    dst="${INSTALLER_HOST_MOUNT}/\${src##*/}"`,
  '    if ! cmp -s "$src" "$dst"; then',
  '      cat "$src" > "$dst.tmp"',
  '      mv -f "$dst.tmp" "$dst"',
  `      echo "installed ${INSTALLER_HOST_DIR}/\${src##*/}"`,
  '    fi',
  '  done',
  '  sleep 60',
  'done',
].join('\n');

/** Ready only when every profile on the node equals the ConfigMap's. */
export const INSTALLER_READINESS_SCRIPT = `for src in ${INSTALLER_PROFILES_MOUNT}/*.json; do cmp -s "$src" "${INSTALLER_HOST_MOUNT}/\${src##*/}" || exit 1; done`;

/** Props of the DaemonSet installer. */
export interface SeccompProfileInstallerProps {
  /** The Localhost profiles the pods reference (all with delivery `daemonset`, under PROFILE_DIR). */
  readonly profiles: readonly ReferencedProfile[];
  /** Node architectures; one DaemonSet each. */
  readonly architectures: readonly Architecture[];
  /**
   * Namespace (must enforce Pod Security `privileged`: the pod mounts a hostPath).
   * @default SYSTEM_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * Image with POSIX sh, cat, cmp, mv, sleep for every architecture.
   * @default DEFAULT_INSTALLER_IMAGE
   */
  readonly image?: string;
  /**
   * Node labels of the nodes that run sandboxes (besides the architecture).
   * @default {}
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations, the same as the sandbox pods' so the profiles reach tainted sandbox nodes.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * AppArmor profile of the installer container, where nodes have AppArmor (the plan's
   * `supporting.appArmor`).
   * @default none rendered
   */
  readonly appArmor?: 'RuntimeDefault';
  /**
   * Kubernetes version (AppArmor field or annotation).
   * @default the field (>= 1.30)
   */
  readonly kubernetesVersion?: string;
}

/**
 * Copies the kit's flattened seccomp profiles to `/var/lib/kubelet/seccomp/sandbox-kit/` on every
 * node of the listed architectures: a ConfigMap with the files and one DaemonSet per
 * architecture, each projecting that architecture's files under their node names.
 *
 * Least privilege for a copy into a root-owned node directory: uid 0 (the directory's owner) but
 * every capability dropped (no CAP_DAC_OVERRIDE, no CAP_CHOWN), not privileged, no privilege
 * escalation, read-only root, RuntimeDefault seccomp, no API token, no network, and a hostPath
 * of exactly the kit's directory (not the kubelet's seccomp root). It cannot use a user
 * namespace: the node directory belongs to the host's root.
 */
export class SeccompProfileInstaller extends Construct {
  /** The ConfigMap holding every file. */
  public readonly configMap: k8s.KubeConfigMap;
  /** DaemonSets by architecture. */
  public readonly daemonSets: Readonly<Partial<Record<Architecture, ApiObject>>>;

  constructor(scope: Construct, id: string, props: SeccompProfileInstallerProps) {
    super(scope, id);
    const namespace = props.namespace ?? SYSTEM_NAMESPACE;
    if (props.profiles.length === 0) throw new Error('SeccompProfileInstaller: no profiles to install');
    if (props.architectures.length === 0) throw new Error('SeccompProfileInstaller: no architectures');
    for (const p of props.profiles) {
      if (p.delivery !== 'daemonset') throw new Error(`SeccompProfileInstaller: profile ${p.profile} is delivered by ${p.delivery}, not daemonset`);
      if (!p.localhostProfile.startsWith(`${PROFILE_DIR}/`) || p.localhostProfile.slice(PROFILE_DIR.length + 1).includes('/')) {
        throw new Error(`SeccompProfileInstaller: ${p.localhostProfile} is not a file directly under ${PROFILE_DIR}/, the only directory the installer writes`);
      }
      for (const arch of props.architectures) {
        if (!p.files.some((f) => f.arch === arch)) throw new Error(`SeccompProfileInstaller: profile ${p.profile} has no ${arch} file`);
      }
    }
    const name = 'seccomp-profile-installer';
    const labels = commonLabels('sandbox-kit', name);
    const data: Record<string, string> = {};
    for (const p of props.profiles) for (const f of p.files) data[f.fileName] = f.content;
    this.configMap = new k8s.KubeConfigMap(this, 'Profiles', {
      metadata: { name: 'seccomp-profiles', namespace, labels },
      data,
    });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace, labels },
      automountServiceAccountToken: false,
    });

    const daemonSets: Partial<Record<Architecture, ApiObject>> = {};
    for (const arch of props.architectures) {
      const files = props.profiles.map((p) => ({ file: p.files.find((f) => f.arch === arch)!, nodeName: p.localhostProfile.slice(PROFILE_DIR.length + 1) }));
      const selector = { ...selectorLabels('sandbox-kit', name), [`${KIT_DOMAIN}/arch`]: arch };
      const root: k8s.SecurityContext = {
        privileged: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
        seccompProfile: { type: 'RuntimeDefault' },
      };
      const apparmor: ContainerAppArmor[] = [{ index: 0, name: 'install', profile: props.appArmor ? { type: props.appArmor } : undefined }];
      // A plain ApiObject: the typed KubeDaemonSet drops fields newer than 1.28 (appArmorProfile).
      const ds = new ApiObject(this, `DaemonSet-${arch}`, {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: `${name}-${arch}`, namespace, labels: { ...labels, ...selector } },
        spec: k8s.toJson_DaemonSetSpec({
          selector: { matchLabels: selector },
          updateStrategy: { type: 'RollingUpdate' },
          template: {
            metadata: {
              labels: { ...labels, ...selector },
              annotations: {
                ...Object.fromEntries(files.map(({ file }) => [`${PROFILE_CHECKSUM_ANNOTATION}.${file.profile}`, file.sha256])),
                ...appArmorAnnotations(apparmor, props.kubernetesVersion),
              },
            },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              nodeSelector: { ...(props.nodeSelector ?? {}), 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch },
              ...(props.tolerations?.length ? { tolerations: props.tolerations.map((t) => ({ ...t })) } : {}),
              securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } },
              terminationGracePeriodSeconds: 5,
              containers: [{
                name: 'install',
                image: props.image ?? DEFAULT_INSTALLER_IMAGE,
                command: ['/bin/sh', '-c', INSTALLER_SCRIPT],
                readinessProbe: { exec: { command: ['/bin/sh', '-c', INSTALLER_READINESS_SCRIPT] }, periodSeconds: 10 },
                resources: UTILITY_CONTAINER_RESOURCES,
                securityContext: root,
                volumeMounts: [
                  { name: 'profiles', mountPath: INSTALLER_PROFILES_MOUNT, readOnly: true },
                  { name: 'node-profiles', mountPath: INSTALLER_HOST_MOUNT },
                ],
              }],
              volumes: [
                {
                  name: 'profiles',
                  configMap: { name: 'seccomp-profiles', items: files.map(({ file, nodeName }) => ({ key: file.fileName, path: nodeName })) },
                },
                { name: 'node-profiles', hostPath: { path: INSTALLER_HOST_DIR, type: 'DirectoryOrCreate' } },
              ],
            },
          },
        }),
      });
      ds.addJsonPatch(...appArmorPatches('/spec/template/spec', apparmor, props.kubernetesVersion));
      daemonSets[arch] = ds;
    }
    this.daemonSets = daemonSets;
  }
}

/** Props of the Security Profiles Operator alternative. */
export interface OperatorSeccompProfilesProps {
  /** The Localhost profiles the pods reference (delivery `security-profiles-operator`). */
  readonly profiles: readonly ReferencedProfile[];
  /**
   * Namespace of the SeccompProfile objects (the profile path names it).
   * @default SYSTEM_NAMESPACE
   */
  readonly namespace?: string;
}

/**
 * Security Profiles Operator `SeccompProfile` objects instead of the DaemonSet: SPO writes them
 * to /var/lib/kubelet/seccomp/operator/<namespace>/<name>.json. One object per name, so one
 * architecture per deployment (SPO objects carry no per-architecture variants under one name).
 */
export class OperatorSeccompProfiles extends Construct {
  constructor(scope: Construct, id: string, props: OperatorSeccompProfilesProps) {
    super(scope, id);
    const namespace = props.namespace ?? SYSTEM_NAMESPACE;
    for (const p of props.profiles) {
      if (p.delivery !== 'security-profiles-operator') throw new Error(`OperatorSeccompProfiles: profile ${p.profile} is delivered by ${p.delivery}`);
      const expected = `operator/${namespace}/${p.profile}.json`;
      if (p.localhostProfile !== expected) throw new Error(`OperatorSeccompProfiles: pods reference ${p.localhostProfile}, but SPO writes ${expected}`);
      if (p.files.length !== 1) {
        throw new Error(`OperatorSeccompProfiles: profile "${p.profile}" has ${p.files.length} architectures (${p.files.map((f) => f.arch).join(', ')}); a SeccompProfile object carries one. Use architectures with one entry, or profileDelivery "daemonset", which installs per-architecture files`);
      }
      if (relevantCapabilities(p.profile, p.capabilities).length) throw new Error(`OperatorSeccompProfiles: profile "${p.profile}" is flattened for capabilities ${p.capabilities.join(',')}, the operator objects only for none`);
      const obj = seccompProfileObject(p.profile, p.files[0].arch!, namespace);
      new ApiObject(this, `${p.profile}`, obj as unknown as { apiVersion: string; kind: string });
    }
  }
}

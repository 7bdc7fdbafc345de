import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { AppArmorProfileName, renderedAppArmorProfiles } from '../apparmor/profile';
import { SYSTEM_NAMESPACE } from '../seccomp/locations';
import { Architecture } from '../targets/types';
import { commonLabels, KIT_DOMAIN, selectorLabels } from './labels';
import { DEFAULT_INSTALLER_IMAGE, Toleration } from './options';
import { UTILITY_CONTAINER_RESOURCES } from './utility-resources';

/** Where the loader's init container sees the profile variants (ConfigMap). */
export const APPARMOR_LOADER_MOUNT = '/profiles';
/** The node directory the loader writes the chosen variant to, so the node's AppArmor service reloads it at boot. */
export const APPARMOR_NODE_DIR = '/etc/apparmor.d';
/** Annotation: sha256 of the profile texts (rolls the loader pods when a profile changes). */
export const APPARMOR_CHECKSUM_ANNOTATION = `${KIT_DOMAIN}/apparmor-profiles-sha256`;

/** Why the loader's namespace must be `privileged`. */
export const APPARMOR_LOADER_POD_SECURITY_REASON =
  'the AppArmor profile loader runs the node\'s apparmor_parser in the host\'s mount namespace (a privileged init container with hostPID, which baseline forbids); its long-running container is unprivileged';

/**
 * The loader's init container script: pick the variant the node's parser understands (AppArmor 4
 * parsers get the one with `userns`), write it under /etc/apparmor.d, load it with the node's own
 * parser, and check the kernel lists it in enforce mode. Any failure fails the pod, so a node
 * whose profile did not load shows as a crash-looping loader and its sandbox pods never start
 * (a container that names a profile the kernel does not have is not created): fail closed.
 */
export function appArmorLoaderScript(profiles: readonly AppArmorProfileName[]): string {
  return [
    'set -eu',
    'host() { nsenter -t 1 -m -- "$@"; }',
    'version=$(host apparmor_parser --version | sed -n \'1s/^AppArmor parser version \\([0-9][0-9]*\\).*/\\1/p\')',
    'if [ -z "$version" ]; then echo "sandbox-kit: the node has no apparmor_parser" >&2; exit 1; fi',
    'if [ "$version" -ge 4 ]; then variant=4; else variant=3; fi',
    `host mkdir -p ${APPARMOR_NODE_DIR}`,
    `for name in ${profiles.join(' ')}; do`,
    `  dst="${APPARMOR_NODE_DIR}/$name"`,
    `  host sh -c 'cat > "$1.tmp" && mv -f "$1.tmp" "$1"' sh "$dst" < "${APPARMOR_LOADER_MOUNT}/$name.apparmor$variant"`,
    '  host apparmor_parser --replace --skip-cache "$dst"',
    '  host grep -qx "$name (enforce)" /sys/kernel/security/apparmor/profiles',
    '  echo "sandbox-kit: loaded AppArmor profile $name (AppArmor $variant variant, parser $version)"',
    'done',
  ].join('\n');
}

/** Props of {@link AppArmorProfileLoader}. */
export interface AppArmorProfileLoaderProps {
  /** The kit profiles the pods reference. */
  readonly profiles: readonly AppArmorProfileName[];
  /** Node architectures the plan runs on (the profiles are text, one DaemonSet serves them all). */
  readonly architectures: readonly Architecture[];
  /**
   * Namespace (must enforce Pod Security `privileged`).
   * @default SYSTEM_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * Image with POSIX sh, nsenter, sed and sleep for every architecture, pinned by digest.
   * @default DEFAULT_INSTALLER_IMAGE
   */
  readonly image?: string;
  /**
   * Node labels of the nodes that run sandboxes.
   * @default {}
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations, the same as the sandbox pods'.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
}

/**
 * Loads the kit's AppArmor profiles on every node that may run a sandbox: a ConfigMap with both
 * variants of each profile and a DaemonSet whose privileged init container (hostPID, to enter the
 * host's mount namespace) runs the node's own apparmor_parser, as Retool's chart does. The
 * long-running container only holds the pod (unprivileged, every capability dropped), so the
 * privilege lasts as long as one load; a node restart or a profile change reruns it.
 */
export class AppArmorProfileLoader extends Construct {
  /** The ConfigMap with the profile texts. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;

  constructor(scope: Construct, id: string, props: AppArmorProfileLoaderProps) {
    super(scope, id);
    if (props.profiles.length === 0) throw new Error('AppArmorProfileLoader: no profiles to load');
    if (props.architectures.length === 0) throw new Error('AppArmorProfileLoader: no architectures');
    const namespace = props.namespace ?? SYSTEM_NAMESPACE;
    const image = props.image ?? DEFAULT_INSTALLER_IMAGE;
    const name = 'apparmor-profile-loader';
    const labels = commonLabels('sandbox-kit', name);
    const selector = selectorLabels('sandbox-kit', name);
    const profiles = [...new Set(props.profiles)].sort();
    const data: Record<string, string> = {};
    for (const p of profiles) for (const f of renderedAppArmorProfiles(p)) data[f.fileName] = f.content;
    const checksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');

    this.configMap = new k8s.KubeConfigMap(this, 'Profiles', { metadata: { name: 'apparmor-profiles', namespace, labels }, data });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace, labels }, automountServiceAccountToken: false });

    const locked: k8s.SecurityContext = {
      privileged: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    this.daemonSet = new ApiObject(this, 'DaemonSet', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace, labels },
      spec: k8s.toJson_DaemonSetSpec({
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels, annotations: { [APPARMOR_CHECKSUM_ANNOTATION]: checksum } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // nsenter -t 1 needs the host's PID 1.
            hostPid: true,
            nodeSelector: { ...(props.nodeSelector ?? {}), 'kubernetes.io/os': 'linux' },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: [...props.architectures] }] }],
                },
              },
            },
            ...(props.tolerations?.length ? { tolerations: props.tolerations.map((t) => ({ ...t })) } : {}),
            terminationGracePeriodSeconds: 5,
            initContainers: [{
              name: 'load',
              image,
              command: ['/bin/sh', '-c', appArmorLoaderScript(profiles)],
              // Loading policy needs CAP_MAC_ADMIN in the host's namespaces and no LSM confinement.
              securityContext: { privileged: true, readOnlyRootFilesystem: true },
              resources: UTILITY_CONTAINER_RESOURCES,
              volumeMounts: [{ name: 'profiles', mountPath: APPARMOR_LOADER_MOUNT, readOnly: true }],
            }],
            containers: [{
              name: 'hold',
              image,
              command: ['/bin/sleep', '2147483647'],
              securityContext: locked,
              resources: UTILITY_CONTAINER_RESOURCES,
            }],
            volumes: [{ name: 'profiles', configMap: { name: 'apparmor-profiles' } }],
          },
        },
      }),
    });
  }
}

import { ApiObject } from 'cdk8s';
import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { SYSTEM_NAMESPACE } from '../seccomp/locations';
import { AGENT_SANDBOX_NAMES } from './agent-sandbox-job';
import { commonLabels, selectorLabels } from './labels';
import { Toleration } from './options';
import { UTILITY_CONTAINER_RESOURCES } from './utility-resources';

/** Why the device plugin's namespace must be `privileged`. */
export const DEVICE_PLUGIN_POD_SECURITY_REASON =
  'the agent sandbox\'s device plugin (smarter-device-manager) mounts the node directories /var/lib/kubelet/device-plugins (its socket), /dev and /sys (read-only) as hostPath volumes, which baseline forbids';

/** The critical PriorityClasses that GKE limits to namespaces with a matching ResourceQuota. */
export const CRITICAL_PRIORITY_CLASSES: readonly string[] = ['system-node-critical', 'system-cluster-critical'];

/**
 * Pods the quota admits: one device plugin pod per node, up to GKE's largest cluster (15,000
 * nodes, https://cloud.google.com/kubernetes-engine/quotas).
 */
export const PRIORITY_QUOTA_PODS = '15000';

/** Props of TunDevicePlugin. */
export interface TunDevicePluginProps {
  /** Image, pinned by digest. */
  readonly image: string;
  /** PriorityClass ('' for none). */
  readonly priorityClassName: string;
  /** Sandboxes per node that can hold /dev/net/tun. */
  readonly maxDevices: number;
  /** Render a ResourceQuota that admits the critical PriorityClass in the namespace (GKE). */
  readonly priorityQuota: boolean;
  /**
   * Namespace (enforces `privileged`: hostPath volumes).
   * @default SYSTEM_NAMESPACE
   */
  readonly namespace?: string;
  /** Node labels of the sandbox nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * Tolerations of the sandbox nodes.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
}

/**
 * smarter-device-manager as Retool's chart deploys it (charts/retool/templates/agent_sandbox_device_plugin.yaml):
 * it advertises /dev/net/tun as `smarter-devices/net_tun`, so sandbox pods get the device without
 * a hostPath of their own. Unlike the chart, not on the host network: it speaks to the kubelet
 * over the unix socket in /var/lib/kubelet/device-plugins only.
 */
export class TunDevicePlugin extends Construct {
  constructor(scope: Construct, id: string, props: TunDevicePluginProps) {
    super(scope, id);
    const ns = props.namespace ?? SYSTEM_NAMESPACE;
    const name = AGENT_SANDBOX_NAMES.devicePlugin;
    const labels = commonLabels(AGENT_SANDBOX_NAMES.base, 'device-plugin');
    const selector = selectorLabels(AGENT_SANDBOX_NAMES.base, 'device-plugin');
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name, namespace: ns, labels },
      data: { 'conf.yaml': `- devicematch: ^net/tun$\n  nummaxdevices: ${props.maxDevices}\n` },
    });
    if (props.priorityQuota && CRITICAL_PRIORITY_CLASSES.includes(props.priorityClassName)) {
      new k8s.KubeResourceQuota(this, 'PriorityQuota', {
        metadata: { name: `${name}-priority`, namespace: ns, labels },
        spec: {
          hard: { pods: k8s.Quantity.fromString(PRIORITY_QUOTA_PODS) },
          scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: [props.priorityClassName] }] },
        },
      });
    }
    const hostPath = (n: string, path: string): k8s.Volume => ({ name: n, hostPath: { path, type: 'Directory' } });
    new ApiObject(this, 'DaemonSet', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: ns, labels },
      spec: k8s.toJson_DaemonSetSpec({
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            ...(Object.keys(props.nodeSelector).length ? { nodeSelector: { ...props.nodeSelector } } : {}),
            ...(props.tolerations?.length ? { tolerations: props.tolerations.map((t) => ({ ...t })) } : {}),
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'smarter-device-manager',
              image: props.image,
              terminationMessagePath: '/tmp/termination-log',
              terminationMessagePolicy: 'FallbackToLogsOnError',
              // Root (the image's user) for the kubelet's root-owned socket directory, with no capability.
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
              volumeMounts: [
                { name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' },
                { name: 'dev', mountPath: '/dev', readOnly: true },
                { name: 'sys', mountPath: '/sys', readOnly: true },
                { name: 'config', mountPath: '/root/config', readOnly: true },
              ],
              resources: UTILITY_CONTAINER_RESOURCES,
            }],
            volumes: [
              hostPath('device-plugin', '/var/lib/kubelet/device-plugins'),
              hostPath('dev', '/dev'),
              hostPath('sys', '/sys'),
              { name: 'config', configMap: { name } },
            ],
          },
        },
      }),
    });
  }
}

/** Props of ImagePrepuller. */
export interface ImagePrepullerProps {
  /** Namespace of the agent sandbox (the controller reads the DaemonSet there: DAEMONSET_NAME). */
  readonly namespace: string;
  /** The sandbox image, with its release tag. */
  readonly image: string;
  /** Image of the pause container (any small image with `sleep`, pinned). */
  readonly pauseImage: string;
  /** Node labels of the sandbox nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * Tolerations of the sandbox nodes.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /** Node architectures of the sandboxes. */
  readonly architectures: readonly string[];
}

/**
 * The image prepuller of Retool's chart (charts/retool/templates/agent_sandbox_prepuller.yaml):
 * an init container of the sandbox image that exits at once, so every sandbox node holds the
 * image before a sandbox needs it, then a container that sleeps. Both as uid 1001 with nothing
 * (restricted); not on the host network, which it does not use.
 */
export class ImagePrepuller extends Construct {
  constructor(scope: Construct, id: string, props: ImagePrepullerProps) {
    super(scope, id);
    const name = AGENT_SANDBOX_NAMES.prepuller;
    const labels = { ...commonLabels(AGENT_SANDBOX_NAMES.base, 'image-prepuller'), retoolService: name };
    const selector = selectorLabels(AGENT_SANDBOX_NAMES.base, 'image-prepuller');
    const securityContext: k8s.SecurityContext = {
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    };
    new ApiObject(this, 'DaemonSet', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: props.namespace, labels },
      spec: k8s.toJson_DaemonSetSpec({
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('100%') } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 5,
            securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
            ...(Object.keys(props.nodeSelector).length ? { nodeSelector: { ...props.nodeSelector } } : {}),
            ...(props.tolerations?.length ? { tolerations: props.tolerations.map((t) => ({ ...t })) } : {}),
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: [...props.architectures] }] }],
                },
              },
            },
            initContainers: [{ name: 'pull-image', image: props.image, command: ['true'], securityContext, resources: UTILITY_CONTAINER_RESOURCES }],
            containers: [{ name: 'pause', image: props.pauseImage, command: ['sleep', 'infinity'], securityContext, resources: UTILITY_CONTAINER_RESOURCES }],
          },
        },
      }),
    });
  }
}

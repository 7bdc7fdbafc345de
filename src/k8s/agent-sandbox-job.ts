import { k8s } from './k8s-api';
import { EPHEMERAL_STORAGE_ALLOWANCE_MI } from '../policy/config';
import { SandboxPlan } from '../policy/plan';
import { parseMemory } from '../policy/quantity';
import { ServiceComponent } from '../policy/services';
import { ResolvedAgentSandboxOptions } from './agent-sandbox-options';
import { KIT_DOMAIN, MODE_ANNOTATION, commonLabels } from './labels';
import { Toleration } from './options';
import { sandboxPod, sandboxPodJson } from './pod';
import { profileChecksumAnnotations } from './profiles';
import { containerSecurityContext } from './security-context';
import { SANDBOX_PRIORITY_CLASS } from './agent-sandbox-fences';

/**
 * Object names of the agent sandbox, as Retool's chart names them for a release whose fullname
 * prefix is empty (tryretool/retool-helm charts/retool/templates/_helpers.tpl, retool.agentSandbox.*).
 */
export const AGENT_SANDBOX_NAMES = {
  /** Base name: the sandbox Jobs' app label, and the Deployment name the controller's Role names. */
  base: 'agent-sandbox',
  controller: 'agent-sandbox-controller',
  proxy: 'agent-sandbox-proxy',
  /** Headless Service of the sandbox pods (their `subdomain`, EXECUTOR_SERVICE_NAME). */
  pods: 'agent-sandbox-pods',
  /** ConfigMap with the Job template (JOB_TEMPLATE_CONFIGMAP). */
  jobTemplate: 'agent-sandbox-job-template',
  /** The image-prepuller DaemonSet (DAEMONSET_NAME). */
  prepuller: 'agent-sandbox-image-prepuller',
  /** The smarter-device-manager DaemonSet and its ConfigMap. */
  devicePlugin: 'agent-sandbox-device-plugin',
  /** Prefix of the Jobs the controller creates (JOB_NAME_PREFIX). */
  jobPrefix: 'agent-sandbox-job',
  /** ServiceAccount of the sandbox pods (no API token). */
  sandboxServiceAccount: 'agent-sandbox-sandbox',
} as const;

/** The ConfigMap key the controller reads the Job template from. */
export const JOB_TEMPLATE_KEY = 'job-template.json';
/** The literal the controller replaces with DEPLOYED_IMAGE_TAG in the template. */
export const IMAGE_TAG_PLACEHOLDER = '__IMAGE_TAG__';
/** Annotation on the controller: sha256 of the Job template, so a template change restarts it. */
export const JOB_TEMPLATE_CHECKSUM_ANNOTATION = `${KIT_DOMAIN}/job-template-sha256`;
/** The device plugin's resource for /dev/net/tun (smarter-device-manager, devicematch ^net/tun$). */
export const NET_TUN_RESOURCE = 'smarter-devices/net_tun';

/**
 * Labels, per component. The sandbox pods carry Retool's `retoolService` and
 * `app.kubernetes.io/name: agent-sandbox` (the headless Service selects `retoolService`), plus the
 * kit's component label, which the kit's NetworkPolicies and admission policy select on.
 */
export const AGENT_SANDBOX_LABELS = {
  /** Labels that select sandbox pods (NetworkPolicies, admission). */
  sandboxSelector: { 'app.kubernetes.io/name': AGENT_SANDBOX_NAMES.base, 'app.kubernetes.io/component': 'sandbox' },
  /** Every label of the sandbox Jobs and their pods. */
  sandbox: { ...commonLabels(AGENT_SANDBOX_NAMES.base, 'sandbox'), retoolService: AGENT_SANDBOX_NAMES.base },
  /** The headless Service's selector (Retool's). */
  podsServiceSelector: { retoolService: AGENT_SANDBOX_NAMES.base },
  /** Labels that select controller pods. */
  controllerSelector: { 'app.kubernetes.io/name': AGENT_SANDBOX_NAMES.base, 'app.kubernetes.io/component': 'controller' },
  /** Labels that select proxy pods. */
  proxySelector: { 'app.kubernetes.io/name': AGENT_SANDBOX_NAMES.base, 'app.kubernetes.io/component': 'proxy' },
  /** Retool's extra label on the controller. */
  controllerExtra: { retoolService: AGENT_SANDBOX_NAMES.controller },
  /** Retool's extra label on the proxy. */
  proxyExtra: { retoolService: AGENT_SANDBOX_NAMES.proxy },
} as const;

/** Annotations Retool puts on sandbox pods: a running sandbox must not be moved. */
export const DO_NOT_DISRUPT_ANNOTATIONS = {
  'karpenter.sh/do-not-disrupt': 'true',
  'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
} as const;

/** `repository`, `tag` and `digest` of an image reference. */
export function splitImage(ref: string): { repository: string; tag?: string; digest?: string } {
  const [nameTag, digest] = ref.split('@');
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash) return { repository: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1), digest };
  return { repository: nameTag, digest };
}

/** The sandbox image in the template: the tag left for the controller to fill, the digest kept. */
export function templateImage(image: string): string {
  const { repository, digest } = splitImage(image);
  return `${repository}:${IMAGE_TAG_PLACEHOLDER}${digest ? `@${digest}` : ''}`;
}

/** The tag the controller puts in place of the placeholder (DEPLOYED_IMAGE_TAG). */
export function deployedImageTag(image: string): string {
  const { tag } = splitImage(image);
  if (!tag) throw new Error(`the agent sandbox image ${image} has no tag: the controller fills the Job template's ${IMAGE_TAG_PLACEHOLDER} from it (DEPLOYED_IMAGE_TAG)`);
  return tag;
}

/** What the Job template is made from. */
export interface AgentSandboxJobTemplateProps {
  /** The agent sandbox's plan (with its `agent` decisions). */
  readonly plan: SandboxPlan;
  /** Resolved renderer options (Secret, sandbox timeouts and sizes). */
  readonly options: ResolvedAgentSandboxOptions;
  /** Namespace of the controller, proxy and Jobs. */
  readonly namespace: string;
  /** Kubernetes version (AppArmor field or annotation). */
  readonly kubernetesVersion?: string;
  /** Node labels of sandbox nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * Tolerations of sandbox nodes.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Pull secrets of the sandbox pods (the chart's image source: a template is not patched after).
   * @default []
   */
  readonly imagePullSecrets?: readonly string[];
}

/** A batch/v1 Job as JSON. */
export interface JobTemplateJson {
  readonly apiVersion: 'batch/v1';
  readonly kind: 'Job';
  readonly metadata: { readonly labels: Record<string, string> };
  readonly spec: {
    readonly backoffLimit: number;
    readonly ttlSecondsAfterFinished: number;
    readonly template: { readonly metadata: { readonly labels: Record<string, string>; readonly annotations: Record<string, string> }; readonly spec: Record<string, unknown> };
  };
}

function component(plan: SandboxPlan, name: string): ServiceComponent {
  const c = plan.components.find((x) => x.name === name);
  if (!c) throw new Error(`the agent-sandbox plan has no "${name}" component`);
  return c;
}

const secretEnv = (name: string, secret: string, key: string): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
const fieldEnv = (name: string, fieldPath: string): k8s.EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/**
 * The Job template the controller creates every sandbox from (ConfigMap key job-template.json),
 * as Retool's chart writes it, with the plan's security settings: one Job per sandbox,
 * `backoffLimit: 0`, `ttlSecondsAfterFinished`, pods that never restart, mount no API token, are
 * not disrupted, have no probes, reach the proxy only, get /dev/net/tun as the plan says, and copy
 * the image's sandbox /etc into memory first (rootfs-etc-copy).
 */
export function agentSandboxJobTemplate(props: AgentSandboxJobTemplateProps): JobTemplateJson {
  const { plan, options } = props;
  const agent = plan.agent;
  if (plan.service !== 'agent-sandbox' || !agent) throw new Error('agentSandboxJobTemplate: needs the agent-sandbox plan with its agent decisions');
  const sandbox = component(plan, 'sandbox');
  const proxy = component(plan, 'proxy');
  const image = templateImage(plan.image);
  const network = agent.tunDevice !== 'none';
  const env: k8s.EnvVar[] = [
    { name: 'NODE_ENV', value: 'production' },
    { name: 'EXECUTOR_PORT', value: String(sandbox.port) },
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_UID', 'metadata.uid'),
    fieldEnv('POD_IP', 'status.podIP'),
    { name: 'SANDBOX_NETWORK_ENABLED', value: String(network) },
    { name: 'SANDBOX_IDLE_TIMEOUT_MS', value: String(options.sandbox.idleTimeoutMs) },
    { name: 'SANDBOX_GLOBAL_LIFETIME_MS', value: String(options.sandbox.globalLifetimeMs) },
    { name: 'SANDBOX_READY_TIMEOUT_MS', value: String(options.sandbox.readyTimeoutMs) },
    secretEnv('AGENT_SANDBOX_JWT_PUBLIC_KEY', options.secretName, 'jwt-public-key'),
    ...(options.proxy.backendDomainSuffixes ? [{ name: 'BACKEND_DOMAIN_SUFFIXES', value: options.proxy.backendDomainSuffixes }] : []),
    ...(network ? [{ name: 'SANDBOX_HTTP_PROXY', value: `http://${AGENT_SANDBOX_NAMES.proxy}:${proxy.port}` }] : []),
  ];

  const pod = sandboxPod({
    containerName: 'agent-sandbox',
    image,
    component: sandbox,
    security: { ...plan.sandbox, writablePaths: [] },
    env: {},
    envFrom: env,
    resources: plan.resources,
    serviceAccountName: AGENT_SANDBOX_NAMES.sandboxServiceAccount,
    automountServiceAccountToken: false,
    architectures: plan.architectures,
    nodeSelector: props.nodeSelector,
    tolerations: props.tolerations,
    kubernetesVersion: props.kubernetesVersion,
    spreadLabels: AGENT_SANDBOX_LABELS.sandboxSelector,
    spreadRequired: false,
  });
  const json = sandboxPodJson(pod);
  const spec = json.spec as Record<string, unknown> & { containers: Record<string, unknown>[] };
  const [container] = spec.containers;
  // Retool's sandbox pods have no probes: the controller tracks readiness itself.
  delete container.startupProbe;
  delete container.livenessProbe;
  delete container.readinessProbe;
  container.ports = [{ name: 'http', containerPort: sandbox.port, protocol: 'TCP' }];

  const disk = (q: string) => parseMemory(q)! / 1024 ** 2;
  const ephemeralLimitMi = Math.ceil(disk(options.sandbox.tmpSizeLimit) + disk(options.sandbox.rootfsSizeLimit)) + EPHEMERAL_STORAGE_ALLOWANCE_MI;
  const resources = container.resources as { requests: Record<string, string>; limits: Record<string, string> };
  resources.requests['ephemeral-storage'] = `${EPHEMERAL_STORAGE_ALLOWANCE_MI}Mi`;
  resources.limits['ephemeral-storage'] = `${ephemeralLimitMi}Mi`;
  if (agent.tunDevice === 'device-plugin') resources.limits[NET_TUN_RESOURCE] = '1';

  const volumes: Record<string, unknown>[] = [
    ...(agent.tunDevice === 'host-path' ? [{ name: 'dev-tun', hostPath: { path: '/dev/net/tun', type: 'CharDevice' } }] : []),
    { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'tmp', emptyDir: { sizeLimit: options.sandbox.tmpSizeLimit } },
    { name: 'rootfs-appjob', emptyDir: { sizeLimit: options.sandbox.rootfsSizeLimit } },
    { name: 'rootfs-etc', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } },
  ];
  container.volumeMounts = [
    ...(agent.tunDevice === 'host-path' ? [{ name: 'dev-tun', mountPath: '/dev/net/tun' }] : []),
    { name: 'run', mountPath: '/run' },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'rootfs-appjob', mountPath: '/opt/sandbox-env/rootfs/app/job' },
    { name: 'rootfs-etc', mountPath: '/opt/sandbox-env/rootfs/etc' },
  ];
  spec.volumes = volumes;

  const command = agent.rootfsEtcCopy === 'unprivileged'
    // /etc/shadow is mode 0000: skipping it is what lets the copy run with no capability
    // (retool-helm#379). Per entry, since cp -r of the directory would set /mnt/etc's own mode.
    ? ['/bin/sh', '-c', 'cd /opt/sandbox-env/rootfs/etc && find . -maxdepth 1 -mindepth 1 ! -name shadow -exec cp -R {} /mnt/etc/ \\;']
    : ['/bin/sh', '-c', 'cp -r /opt/sandbox-env/rootfs/etc/. /mnt/etc/'];
  spec.initContainers = [{
    name: 'rootfs-etc-copy',
    image,
    command,
    securityContext: k8s.toJson_SecurityContext(containerSecurityContext(agent.rootfsEtcCopySecurity)),
    volumeMounts: [{ name: 'rootfs-etc', mountPath: '/mnt/etc' }],
    resources: {
      requests: { 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '16Mi' },
      limits: { 'cpu': '100m', 'memory': '32Mi', 'ephemeral-storage': '64Mi' },
    },
  }];

  const podSpec: Record<string, unknown> = {
    restartPolicy: 'Never',
    subdomain: AGENT_SANDBOX_NAMES.pods,
    // Never preempts; the namespace quota counts this class (src/k8s/agent-sandbox-fences.ts).
    priorityClassName: SANDBOX_PRIORITY_CLASS.name,
    ...spec,
    automountServiceAccountToken: false,
    ...(props.imagePullSecrets?.length ? { imagePullSecrets: props.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { labels: { ...AGENT_SANDBOX_LABELS.sandbox } },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: options.scaling.jobRetentionSeconds,
      template: {
        metadata: {
          labels: { ...AGENT_SANDBOX_LABELS.sandbox },
          annotations: { ...DO_NOT_DISRUPT_ANNOTATIONS, [MODE_ANNOTATION]: plan.mode, ...profileChecksumAnnotations(plan), ...json.metadata.annotations },
        },
        spec: podSpec,
      },
    },
  };
}

import { createHash } from 'crypto';
import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { SandboxPlan } from '../policy/plan';
import { ServiceComponent } from '../policy/services';
import {
  AGENT_SANDBOX_LABELS, AGENT_SANDBOX_NAMES, agentSandboxJobTemplate, deployedImageTag, JOB_TEMPLATE_CHECKSUM_ANNOTATION, JOB_TEMPLATE_KEY,
  JobTemplateJson,
} from './agent-sandbox-job';
import { AgentSandboxRendererOptions, agentSandboxPostgresDestination, resolveAgentSandboxRendererOptions, ResolvedAgentSandboxOptions, ResolvedPostgres } from './agent-sandbox-options';
import { ExecutorProps, defaultNetwork } from './executor';
import { commonLabels, KIT_DOMAIN } from './labels';
import { AgentSandboxFences, urlPort } from './agent-sandbox-fences';
import { supportsAdmissionPolicy } from './admission/sandbox-admission';
import { ImagePrepuller } from './agent-sandbox-nodes';
import { ComponentResources, DEFAULT_INSTALLER_IMAGE, DEFAULT_NAMESPACES } from './options';
import { addPlanValidation, OutsideTheApp, renderVersion } from './plan-needs';
import { podsOf } from './manifest';
import { NamespaceFences, podCharge, renderedPodObjects } from './quota';
import { SANDBOX_PRIORITY_CLASS } from './agent-sandbox-fences';
import { ServiceWorkload } from './workload';
import { SandboxConfigError } from '../policy/errors';
import { sandboxJobPods, sizeQuota } from '../policy/quota';
import { withTargetDns } from './network-policy';


/** Retool's controller resources (values.yaml rr.agentSandbox.controller.resources). */
export const CONTROLLER_RESOURCES: ComponentResources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
/** Retool's proxy resources (values.yaml rr.agentSandbox.proxy.resources). */
export const PROXY_RESOURCES: ComponentResources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/** Props of AgentSandbox. */
export interface AgentSandboxProps extends Omit<ExecutorProps, 'namespace' | 'podSecurityGroupIds'> {
  /**
   * Namespace of the controller, the proxy and the sandbox Jobs (the controller creates Jobs in
   * its own namespace: Retool's image reads K8S_NAMESPACE from the pod's namespace).
   * @default DEFAULT_NAMESPACES.agentSandbox
   */
  readonly namespace?: string;
  /**
   * The agent sandbox's Secret, Postgres connection, scaling and sandbox settings.
   * @default - none: secretName and postgres are required
   */
  readonly agentSandbox?: AgentSandboxRendererOptions;
  /**
   * Resources of both the controller and the proxy, replacing Retool's per-component values.
   * @default - CONTROLLER_RESOURCES and PROXY_RESOURCES
   */
  readonly componentResources?: ComponentResources;
  /**
   * The backend's in-cluster URL, when agentSandbox.proxy.backendUrl does not name one.
   * @default "http://retool.retool.svc.cluster.local:3000"
   */
  readonly backendUrl?: string;
  /**
   * Image of the prepuller's pause container (needs `sleep`), pinned by digest.
   * @default DEFAULT_INSTALLER_IMAGE
   */
  readonly pauseImage?: string;
  /**
   * Pull secrets of the sandbox pods the controller creates from the Job template.
   * @default []
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Why this app holds no TunDevicePlugin although the plan's tunDevice is "device-plugin": a
   * device plugin outside the app (smarter-device-manager installed by its own chart, say)
   * advertises `smarter-devices/net_tun` on the sandbox nodes. Synth then does not look for one,
   * which it cannot check; the reason is written on the Job template ConfigMap (annotation
   * `sandbox-kit.io/outside-app.tun-device-plugin`) and kept in `outsideApp`.
   * @default - none: used alone, synth requires a TunDevicePlugin in the app where the plan asks for one
   */
  readonly tunDevicePluginOutsideApp?: string;
}

/** Annotation on the Job template ConfigMap: a piece of the plan provided outside the app, and why. */
export const OUTSIDE_APP_ANNOTATION_PREFIX = `${KIT_DOMAIN}/outside-app.`;

/** The Postgres variables of the controller and proxy: a URL from a Secret, or host fields with PGPASSWORD from one. */
function postgresEnv(pg: ResolvedPostgres): k8s.EnvVar[] {
  const pw = (ref: { name: string; key: string }): k8s.EnvVar => ({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
  if (pg.kind === 'url') {
    return [
      { name: 'AGENT_SANDBOX_POSTGRES_URL', valueFrom: { secretKeyRef: { name: pg.url.name, key: pg.url.key } } },
      ...(pg.password ? [pw(pg.password)] : []),
    ];
  }
  // The password stays out of the URL: node-postgres reads PGPASSWORD when the URL has none.
  return [pw(pg.password), { name: 'AGENT_SANDBOX_POSTGRES_URL', value: `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}` }];
}

/**
 * The agent sandbox as Retool's image runs it: a controller and a proxy (Deployments behind
 * ClusterIP Services, the plan's `supporting` settings) and the sandbox Jobs the controller
 * creates from the Job template in ConfigMap `agent-sandbox-job-template`, all in one namespace.
 * The controller may manage Jobs and read pods there; the sandbox pods (user code, the plan's
 * `sandbox` settings) are addressed through the headless Service `agent-sandbox-pods`.
 *
 * What lives in its own namespace it brings, as aws-cdk-lib constructs bring their security
 * groups and roles: the NetworkPolicies, the sandbox PriorityClass and admission policies
 * (AgentSandboxFences, SandboxAdmission from Kubernetes 1.30), the ResourceQuota and LimitRange
 * (NamespaceFences, sized from its scaling and the plan's quota caps) and the ImagePrepuller
 * where the plan has one. What a cluster shares it requires, because a second copy would
 * collide: used outside SandboxKitChart, synth fails at this construct, listing every missing
 * piece at once, unless the app holds the TrustNamespace of its namespace at a level that
 * admits its pods, the SeccompProfileInstaller (or OperatorSeccompProfiles) of its Localhost
 * profile on each architecture, the AppArmorProfileLoader of its AppArmor profile, and, where
 * the plan's tunDevice is "device-plugin", a TunDevicePlugin in a namespace that admits it and
 * on the sandbox nodes (or `tunDevicePluginOutsideApp` says what provides it); and its objects
 * must pass the API server's and the platform's rules. It renders no SecurityGroupPolicy: the
 * planner does not plan the agent sandbox where NetworkPolicies do not reach the pods
 * (eks-fargate), and a plan edited to name such a target fails synth saying so.
 */
export class AgentSandbox extends Construct {
  /** In-cluster URL of the controller (AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN). */
  public readonly controllerUrl: string;
  /** In-cluster URL of the proxy (AGENT_SANDBOX_PROXY_INGRESS_DOMAIN). */
  public readonly proxyUrl: string;
  /** Namespace of the controller, proxy and sandbox Jobs. */
  public readonly namespace: string;
  /** The Job template the controller creates sandboxes from, as rendered into the ConfigMap. */
  public readonly jobTemplate: JobTemplateJson;
  /** The resolved options. */
  public readonly options: ResolvedAgentSandboxOptions;
  /** Pieces of the plan provided outside the app (not checked), each with the reason given. */
  public readonly outsideApp: OutsideTheApp;

  constructor(scope: Construct, id: string, props: AgentSandboxProps) {
    super(scope, id);
    const plan: SandboxPlan = props.plan;
    if (plan.service !== 'agent-sandbox') throw new Error(`${id}: props.plan is the plan of ${plan.service}, expected agent-sandbox`);
    if (!plan.agent) throw new Error(`${id}: the agent-sandbox plan has no agent decisions (plan it with the planner)`);
    const kubernetesVersion = renderVersion(id, plan, props.kubernetesVersion);
    const component = (name: string): ServiceComponent => {
      const c = plan.components.find((x) => x.name === name);
      if (!c) throw new Error(`${id}: the agent-sandbox plan has no "${name}" component`);
      return c;
    };
    const controller = component('controller');
    const proxy = component('proxy');
    const sandbox = component('sandbox');
    if (controller.runsUserCode || proxy.runsUserCode || !sandbox.runsUserCode) throw new Error(`${id}: only the sandbox component may run user code`);
    this.namespace = props.namespace ?? DEFAULT_NAMESPACES.agentSandbox;
    const ns = this.namespace;
    const o = resolveAgentSandboxRendererOptions(props.agentSandbox);
    this.options = o;
    // DNS where the target's resolvers are (catalog), whoever gave the network settings.
    const network = withTargetDns(props.network ?? defaultNetwork(), plan.target);
    const domain = props.clusterDomain ?? 'cluster.local';
    const N = AGENT_SANDBOX_NAMES;
    const app = N.base;

    this.jobTemplate = agentSandboxJobTemplate({
      plan, options: o, namespace: ns, kubernetesVersion,
      nodeSelector: props.nodeSelector ?? {}, tolerations: props.tolerations, imagePullSecrets: props.imagePullSecrets,
    });
    // JSON: the controller parses it; checks read it back (podsOf).
    const templateJson = `${JSON.stringify(this.jobTemplate, null, 2)}\n`;
    const outside = props.tunDevicePluginOutsideApp !== undefined && plan.agent.tunDevice === 'device-plugin' ? { tunDevicePlugin: props.tunDevicePluginOutsideApp } : {};
    this.outsideApp = outside;
    const outsideAnnotations = Object.fromEntries(Object.entries(outside).map(([k, why]) => [`${OUTSIDE_APP_ANNOTATION_PREFIX}${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, why]));
    new k8s.KubeConfigMap(this, 'JobTemplate', {
      metadata: {
        name: N.jobTemplate, namespace: ns, labels: { ...commonLabels(app, 'controller'), ...AGENT_SANDBOX_LABELS.controllerExtra },
        ...(Object.keys(outsideAnnotations).length ? { annotations: outsideAnnotations } : {}),
      },
      data: { [JOB_TEMPLATE_KEY]: templateJson },
    });
    new k8s.KubeServiceAccount(this, 'SandboxServiceAccount', {
      metadata: { name: N.sandboxServiceAccount, namespace: ns, labels: commonLabels(app, 'sandbox') },
      automountServiceAccountToken: false,
    });
    new k8s.KubeService(this, 'PodsService', {
      metadata: { name: N.pods, namespace: ns, labels: commonLabels(app, 'sandbox') },
      spec: {
        clusterIp: 'None',
        selector: { ...AGENT_SANDBOX_LABELS.podsServiceSelector },
        ports: [{ name: 'http', port: sandbox.port, targetPort: k8s.IntOrString.fromNumber(sandbox.port), protocol: 'TCP' }],
      },
    });

    const pg = postgresEnv(o.postgres);
    const stateEnv: k8s.EnvVar[] = [
      { name: 'STATE_BACKEND', value: 'postgres' },
      ...pg,
      { name: 'AGENT_SANDBOX_POSTGRES_SCHEMA', value: o.postgres.schema },
      { name: 'AGENT_SANDBOX_POSTGRES_POOL_MAX', value: String(o.postgres.poolMax) },
      { name: 'STATE_SWEEPER_INTERVAL_MS', value: String(o.postgres.sweeperIntervalMs) },
    ];
    const jwtPublic: k8s.EnvVar = { name: 'AGENT_SANDBOX_JWT_PUBLIC_KEY', valueFrom: { secretKeyRef: { name: o.secretName, key: 'jwt-public-key' } } };
    const s = o.scaling;
    const controllerEnv: k8s.EnvVar[] = [
      { name: 'NODE_ENV', value: 'production' },
      { name: 'AGENT_SANDBOX_ROLE', value: 'controller' },
      { name: 'CONTROLLER_PORT', value: String(controller.port) },
      ...stateEnv,
      { name: 'K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'JOB_NAME_PREFIX', value: N.jobPrefix },
      { name: 'JOB_APP_LABEL', value: app },
      { name: 'EXECUTOR_DEPLOYMENT_NAME', value: app },
      { name: 'EXECUTOR_SERVICE_NAME', value: N.pods },
      { name: 'PREWARM_POOL_SIZE', value: String(s.prewarmPoolSize) },
      { name: 'MAX_TOTAL_JOBS', value: String(s.maxTotalJobs) },
      { name: 'MAX_CONCURRENT_CREATES', value: String(s.maxConcurrentCreates) },
      { name: 'JOB_RETENTION_SECONDS', value: String(s.jobRetentionSeconds) },
      { name: 'ASSIGNED_SANDBOX_TTL_SECONDS', value: String(s.assignedSandboxTtlSeconds) },
      { name: 'RECONCILE_INTERVAL_MS', value: String(s.reconcileIntervalMs) },
      { name: 'LEADER_TTL_MS', value: String(s.leaderTtlMs) },
      { name: 'LEADER_RENEW_MS', value: String(s.leaderRenewMs) },
      { name: 'PER_USER_CONCURRENCY_PAID', value: String(s.perUserSandboxLimit) },
      { name: 'DEPLOYED_IMAGE_TAG', value: deployedImageTag(plan.image) },
      { name: 'JOB_TEMPLATE_CONFIGMAP', value: N.jobTemplate },
      { name: 'DAEMONSET_NAME', value: N.prepuller },
      jwtPublic,
    ];
    const backendUrl = o.proxy.backendUrl ?? props.backendUrl ?? `http://retool.${network.backend.namespace}.svc.${domain}:3000`;
    const proxyEnv: k8s.EnvVar[] = [
      { name: 'NODE_ENV', value: 'production' },
      { name: 'AGENT_SANDBOX_ROLE', value: 'proxy' },
      { name: 'PROXY_PORT', value: String(proxy.port) },
      ...stateEnv,
      ...(o.proxy.allowedDomains ? [{ name: 'ALLOWED_DOMAINS', value: o.proxy.allowedDomains }] : []),
      { name: 'BACKEND_URL', value: backendUrl },
      ...(o.proxy.backendDomainSuffixes ? [{ name: 'BACKEND_DOMAIN_SUFFIXES', value: o.proxy.backendDomainSuffixes }] : []),
      { name: 'AGENT_SANDBOX_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: o.secretName, key: 'encryption-key' } } },
      jwtPublic,
      { name: 'EXECUTOR_PORT', value: String(sandbox.port) },
      { name: 'EXECUTOR_SERVICE_NAME', value: N.pods },
      { name: 'K8S_NAMESPACE', value: ns },
      { name: 'SANDBOX_PROXY_TIMEOUT_MS', value: String(o.proxy.sandboxProxyTimeoutMs) },
    ];

    const common = {
      appName: app,
      namespace: ns,
      image: plan.image,
      security: plan.supporting,
      env: {},
      storage: plan.storage,
      replicas: plan.replicas,
      architectures: plan.architectures,
      // Kit code, not user code: any node, not the (possibly tainted) sandbox nodes.
      nodeSelector: {},
      kubernetesVersion,
      autoscaling: props.autoscaling ? { targetCpuUtilizationPercent: 70, ...props.autoscaling } : undefined,
    };
    const controllerWorkload = new ServiceWorkload(this, 'Controller', {
      ...common,
      name: N.controller,
      containerName: 'controller',
      component: controller,
      envFrom: controllerEnv,
      resources: props.componentResources ?? CONTROLLER_RESOURCES,
      extraLabels: AGENT_SANDBOX_LABELS.controllerExtra,
      // The controller talks to the API server to create Jobs; nothing else mounts a token.
      automountServiceAccountToken: true,
      podAnnotations: { [JOB_TEMPLATE_CHECKSUM_ANNOTATION]: createHash('sha256').update(templateJson).digest('hex') },
    });
    const proxyWorkload = new ServiceWorkload(this, 'Proxy', {
      ...common,
      name: N.proxy,
      containerName: 'proxy',
      component: proxy,
      envFrom: proxyEnv,
      resources: props.componentResources ?? PROXY_RESOURCES,
      extraLabels: AGENT_SANDBOX_LABELS.proxyExtra,
      automountServiceAccountToken: false,
      podAnnotations: {},
    });

    if (plan.agent.imagePrepuller) {
      new ImagePrepuller(this, 'ImagePrepuller', {
        namespace: ns, image: plan.image, pauseImage: props.pauseImage ?? DEFAULT_INSTALLER_IMAGE,
        nodeSelector: props.nodeSelector ?? {}, tolerations: props.tolerations, architectures: plan.architectures,
      });
    }

    const role = new k8s.KubeRole(this, 'ControllerRole', {
      metadata: { name: N.controller, namespace: ns, labels: commonLabels(app, 'controller') },
      rules: controllerRoleRules(),
    });
    new k8s.KubeRoleBinding(this, 'ControllerRoleBinding', {
      metadata: { name: N.controller, namespace: ns, labels: commonLabels(app, 'controller') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: controllerWorkload.serviceAccountName, namespace: ns }],
    });

    // Fences in the one namespace (src/k8s/agent-sandbox-fences.ts): NetworkPolicies, the sandbox
    // PriorityClass, and admission policies pinning every sandbox Job and pod to the template.
    new AgentSandboxFences(this, 'Fences', {
      namespace: ns,
      network,
      selectors: { sandbox: AGENT_SANDBOX_LABELS.sandboxSelector, controller: controllerWorkload.selector, proxy: proxyWorkload.selector },
      ports: { sandbox: sandbox.port, controller: controller.port, proxy: proxy.port },
      backendPort: urlPort(backendUrl),
      postgres: plan.agent.network?.postgres ?? agentSandboxPostgresDestination(props.agentSandbox),
      admission: supportsAdmissionPolicy(kubernetesVersion) ? { job: this.jobTemplate, imageTag: deployedImageTag(plan.image) } : undefined,
    });

    // The namespace's resource fences: a ResourceQuota scoped to the sandbox PriorityClass, sized
    // so the Jobs the controller may create (MAX_TOTAL_JOBS, PREWARM_POOL_SIZE) are never
    // refused, and no more fit; a LimitRange. The sandbox Jobs only: the controller, proxy and
    // prepuller are the kit's, and the prepuller has a pod per node.
    const template = this.jobTemplate.spec.template.spec as never;
    const { pods, why } = sandboxJobPods(o.scaling.maxTotalJobs, o.scaling.prewarmPoolSize);
    const sizing = sizeQuota({
      what: 'sandbox Job', pods, why, pod: podCharge(template),
      scalingField: 'kubernetes.renderer.agentSandbox.scaling.maxTotalJobs', podsPerUnit: 2,
    }, plan.quota, 'services.agent-sandbox.quota');
    if (sizing.problems.length) throw new SandboxConfigError('sandbox-kit resource quotas', sizing.problems);
    const inNamespace = podsOf(renderedPodObjects(this)).filter((p) => p.namespace === ns);
    new NamespaceFences(this, 'ResourceFences', {
      namespace: ns, hard: sizing.hard, reasons: sizing.reasons, priorityClassName: SANDBOX_PRIORITY_CLASS.name,
      pods: [...inNamespace.map((p) => p.spec as never), template], userCodePod: template,
      criticalClassesUsed: inNamespace.map((p) => (p.spec as { priorityClassName?: string }).priorityClassName ?? '').filter(Boolean),
    });

    this.controllerUrl = `http://${N.controller}.${ns}.svc.${domain}:${controller.port}`;
    this.proxyUrl = `http://${N.proxy}.${ns}.svc.${domain}:${proxy.port}`;
    addPlanValidation(this, plan, { construct: 'AgentSandbox' }, kubernetesVersion, outside);
  }
}

/**
 * The controller's Role: Retool's rules (tryretool/retool-helm
 * charts/retool/templates/deployment_agent_sandbox.yaml), with `get` narrowed by resourceNames
 * where the kit knows the name: the Job template ConfigMap and the prepuller DaemonSet.
 * resourceNames cannot narrow `list`, `watch` or `create` (a list or watch under resourceNames is
 * allowed only with a matching metadata.name field selector), so those stay in rules of their
 * own; the Deployment rules keep Retool's resourceNames exactly as the chart has them, under
 * which the controller works. Job names are generated, so Jobs cannot be narrowed.
 */
export function controllerRoleRules(): k8s.PolicyRule[] {
  const N = AGENT_SANDBOX_NAMES;
  return [
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['configmaps'], resourceNames: [N.jobTemplate], verbs: ['get'] },
    { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list', 'watch'] },
    { apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: [N.prepuller], verbs: ['get'] },
    { apiGroups: ['apps'], resources: ['deployments'], resourceNames: [N.base], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
    { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: [N.base], verbs: ['get', 'patch'] },
  ];
}

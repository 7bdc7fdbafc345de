import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SandboxPlan } from '../policy/plan';
import { ServiceComponent } from '../policy/services';
import { ExecutorProps, defaultNetwork } from './executor';
import { commonLabels, KIT_DOMAIN, MODE_ANNOTATION, selectorLabels } from './labels';
import { allowPolicy, apiServerEgress, backendIngress, dnsEgress, internetEgress, podsIn } from './network-policy';
import { ComponentResources, DEFAULT_NAMESPACES } from './options';
import { addPlanValidation } from './plan-needs';
import { sandboxPod, sandboxPodJson } from './pod';
import { profileChecksumAnnotations } from './profiles';
import { PodSpecJson } from './manifest';
import { SandboxPodPolicy, supportsAdmissionPolicy } from './sandbox-pod-policy';
import { ServiceWorkload } from './workload';

/** Where the controller finds the sandbox pod template. */
export const POD_TEMPLATE_DIR = '/etc/sandbox-kit';
export const POD_TEMPLATE_FILE = 'sandbox-pod.json';
/** Annotation on the controller: sha256 of the template, so a template change restarts it. */
export const POD_TEMPLATE_CHECKSUM_ANNOTATION = `${KIT_DOMAIN}/sandbox-pod-template-sha256`;

/** Props of AgentSandbox. */
export interface AgentSandboxProps extends Omit<ExecutorProps, 'namespace'> {
  /**
   * Namespace of the controller and proxy (a `kit-service` TrustNamespace).
   * @default DEFAULT_NAMESPACES.agentSandbox
   */
  readonly namespace?: string;
  /**
   * Namespace of the sandbox pods the controller launches (a `user-code` TrustNamespace enforcing
   * `plan.podSecurityLevel`).
   * @default DEFAULT_NAMESPACES.agentSandboxPods
   */
  readonly podNamespace?: string;
  /**
   * A ValidatingAdmissionPolicy that admits in the sandbox namespace only pods matching the
   * template (security settings and image), so the controller cannot create weaker pods.
   * Rendered on Kubernetes >= 1.30 (admissionregistration.k8s.io/v1).
   * @default true
   */
  readonly admissionPolicy?: boolean;
  /**
   * Resources of the controller and proxy (the plan's resources are the sandbox pods').
   * @default requests 250m / 512Mi, limits 1 / 1Gi
   */
  readonly componentResources?: ComponentResources;
}

/**
 * The agent sandbox: a controller and a proxy (kit code, the plan's `supporting` settings,
 * Deployments behind Services) and the sandbox pods the controller launches (user code, the
 * plan's `sandbox` settings) from a pod template the kit renders into a ConfigMap mounted in
 * the controller at /etc/sandbox-kit/sandbox-pod.json. The controller may create, read and delete
 * pods in the sandbox namespace and nothing else; that namespace's Pod Security level bounds
 * what any pod it creates can ask for.
 */
export class AgentSandbox extends Construct {
  /** In-cluster URL of the controller (AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN). */
  public readonly controllerUrl: string;
  /** In-cluster URL of the proxy (AGENT_SANDBOX_PROXY_INGRESS_DOMAIN). */
  public readonly proxyUrl: string;
  /** Namespace of the controller and proxy. */
  public readonly namespace: string;
  /** Namespace of the sandbox pods. */
  public readonly podNamespace: string;
  /** The sandbox pod manifest the controller launches, as rendered into the ConfigMap. */
  public readonly podTemplate: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: AgentSandboxProps) {
    super(scope, id);
    const plan: SandboxPlan = props.plan;
    if (plan.service !== 'agent-sandbox') throw new Error(`${id}: props.plan is the plan of ${plan.service}, expected agent-sandbox`);
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
    this.podNamespace = props.podNamespace ?? DEFAULT_NAMESPACES.agentSandboxPods;
    if (this.namespace === this.podNamespace) throw new Error(`${id}: the sandbox pods (user code) need a namespace of their own, not ${this.namespace}`);
    const network = props.network ?? defaultNetwork();
    const domain = props.clusterDomain ?? 'cluster.local';
    const resources = props.componentResources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    const app = 'agent-sandbox';
    const sandboxSa = `${app}-sandbox`;

    // The sandbox pod template: user code, the plan's sandbox settings.
    const pod = sandboxPod({
      containerName: 'sandbox',
      image: plan.image,
      component: sandbox,
      security: plan.sandbox,
      env: plan.env,
      resources: plan.resources,
      storage: plan.storage,
      serviceAccountName: sandboxSa,
      automountServiceAccountToken: false,
      architectures: plan.architectures,
      nodeSelector: props.nodeSelector ?? {},
      tolerations: props.tolerations,
      kubernetesVersion: props.kubernetesVersion,
      spreadLabels: selectorLabels(app, 'sandbox'),
      spreadRequired: false,
    });
    const { spec } = sandboxPodJson(pod);
    this.podTemplate = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${app}-`,
        namespace: this.podNamespace,
        labels: commonLabels(app, 'sandbox'),
        annotations: { [MODE_ANNOTATION]: plan.mode, ...profileChecksumAnnotations(plan), ...pod.annotations },
      },
      spec,
    };
    // JSON (which is also YAML): any client library reads it, and checks parse it fast.
    const templateJson = `${JSON.stringify(this.podTemplate, null, 2)}\n`;
    const templateLabels = commonLabels(app, 'sandbox-pod-template');
    if ((props.admissionPolicy ?? true) && supportsAdmissionPolicy(props.kubernetesVersion)) {
      new SandboxPodPolicy(this, 'SandboxPodPolicy', { namespace: this.podNamespace, template: { spec: spec as unknown as PodSpecJson } });
    }
    new k8s.KubeConfigMap(this, 'PodTemplate', {
      metadata: { name: `${app}-pod-template`, namespace: this.namespace, labels: templateLabels },
      data: { [POD_TEMPLATE_FILE]: templateJson },
    });
    new k8s.KubeServiceAccount(this, 'SandboxServiceAccount', {
      metadata: { name: sandboxSa, namespace: this.podNamespace, labels: commonLabels(app, 'sandbox') },
      automountServiceAccountToken: false,
    });

    const common = {
      appName: app,
      namespace: this.namespace,
      image: plan.image,
      security: plan.supporting,
      env: plan.env,
      resources,
      storage: plan.storage,
      replicas: plan.replicas,
      architectures: plan.architectures,
      // Kit code, not user code: any node, not the (possibly tainted) sandbox nodes.
      nodeSelector: {},
      kubernetesVersion: props.kubernetesVersion,
      autoscaling: props.autoscaling ? { targetCpuUtilizationPercent: 70, ...props.autoscaling } : undefined,
    };
    const controllerWorkload = new ServiceWorkload(this, 'Controller', {
      ...common,
      name: `${app}-controller`,
      containerName: 'controller',
      component: controller,
      env: {
        ...plan.env,
        SANDBOX_KIT_SANDBOX_NAMESPACE: this.podNamespace,
        SANDBOX_KIT_SANDBOX_POD_TEMPLATE: `${POD_TEMPLATE_DIR}/${POD_TEMPLATE_FILE}`,
      },
      // The controller talks to the API server to launch sandbox pods.
      automountServiceAccountToken: true,
      podAnnotations: { [POD_TEMPLATE_CHECKSUM_ANNOTATION]: createHash('sha256').update(templateJson).digest('hex') },
      extraVolumes: [{
        volume: { name: 'sandbox-pod-template', configMap: { name: `${app}-pod-template` } },
        mount: { name: 'sandbox-pod-template', mountPath: POD_TEMPLATE_DIR, readOnly: true },
      }],
    });
    const proxyWorkload = new ServiceWorkload(this, 'Proxy', {
      ...common,
      name: `${app}-proxy`,
      containerName: 'proxy',
      component: proxy,
      automountServiceAccountToken: false,
      podAnnotations: {},
    });

    // Least RBAC: pods in the sandbox namespace only; no exec, no secrets, nothing cluster-wide.
    const role = new k8s.KubeRole(this, 'ControllerRole', {
      metadata: { name: `${app}-controller`, namespace: this.podNamespace, labels: commonLabels(app, 'controller') },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get', 'list', 'watch'] }],
    });
    new k8s.KubeRoleBinding(this, 'ControllerRoleBinding', {
      metadata: { name: `${app}-controller`, namespace: this.podNamespace, labels: commonLabels(app, 'controller') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: controllerWorkload.serviceAccountName, namespace: this.namespace }],
    });

    const sandboxPeer = podsIn(this.podNamespace, selectorLabels(app, 'sandbox'));
    const controllerPeer = podsIn(this.namespace, controllerWorkload.selector);
    const proxyPeer = podsIn(this.namespace, proxyWorkload.selector);
    const tcp = (port: number) => [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }];
    allowPolicy(this, 'ControllerNetworkPolicy', {
      name: `${app}-controller`,
      namespace: this.namespace,
      podLabels: controllerWorkload.selector,
      ingress: [backendIngress(network, controller.port), { from: [sandboxPeer], ports: tcp(controller.port) }],
      egress: [dnsEgress(network), apiServerEgress(), { to: [sandboxPeer], ports: tcp(sandbox.port) }],
    });
    allowPolicy(this, 'ProxyNetworkPolicy', {
      name: `${app}-proxy`,
      namespace: this.namespace,
      podLabels: proxyWorkload.selector,
      ingress: [backendIngress(network, proxy.port), { from: [sandboxPeer], ports: tcp(proxy.port) }],
      egress: [dnsEgress(network), internetEgress(network), { to: [sandboxPeer], ports: tcp(sandbox.port) }],
    });
    allowPolicy(this, 'SandboxNetworkPolicy', {
      name: `${app}-sandbox`,
      namespace: this.podNamespace,
      podLabels: selectorLabels(app, 'sandbox'),
      ingress: [{ from: [controllerPeer, proxyPeer], ports: tcp(sandbox.port) }],
      egress: [
        dnsEgress(network),
        internetEgress(network),
        { to: [controllerPeer], ports: tcp(controller.port) },
        { to: [proxyPeer], ports: tcp(proxy.port) },
      ],
    });

    this.controllerUrl = `http://${app}-controller.${this.namespace}.svc.${domain}:${controller.port}`;
    this.proxyUrl = `http://${app}-proxy.${this.namespace}.svc.${domain}:${proxy.port}`;
    addPlanValidation(this, plan, props.kubernetesVersion);
  }
}

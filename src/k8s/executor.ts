import { Construct } from 'constructs';
import { SandboxConfigError } from '../policy/errors';
import { deploymentPods, sizeQuota } from '../policy/quota';
import { podsOf } from './manifest';
import { NamespaceFences, podCharge, renderedPodObjects } from './quota';
import { SandboxPlan } from '../policy/plan';
import { ServiceName } from '../policy/services';
import { MODE_ANNOTATION } from './labels';
import { allowPolicy, backendIngress, dnsEgress, internetEgress, NetworkSettings, withTargetDns } from './network-policy';
import { AutoscalingOptions, DEFAULT_NAMESPACES, resolveRendererOptions, Toleration } from './options';
import { addPlanValidation, renderVersion } from './plan-needs';
import { profileChecksumAnnotations } from './profiles';
import { ServiceWorkload } from './workload';
import { podsNeedSecurityGroups, securityGroupPolicy } from './pod-security-groups';
import type { SecurityGroupId } from '../aws/options';

/** Props shared by CodeExecutor and JsExecutor. */
export interface ExecutorProps {
  /** The planner's decision for this service; every security setting comes from it. */
  readonly plan: SandboxPlan;
  /**
   * Namespace (a `user-code` TrustNamespace enforcing `plan.podSecurityLevel`).
   * @default DEFAULT_NAMESPACES.codeExecutor / DEFAULT_NAMESPACES.jsExecutor
   */
  readonly namespace?: string;
  /**
   * Kubernetes minor version of the cluster (AppArmor field from 1.30, annotation before;
   * admission policies from 1.30). Must equal the plan's when the plan names one.
   * @default - the version the plan was made for (`plan.kubernetesVersion`), else the newest the kit knows
   */
  readonly kubernetesVersion?: string;
  /**
   * Backend, DNS and private ranges for the NetworkPolicies.
   * @default the renderer defaults (backend namespace `retool`, DEFAULT_PRIVATE_CIDRS, kube-system DNS)
   */
  readonly network?: NetworkSettings;
  /**
   * HorizontalPodAutoscaler (minimum: the plan's replicas).
   * @default none
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Node labels of the sandbox nodes.
   * @default {}
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations of the user-code pods (tainted sandbox nodes).
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Cluster DNS domain, for `url`.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Host the kubelet probes the service on (`127.0.0.1` on IPv6 or dual-stack clusters).
   * @default - the pod IP
   */
  readonly probeHost?: string;
  /**
   * Security groups the VPC resource controller gives the service's pods instead of the cluster
   * security group, through a SecurityGroupPolicy the construct renders in its namespace. Needed
   * where NetworkPolicies do not apply to the pods (catalog fact `egressFilter`: eks-fargate),
   * and refused elsewhere. The groups must allow what the NetworkPolicy would: egress to the
   * internet but no private range, DNS to CoreDNS, ingress from the backend on the service port
   * (the AWS construct FargatePodSecurityGroups creates such groups: its `groupIds`).
   * @default - none: on a plan for eks-fargate, synth fails at this construct naming this prop
   */
  readonly podSecurityGroupIds?: readonly SecurityGroupId[];
}

/** Renderer defaults for the network when a construct is used on its own. */
export function defaultNetwork(): NetworkSettings {
  return resolveRendererOptions({});
}

/** An NsJail executor: one Deployment whose only container runs user code under the plan's sandbox. */
abstract class NsJailExecutor extends Construct {
  /** In-cluster URL, e.g. for CODE_EXECUTOR_INGRESS_DOMAIN. */
  public readonly url: string;
  /** Environment variable a backend reads it from. */
  public readonly ingressEnv: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The workload. */
  public readonly workload: ServiceWorkload;

  protected constructor(scope: Construct, id: string, service: ServiceName, defaultNamespace: string, construct: string, props: ExecutorProps) {
    super(scope, id);
    const plan = props.plan;
    if (plan.service !== service) throw new Error(`${id}: props.plan is the plan of ${plan.service}, expected ${service}`);
    const kubernetesVersion = renderVersion(id, plan, props.kubernetesVersion);
    const component = plan.components.find((c) => c.runsUserCode);
    if (!component || plan.components.length !== 1) throw new Error(`${id}: expected exactly one component that runs user code in the ${service} plan`);
    this.namespace = props.namespace ?? defaultNamespace;
    // DNS where the target's resolvers are (catalog), whoever gave the network settings.
    const network = withTargetDns(props.network ?? defaultNetwork(), plan.target);
    this.workload = new ServiceWorkload(this, 'Workload', {
      name: service,
      appName: service,
      namespace: this.namespace,
      containerName: service,
      image: plan.image,
      component,
      security: plan.sandbox,
      env: plan.env,
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
      probeHost: props.probeHost,
      resources: plan.resources,
      storage: plan.storage,
      replicas: plan.replicas,
      architectures: plan.architectures,
      nodeSelector: props.nodeSelector ?? {},
      tolerations: props.tolerations,
      kubernetesVersion,
      // User code must never find an API token in its container.
      automountServiceAccountToken: false,
      podAnnotations: { [MODE_ANNOTATION]: plan.mode, ...profileChecksumAnnotations(plan) },
      autoscaling: props.autoscaling ? { targetCpuUtilizationPercent: 70, ...props.autoscaling } : undefined,
    });
    allowPolicy(this, 'NetworkPolicy', {
      name: service,
      namespace: this.namespace,
      podLabels: this.workload.selector,
      ingress: [backendIngress(network, component.port)],
      egress: [dnsEgress(network), internetEgress(network)],
    });
    // The namespace's resource fences: a ResourceQuota for what the Deployment may run at once
    // (its most replicas, a rollout's surge, old pods still terminating), critical priority
    // refused, a LimitRange.
    const inNamespace = podsOf(renderedPodObjects(this)).filter((p) => p.namespace === this.namespace);
    const deployment = inNamespace.find((p) => p.ownerKind === 'Deployment')!;
    const { pods, why } = deploymentPods(Math.max(plan.replicas, props.autoscaling?.maxReplicas ?? 0), 1);
    const sizing = sizeQuota({ what: service, pods, why, pod: podCharge(deployment.spec as never) }, plan.quota, `services.${service}.quota`);
    if (sizing.problems.length) throw new SandboxConfigError('sandbox-kit resource quotas', sizing.problems);
    new NamespaceFences(this, 'ResourceFences', {
      namespace: this.namespace, hard: sizing.hard, reasons: sizing.reasons, pods: inNamespace.map((p) => p.spec as never), userCodePod: deployment.spec as never,
    });
    // Where NetworkPolicies do not reach the pods (eks-fargate), security groups hold user code's
    // egress; without ids, or with ids where they would be ignored, synth fails (addPlanValidation).
    const groupIds = props.podSecurityGroupIds ?? [];
    if (podsNeedSecurityGroups(plan.target) && groupIds.length) {
      securityGroupPolicy(this, 'SecurityGroupPolicy', { service, namespace: this.namespace, groupIds });
    }
    this.ingressEnv = component.ingressEnv ?? '';
    const port = component.servicePort ?? component.port;
    this.url = `http://${service}.${this.namespace}.svc.${props.clusterDomain ?? 'cluster.local'}${port === 80 ? '' : `:${port}`}`;
    addPlanValidation(this, plan, { construct, podSecurityGroups: { ids: props.podSecurityGroupIds } }, kubernetesVersion);
  }
}

/** code-executor: workflow JavaScript and Python under NsJail (or unsandboxed, if the plan says so). */
export class CodeExecutor extends NsJailExecutor {
  constructor(scope: Construct, id: string, props: ExecutorProps) {
    super(scope, id, 'code-executor', DEFAULT_NAMESPACES.codeExecutor, 'CodeExecutor', props);
  }
}

/** js-executor: functions under NsJail. */
export class JsExecutor extends NsJailExecutor {
  constructor(scope: Construct, id: string, props: ExecutorProps) {
    super(scope, id, 'js-executor', DEFAULT_NAMESPACES.jsExecutor, 'JsExecutor', props);
  }
}

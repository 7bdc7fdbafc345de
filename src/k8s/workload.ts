import { ApiObject } from 'cdk8s';
import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { AutoscalingOptions } from './options';
import { sandboxPod, SandboxPodProps } from './pod';
import { commonLabels, selectorLabels } from './labels';

/** A Deployment of one component with its Service, ServiceAccount, PodDisruptionBudget and HPA. */
export interface ServiceWorkloadProps extends Omit<SandboxPodProps, 'serviceAccountName' | 'spreadLabels' | 'spreadRequired'> {
  /** Name of every object (Deployment, Service, ServiceAccount, PDB, HPA). */
  readonly name: string;
  /** The service the component belongs to (`app.kubernetes.io/name`). */
  readonly appName: string;
  /** Namespace. */
  readonly namespace: string;
  /** Replicas (the HPA's minimum when autoscaling). */
  readonly replicas: number;
  /**
   * Labels besides the kit's, on every object and pod (Retool's `retoolService`).
   * @default {}
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Pod template annotations (mode, profile checksums). */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /**
   * A HorizontalPodAutoscaler on CPU; the Deployment then leaves `replicas` to it.
   * @default no autoscaler
   */
  readonly autoscaling?: Required<AutoscalingOptions>;
}

/** One component as a Deployment behind a ClusterIP Service. */
export class ServiceWorkload extends Construct {
  /** Labels that select this component's pods. */
  public readonly selector: Record<string, string>;
  /** The Deployment (a plain ApiObject: the typed KubeDeployment drops fields newer than 1.28, such as appArmorProfile). */
  public readonly deployment: ApiObject;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** ServiceAccount name. */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: ServiceWorkloadProps) {
    super(scope, id);
    if (!Number.isInteger(props.replicas) || props.replicas < 1) throw new Error(`${props.name}: replicas must be a positive integer, got ${props.replicas}`);
    if (props.autoscaling && props.autoscaling.maxReplicas < props.replicas) {
      throw new Error(`${props.name}: autoscaling.maxReplicas (${props.autoscaling.maxReplicas}) is below the plan's replicas (${props.replicas})`);
    }
    this.selector = selectorLabels(props.appName, props.component.name);
    const labels = { ...commonLabels(props.appName, props.component.name), ...(props.extraLabels ?? {}) };
    const metadata = { name: props.name, namespace: props.namespace, labels };
    this.serviceAccountName = props.name;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      automountServiceAccountToken: props.automountServiceAccountToken,
    });

    const pod = sandboxPod({ ...props, serviceAccountName: this.serviceAccountName, spreadLabels: this.selector, spreadRequired: true });
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: k8s.toJson_DeploymentSpec({
        ...(props.autoscaling ? {} : { replicas: props.replicas }),
        selector: { matchLabels: this.selector },
        // Never below the serving replicas during a rollout (a profile change rolls every pod).
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels, annotations: { ...props.podAnnotations, ...pod.annotations } },
          spec: pod.spec,
        },
      }),
    });
    this.deployment.addJsonPatch(...pod.patches('/spec/template/spec'));

    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'http', port: props.component.servicePort ?? props.component.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
    });

    if (props.autoscaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
          minReplicas: props.replicas,
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling.targetCpuUtilizationPercent } } }],
        },
      });
    }
  }
}

import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { parseCpu, parseMemory } from '../policy/quantity';
import { PodCharge, QUOTA_RESOURCES, QuotaHard, QuotaResource, quantityText } from '../policy/quota';
import { commonLabels, KIT_DOMAIN } from './labels';
import { KubeObject, mayHoldPods } from './manifest';

/**
 * The objects under a construct that may hold pods, rendered: what the quota is sized from. Only
 * those: rendering every object (the large admission policies) would cost as much again as
 * synth's own pass.
 */
export function renderedPodObjects(scope: IConstruct): KubeObject[] {
  return scope.node.findAll().filter((o): o is ApiObject => ApiObject.isApiObject(o) && mayHoldPods(o.kind)).map((o) => o.toJson() as KubeObject);
}

/** The PriorityClasses that preempt anything (kubernetes/kubernetes pkg/apis/scheduling: SystemNodeCritical, SystemClusterCritical). */
export const CRITICAL_PRIORITY_CLASSES = ['system-node-critical', 'system-cluster-critical'] as const;

interface ResourcesJson { readonly requests?: Readonly<Record<string, unknown>>; readonly limits?: Readonly<Record<string, unknown>> }
interface ContainerResourcesJson { readonly name?: string; readonly resources?: ResourcesJson }
/** The part of a pod spec the quota reads. */
export interface PodResourcesJson {
  readonly containers?: readonly ContainerResourcesJson[];
  readonly initContainers?: readonly ContainerResourcesJson[];
  readonly overhead?: Readonly<Record<string, unknown>>;
}

const amount = (r: QuotaResource, v: unknown): number => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '0';
  const n = r === 'cpu' ? parseCpu(s) : parseMemory(s);
  if (n === undefined) throw new Error(`quota: "${s}" is not a ${r} quantity the kit reads`);
  return n;
};

function side(c: ContainerResourcesJson, which: 'requests' | 'limits', r: QuotaResource): number {
  const res = c.resources ?? {};
  // A request left unset defaults to the limit (SetDefaults_Pod), as the quota then counts it.
  const v = res[which]?.[r] ?? (which === 'requests' ? res.limits?.[r] : undefined);
  if (v === undefined) throw new Error(`quota: container ${c.name ?? '?'} sets no ${which}.${r}: every container the kit renders bounds it`);
  return amount(r, v);
}

/**
 * What one pod counts against a quota (kubernetes/kubernetes pkg/api/v1/resource PodRequests and
 * PodLimits): per resource, the larger of the containers' sum and the largest init container,
 * plus the pod's overhead.
 */
export function podCharge(spec: PodResourcesJson): PodCharge {
  const one = (which: 'requests' | 'limits') => Object.fromEntries(QUOTA_RESOURCES.map((r) => {
    const sum = (spec.containers ?? []).reduce((a, c) => a + side(c, which, r), 0);
    const init = Math.max(0, ...(spec.initContainers ?? []).map((c) => side(c, which, r)));
    const overhead = spec.overhead?.[r] === undefined ? 0 : amount(r, spec.overhead[r]);
    return [r, Math.max(sum, init) + overhead];
  })) as Record<QuotaResource, number>;
  return { requests: one('requests'), limits: one('limits') };
}

/** Per resource, the largest value over containers (for the LimitRange's max). */
function largest(containers: readonly ContainerResourcesJson[], which: 'requests' | 'limits'): Record<string, string> {
  return Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, quantityText(r, Math.max(...containers.map((c) => side(c, which, r))))]));
}

/** Props of NamespaceFences. */
export interface NamespaceFencesProps {
  /** Namespace. */
  readonly namespace: string;
  /** The quota's hard limits (sizeQuota). */
  readonly hard: QuotaHard;
  /** Why each limit, written on the quota as an annotation. */
  readonly reasons: readonly string[];
  /**
   * The PriorityClass the counted pods carry: the quota then counts those pods only (a scope),
   * and other pods of the namespace (the kit's own Deployments and DaemonSets) are not counted.
   * @default - every pod of the namespace is counted
   */
  readonly priorityClassName?: string;
  /** Every pod spec the kit renders into the namespace (its containers bound the LimitRange). */
  readonly pods: readonly PodResourcesJson[];
  /** The user-code pod: its containers' requests and limits are the LimitRange's defaults. */
  readonly userCodePod: PodResourcesJson;
  /**
   * Critical PriorityClasses the kit's own pods in the namespace use (left out of the quota that refuses them).
   * @default []
   */
  readonly criticalClassesUsed?: readonly string[];
}

/** Annotation on the quota: how it was sized. */
export const QUOTA_REASON_ANNOTATION = `${KIT_DOMAIN}/quota-sizing`;

/**
 * The resource fences of a namespace where user code lands:
 * - a ResourceQuota on pods and on requests and limits of CPU, memory and ephemeral storage,
 *   sized to what the service may run at once (scoped to its PriorityClass when it has one);
 * - a ResourceQuota that admits no pod with a critical PriorityClass (preempting the cluster);
 * - a LimitRange: a container that sets no requests or limits gets the user-code container's, and
 *   none may exceed the largest the kit renders there (nor a pod the largest pod).
 */
export class NamespaceFences extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceFencesProps) {
    super(scope, id);
    const labels = commonLabels('sandbox-kit', 'fences');
    const ns = props.namespace;
    new ApiObject(this, 'Quota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'sandbox-kit-user-code', namespace: ns, labels, annotations: { [QUOTA_REASON_ANNOTATION]: props.reasons.join('; ') } },
      spec: {
        hard: { ...props.hard },
        ...(props.priorityClassName ? { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: [props.priorityClassName] }] } } : {}),
      },
    });
    const refused = CRITICAL_PRIORITY_CLASSES.filter((c) => !(props.criticalClassesUsed ?? []).includes(c));
    if (refused.length) {
      new ApiObject(this, 'CriticalPriorityQuota', {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'sandbox-kit-no-critical-priority', namespace: ns, labels },
        spec: { hard: { pods: '0' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: refused }] } },
      });
    }
    const containers = props.pods.flatMap((p) => [...(p.containers ?? []), ...(p.initContainers ?? [])]);
    const user = props.userCodePod.containers?.[0];
    if (!user) throw new Error(`NamespaceFences ${ns}: the user-code pod has no container`);
    const charges = props.pods.map(podCharge);
    new ApiObject(this, 'LimitRange', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'sandbox-kit-bounds', namespace: ns, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, quantityText(r, side(user, 'requests', r))])),
            default: Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, quantityText(r, side(user, 'limits', r))])),
            max: largest(containers, 'limits'),
          },
          { type: 'Pod', max: Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, quantityText(r, Math.max(...charges.map((c) => c.limits[r])))])) },
        ],
      },
    });
  }
}

import { ConfigProblem } from './errors';
import { CpuQuantity, MemoryQuantity, parseCpu, parseMemory } from './quantity';

/**
 * Caps an operator may put on the ResourceQuota of a service's namespace. Each must hold what the
 * service may run at once (the kit sizes the quota from that); a cap only raises the quota above
 * it, never lowers it into stalling the service's own pods.
 */
export interface QuotaCaps {
  /**
   * Most pods the quota admits.
   * @asType integer
   * @minimum 1
   * @default - sized from the service's scaling (replicas, autoscaling, MAX_TOTAL_JOBS)
   */
  readonly pods?: number;
  /**
   * Total CPU (requests and limits) the quota admits.
   * @default - sized from the service's scaling
   */
  readonly cpu?: CpuQuantity;
  /**
   * Total memory (requests and limits) the quota admits.
   * @default - sized from the service's scaling
   */
  readonly memory?: MemoryQuantity;
  /**
   * Total ephemeral storage (requests and limits) the quota admits.
   * @default - sized from the service's scaling
   */
  readonly ephemeralStorage?: MemoryQuantity;
}

/** Resources the quota counts, in base units (millicores, bytes). */
export type QuotaResource = 'cpu' | 'memory' | 'ephemeral-storage';
export const QUOTA_RESOURCES: readonly QuotaResource[] = ['cpu', 'memory', 'ephemeral-storage'];

/** One pod as the quota counts it: for each resource, max(sum of containers, largest init container) plus overhead. */
export interface PodCharge {
  readonly requests: Readonly<Record<QuotaResource, number>>;
  readonly limits: Readonly<Record<QuotaResource, number>>;
}

/** What may run at once in the quota's scope. */
export interface QuotaDemand {
  /** What is counted (for messages): `sandbox Jobs`, `code-executor pods`. */
  readonly what: string;
  /** Most pods the quota must admit at once. */
  readonly pods: number;
  /** How `pods` follows from the scaling, one sentence. */
  readonly why: string;
  /** One pod's charge. */
  readonly pod: PodCharge;
  /** The scaling setting that bounds `pods`, for the alternative that lowers it. */
  readonly scalingField?: string;
  /** Pods per unit of that setting (2 when terminating pods double it). */
  readonly podsPerUnit?: number;
}

/** The hard limits of a ResourceQuota, as Kubernetes quantities. */
export type QuotaHard = Readonly<Record<string, string>>;

/** A sized quota, or why none fits. */
export interface QuotaSizing {
  readonly hard: QuotaHard;
  /** Why, one sentence per limit. */
  readonly reasons: readonly string[];
  readonly problems: readonly ConfigProblem[];
}

const capField: Record<QuotaResource, 'cpu' | 'memory' | 'ephemeralStorage'> = { 'cpu': 'cpu', 'memory': 'memory', 'ephemeral-storage': 'ephemeralStorage' };

const cpuText = (m: number) => (m % 1000 === 0 ? `${m / 1000}` : `${m}m`);
const bytesText = (b: number) => (b % 1024 ** 3 === 0 ? `${b / 1024 ** 3}Gi` : b % 1024 ** 2 === 0 ? `${b / 1024 ** 2}Mi` : `${Math.ceil(b / 1024 ** 2)}Mi`);
/** A quantity as Kubernetes writes it. */
export function quantityText(r: QuotaResource, v: number): string {
  return r === 'cpu' ? cpuText(Math.ceil(v)) : bytesText(v);
}
const parse = (r: QuotaResource, q: string) => (r === 'cpu' ? parseCpu(q) : parseMemory(q));

/**
 * The ResourceQuota of one scope: pods, and requests and limits of CPU, memory and ephemeral
 * storage, each exactly what `demand.pods` pods of `demand.pod` need, so the pods the service may
 * create are never refused by it, and nothing beyond them fits. A cap (`caps`, at `capsField`)
 * replaces a limit when it is at least that; below one pod, or below what the scaling needs, it
 * is a problem naming what would work.
 */
export function sizeQuota(demand: QuotaDemand, caps: QuotaCaps | undefined, capsField: string): QuotaSizing {
  const problems: ConfigProblem[] = [];
  const reasons: string[] = [`${demand.pods} pods: ${demand.why}`];
  const hard: Record<string, string> = {};
  const n = demand.pods;
  const lower = (perPod: number) => (demand.scalingField && demand.podsPerUnit ? [`${demand.scalingField}: at most ${Math.floor(perPod / demand.podsPerUnit)} (what this cap holds)`] : []);

  if (caps?.pods !== undefined && caps.pods < n) {
    problems.push({
      field: `${capsField}.pods`,
      message: caps.pods < 1 ? `${caps.pods} pods is below one ${demand.what} pod` : `${caps.pods} pods is below what ${demand.what} may run at once (${n}: ${demand.why}); the quota would refuse pods the service is allowed to create`,
      alternatives: [`${capsField}.pods: ${n} or more`, `remove ${capsField}.pods (sized to ${n})`, ...lower(caps.pods)],
    });
  }
  hard.pods = String(Math.max(n, caps?.pods ?? 0));
  for (const r of QUOTA_RESOURCES) {
    const needRequests = n * demand.pod.requests[r];
    const needLimits = n * demand.pod.limits[r];
    const capText = caps?.[capField[r]] as string | undefined;
    const cap = capText === undefined ? undefined : parse(r, capText);
    if (cap !== undefined) {
      const onePod = Math.max(demand.pod.limits[r], demand.pod.requests[r]);
      if (cap < onePod) {
        problems.push({
          field: `${capsField}.${capField[r]}`,
          message: `${capText} is below what one ${demand.what} pod needs (${quantityText(r, onePod)} of ${r}): no ${demand.what} pod could start`,
          alternatives: [`${capsField}.${capField[r]}: ${quantityText(r, needLimits)} (what ${n} pods need)`, `remove ${capsField}.${capField[r]}`],
        });
      } else if (cap < needLimits) {
        problems.push({
          field: `${capsField}.${capField[r]}`,
          message: `${capText} is below what ${demand.what} may run at once (${n} pods × ${quantityText(r, demand.pod.limits[r])} of ${r} = ${quantityText(r, needLimits)}); the quota would refuse pods the service is allowed to create`,
          alternatives: [`${capsField}.${capField[r]}: ${quantityText(r, needLimits)} or more`, `remove ${capsField}.${capField[r]}`, ...lower(Math.floor(cap / demand.pod.limits[r]))],
        });
      }
    }
    // Requests are bounded as limits are: admission (GKE Autopilot) may raise a request to its limit.
    hard[`requests.${r}`] = quantityText(r, Math.max(needLimits, needRequests, cap ?? 0));
    hard[`limits.${r}`] = quantityText(r, Math.max(needLimits, cap ?? 0));
  }
  reasons.push(`requests and limits of cpu, memory and ephemeral-storage: ${n} × one pod's limits (requests too, since admission may raise a request to its limit) (${QUOTA_RESOURCES.map((r) => `${r} ${quantityText(r, demand.pod.requests[r])}/${quantityText(r, demand.pod.limits[r])}`).join(', ')})${caps ? ', or the cap where it is higher' : ''}`);
  return { hard, reasons, problems };
}

/**
 * Most sandbox Jobs' pods the quota must admit at once. The controller keeps at most
 * MAX_TOTAL_JOBS Jobs, the warm pool included (PREWARM_POOL_SIZE counts in it; the larger is
 * taken should the pool exceed it). A pod whose Job was deleted still counts against a quota
 * until its termination grace period ends (kubernetes/kubernetes pkg/quota/v1/evaluator/core/pods.go,
 * QuotaV1Pod), while the controller may already have created the Job that replaces it: so twice.
 * Pods of finished Jobs (Succeeded or Failed) do not count.
 */
export function sandboxJobPods(maxTotalJobs: number, prewarmPoolSize: number): { pods: number; why: string } {
  const jobs = Math.max(maxTotalJobs, prewarmPoolSize);
  return {
    pods: 2 * jobs,
    why: `MAX_TOTAL_JOBS ${maxTotalJobs}${prewarmPoolSize > maxTotalJobs ? ` (PREWARM_POOL_SIZE ${prewarmPoolSize} is larger and taken)` : ` (PREWARM_POOL_SIZE ${prewarmPoolSize} included)`} sandbox Jobs, twice: a deleted Job's pod counts until its grace period ends while its replacement starts`,
  };
}

/**
 * Most pods of a Deployment the quota must admit at once: the most replicas (the HPA's maximum
 * when it scales), plus the rollout's surge, plus the old pods still terminating (they count
 * until their grace period ends).
 */
export function deploymentPods(replicas: number, maxSurge: number): { pods: number; why: string } {
  return {
    pods: 2 * replicas + maxSurge,
    why: `${replicas} replicas at most, ${maxSurge} more during a rollout, and up to ${replicas} old pods still counted while they terminate`,
  };
}

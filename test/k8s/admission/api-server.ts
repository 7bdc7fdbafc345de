/**
 * What the API server, the Job controller and the admission plugins make of a Job and of the pod
 * the Job controller creates from it, written by hand from Kubernetes' source (independently of
 * the policy's own table of additions, src/k8s/admission/additions.ts, so that one checks the
 * other): pkg/apis/core/v1/defaults.go, pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job
 * (selector and labels), pkg/controller/job (pods from the template), plugin/pkg/admission/
 * priority and defaulttolerationseconds, and pkg/registry/core/pod (serviceAccount).
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined) c.imagePullPolicy = /:latest$/.test(c.image) ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

/** SetDefaults_PodSpec and the defaults of what a PodSpec holds (also applied to a Job's template). */
export function defaultPodSpec(spec: Obj): Obj {
  const s = clone(spec);
  s.dnsPolicy ??= 'ClusterFirst';
  s.restartPolicy ??= 'Always';
  s.securityContext ??= {};
  s.terminationGracePeriodSeconds ??= 30;
  s.schedulerName ??= 'default-scheduler';
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) defaultContainer(c);
  for (const v of s.volumes ?? []) {
    if (v.configMap) v.configMap.defaultMode ??= 420;
    if (v.hostPath) v.hostPath.type ??= '';
  }
  return s;
}

/** The Job as stored: batch/v1 defaults, the generated selector, the controller labels on the template. */
export function storedJob(job: Obj, name: string, uid: string, namespace: string): Obj {
  const j = clone(job);
  j.metadata = { ...j.metadata, name, namespace, uid };
  const s = j.spec;
  s.completions ??= 1;
  s.parallelism ??= 1;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  if (!s.podFailurePolicy) s.podReplacementPolicy ??= 'TerminatingOrFailed';
  s.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  s.template.metadata = s.template.metadata ?? {};
  s.template.metadata.labels = {
    ...s.template.metadata.labels,
    'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name,
  };
  s.template.spec = defaultPodSpec(s.template.spec);
  return j;
}

/** A PriorityClass as the Priority admission plugin reads it. */
export interface PriorityClassJson { readonly name: string; readonly value: number; readonly preemptionPolicy?: string }

/** The pod the Job controller creates from a stored Job, after the pod defaults and the admission plugins. */
export function jobControllerPod(job: Obj, priorityClasses: readonly PriorityClassJson[]): Obj {
  const t = clone(job.spec.template);
  const spec = defaultPodSpec(t.spec);
  // SetDefaults_Pod: requests from limits, service links.
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    if (c.resources?.limits) {
      c.resources.requests = c.resources.requests ?? {};
      for (const [k, v] of Object.entries(c.resources.limits)) c.resources.requests[k] ??= v;
    }
  }
  spec.enableServiceLinks ??= true;
  // Priority admission.
  const pc = priorityClasses.find((p) => p.name === spec.priorityClassName);
  if (spec.priorityClassName && !pc) throw new Error(`no PriorityClass ${spec.priorityClassName}`);
  spec.priority = pc ? pc.value : 0;
  spec.preemptionPolicy = pc?.preemptionPolicy ?? 'PreemptLowerPriority';
  // DefaultTolerationSeconds.
  const tolerations = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((x: Obj) => x.key === key || (x.operator === 'Exists' && x.key === undefined))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
  // The registry mirrors serviceAccountName into the deprecated field.
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${job.metadata.name}-`,
      namespace: job.metadata.namespace,
      labels: { ...t.metadata?.labels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }],
      finalizers: ['batch.kubernetes.io/job-tracking'],
    },
    spec,
  };
}

/**
 * Values that others put into a sandbox pod between the controller's request and admission, so
 * the policy must accept them where the template leaves a field unset: the API server's
 * defaulting, the Job controller, admission plugins, a LimitRange, and Retool's controller. Each
 * with where it comes from; the ones nobody can observe here are marked as assumptions.
 */

/** Who adds a value. */
export type AddedBy = 'api-server' | 'job-controller' | 'admission-plugin' | 'limit-range' | 'retool-controller';

/** One value (or set) others may add at a field the template leaves unset. */
export interface Addition {
  /** Field path from the pod (`spec.dnsPolicy`, `spec.containers[*].imagePullPolicy`). */
  readonly path: string;
  /** The values it may take (scalars), `{}` for an object the API server creates empty, or `any`. */
  readonly values: readonly (string | number | boolean)[] | 'empty-object' | 'any';
  /** Who adds it. */
  readonly by: AddedBy;
  /** Where that is written. */
  readonly source: string;
  /** Set when no one here can observe it (Retool's controller): what is assumed. */
  readonly assumption?: string;
}

const DEFAULTS_GO = 'kubernetes/kubernetes pkg/apis/core/v1/defaults.go';

/** Container defaults (SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_ObjectFieldSelector). */
function containerDefaults(list: 'containers' | 'initContainers', imagePullPolicy: string): Addition[] {
  const c = `spec.${list}[*]`;
  const probes = ['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((p) => [
    { path: `${c}.${p}.timeoutSeconds`, values: [1], by: 'api-server' as const, source: `${DEFAULTS_GO} SetDefaults_Probe` },
    { path: `${c}.${p}.periodSeconds`, values: [10], by: 'api-server' as const, source: `${DEFAULTS_GO} SetDefaults_Probe` },
    { path: `${c}.${p}.successThreshold`, values: [1], by: 'api-server' as const, source: `${DEFAULTS_GO} SetDefaults_Probe` },
    { path: `${c}.${p}.failureThreshold`, values: [3], by: 'api-server' as const, source: `${DEFAULTS_GO} SetDefaults_Probe` },
    { path: `${c}.${p}.httpGet.scheme`, values: ['HTTP'], by: 'api-server' as const, source: `${DEFAULTS_GO} SetDefaults_HTTPGetAction` },
    { path: `${c}.${p}.httpGet.path`, values: ['/'], by: 'api-server' as const, source: `${DEFAULTS_GO} SetDefaults_HTTPGetAction` },
  ]);
  return [
    { path: `${c}.imagePullPolicy`, values: [imagePullPolicy], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_Container (Always for :latest, else IfNotPresent)` },
    { path: `${c}.terminationMessagePath`, values: ['/dev/termination-log'], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_Container` },
    { path: `${c}.terminationMessagePolicy`, values: ['File'], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_Container` },
    { path: `${c}.ports[*].protocol`, values: ['TCP'], by: 'api-server', source: `${DEFAULTS_GO} (ContainerPort protocol, declarative default)` },
    { path: `${c}.env[*].valueFrom.fieldRef.apiVersion`, values: ['v1'], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_ObjectFieldSelector` },
    ...probes,
  ];
}

/** What the kit knows of the pod's surroundings, for the additions that depend on them. */
export interface AdditionContext {
  /** The template container's image pull policy default (Always only for `:latest`). */
  readonly imagePullPolicy: string;
  /** The PriorityClass the template names, with its value and preemption policy. */
  readonly priorityClass?: { readonly name: string; readonly value: number; readonly preemptionPolicy: string };
  /** Whether the template names a RuntimeClass (its overhead is copied into the pod). */
  readonly runtimeClass: boolean;
}

/**
 * Every value others may add at a field the template leaves unset, for a pod created by the Job
 * controller from the kit's Job template.
 */
export function podAdditions(ctx: AdditionContext): Addition[] {
  return [
    { path: 'spec.dnsPolicy', values: ['ClusterFirst'], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_PodSpec` },
    { path: 'spec.restartPolicy', values: ['Always'], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_PodSpec` },
    { path: 'spec.securityContext', values: 'empty-object', by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_PodSpec` },
    { path: 'spec.terminationGracePeriodSeconds', values: [30], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_PodSpec` },
    { path: 'spec.schedulerName', values: ['default-scheduler'], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_PodSpec` },
    { path: 'spec.enableServiceLinks', values: [true], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_Pod` },
    { path: 'spec.serviceAccount', values: 'any', by: 'api-server', source: 'kubernetes/kubernetes pkg/registry/core/pod strategy: the deprecated serviceAccount mirrors serviceAccountName (checked against it below)' },
    ...(ctx.priorityClass
      ? [
        { path: 'spec.priority', values: [ctx.priorityClass.value], by: 'admission-plugin' as const, source: 'kubernetes/kubernetes plugin/pkg/admission/priority: the value of priorityClassName' },
        { path: 'spec.preemptionPolicy', values: [ctx.priorityClass.preemptionPolicy], by: 'admission-plugin' as const, source: 'kubernetes/kubernetes plugin/pkg/admission/priority: the class\'s preemptionPolicy' },
      ]
      : [
        { path: 'spec.priority', values: [0], by: 'admission-plugin' as const, source: 'kubernetes/kubernetes plugin/pkg/admission/priority: 0 without a class or global default' },
        { path: 'spec.preemptionPolicy', values: ['PreemptLowerPriority'], by: 'admission-plugin' as const, source: 'kubernetes/kubernetes plugin/pkg/admission/priority' },
      ]),
    ...(ctx.runtimeClass ? [{ path: 'spec.overhead', values: 'any' as const, by: 'admission-plugin' as const, source: 'kubernetes/kubernetes plugin/pkg/admission/runtimeclass: the RuntimeClass\'s overhead' }] : []),
    { path: 'spec.volumes[*].configMap.defaultMode', values: [420], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_ConfigMapVolumeSource` },
    { path: 'spec.volumes[*].hostPath.type', values: [''], by: 'api-server', source: `${DEFAULTS_GO} SetDefaults_HostPathVolumeSource` },
    ...containerDefaults('containers', ctx.imagePullPolicy),
    ...containerDefaults('initContainers', ctx.imagePullPolicy),
  ];
}

/**
 * Tolerations the DefaultTolerationSeconds admission plugin appends (when the pod does not
 * tolerate these taints already): kubernetes/kubernetes plugin/pkg/admission/defaulttolerationseconds.
 */
export const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
] as const;

/** Labels the Job controller's API (batch/v1 Job strategy) adds to the pod template, so to every pod. */
export const JOB_CONTROLLER_LABELS = ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name'] as const;

/** The finalizer the Job controller puts on its pods (kubernetes/kubernetes pkg/controller/job). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** What Retool's controller is assumed to change in the template (not observable here). */
export const RETOOL_CONTROLLER_ADDITIONS: readonly Addition[] = [
  {
    path: 'spec.containers[*].image',
    values: 'any',
    by: 'retool-controller',
    source: 'retool-helm templates (job-template.json: __IMAGE_TAG__ replaced with DEPLOYED_IMAGE_TAG)',
    assumption: 'the controller replaces __IMAGE_TAG__ with DEPLOYED_IMAGE_TAG, which the kit sets to the release; the policy pins the resulting image',
  },
  {
    path: 'metadata.labels / metadata.annotations / metadata.name',
    values: 'any',
    by: 'retool-controller',
    source: 'the controller names its Jobs (JOB_NAME_PREFIX) and labels them (JOB_APP_LABEL)',
    assumption: 'the controller adds names, labels and annotations but changes nothing else of the pod spec; a change elsewhere is denied (its sandboxes would not start, visibly)',
  },
];

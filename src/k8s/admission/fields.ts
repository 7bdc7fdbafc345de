/**
 * The fields of the Kubernetes types a sandbox pod is made of, as the admission policy walks
 * them: every field of each type is either pinned (to the template's value, or to a value the API
 * server or a controller adds) or must be absent. From the Kubernetes API (k8s.io/api core/v1,
 * as of Kubernetes 1.32; test/k8s/admission-fields.test.ts checks the lists against the
 * kubernetes-models types). A field newer than these lists is not checked: a stated limit.
 */

/** How a field is compared. */
export type FieldType =
  /** A string, number or boolean. */
  | 'scalar'
  /** A list of scalars. */
  | 'scalars'
  /** A map of string to string (labels, selectors, resource lists). */
  | 'map'
  /** A type the policy does not model: it must be absent (a template that sets it is refused at synth). */
  | 'unmodeled'
  /** An object of a named type. */
  | { readonly object: TypeName }
  /** A list of objects of a named type. */
  | { readonly list: TypeName };

const o = (object: TypeName): FieldType => ({ object });
const l = (list: TypeName): FieldType => ({ list });

/** A type the policy walks. */
export type TypeName = 'PodSpec' | 'Container' | 'SecurityContext' | 'PodSecurityContext' | 'Capabilities' | 'Profile' | 'ResourceRequirements' | 'VolumeMount' | 'Volume' | 'EmptyDirVolumeSource' | 'HostPathVolumeSource' | 'ConfigMapVolumeSource' | 'KeyToPath' | 'EnvVar' | 'EnvVarSource' | 'EnvFromSource' | 'NameOptional' | 'KeySelector' | 'ObjectFieldSelector' | 'ResourceFieldSelector' | 'ContainerPort' | 'Toleration' | 'Affinity' | 'NodeAffinity' | 'NodeSelector' | 'NodeSelectorTerm' | 'SelectorRequirement' | 'TopologySpreadConstraint' | 'LabelSelector' | 'LocalObjectReference' | 'Probe' | 'HTTPGetAction' | 'ExecAction' | 'JobSpec';

/** Field tables by type. */
export const FIELDS: Readonly<Record<TypeName, Readonly<Record<string, FieldType>>>> = {
  PodSpec: {
    activeDeadlineSeconds: 'scalar', affinity: o('Affinity'), automountServiceAccountToken: 'scalar', containers: l('Container'),
    dnsConfig: 'unmodeled', dnsPolicy: 'scalar', enableServiceLinks: 'scalar', ephemeralContainers: 'unmodeled', hostAliases: 'unmodeled',
    hostIPC: 'scalar', hostNetwork: 'scalar', hostPID: 'scalar', hostUsers: 'scalar', hostname: 'scalar', imagePullSecrets: l('LocalObjectReference'),
    initContainers: l('Container'), nodeName: 'scalar', nodeSelector: 'map', os: 'unmodeled', overhead: 'map', preemptionPolicy: 'scalar',
    priority: 'scalar', priorityClassName: 'scalar', readinessGates: 'unmodeled', resourceClaims: 'unmodeled', resources: o('ResourceRequirements'),
    restartPolicy: 'scalar', runtimeClassName: 'scalar', schedulerName: 'scalar', schedulingGates: 'unmodeled', securityContext: o('PodSecurityContext'),
    serviceAccount: 'scalar', serviceAccountName: 'scalar', setHostnameAsFQDN: 'scalar', shareProcessNamespace: 'scalar', subdomain: 'scalar',
    terminationGracePeriodSeconds: 'scalar', tolerations: l('Toleration'), topologySpreadConstraints: l('TopologySpreadConstraint'), volumes: l('Volume'),
  },
  Container: {
    args: 'scalars', command: 'scalars', env: l('EnvVar'), envFrom: l('EnvFromSource'), image: 'scalar', imagePullPolicy: 'scalar', lifecycle: 'unmodeled',
    livenessProbe: o('Probe'), name: 'scalar', ports: l('ContainerPort'), readinessProbe: o('Probe'), resizePolicy: 'unmodeled', resources: o('ResourceRequirements'),
    restartPolicy: 'scalar', securityContext: o('SecurityContext'), startupProbe: o('Probe'), stdin: 'scalar', stdinOnce: 'scalar',
    terminationMessagePath: 'scalar', terminationMessagePolicy: 'scalar', tty: 'scalar', volumeDevices: 'unmodeled', volumeMounts: l('VolumeMount'), workingDir: 'scalar',
  },
  SecurityContext: {
    allowPrivilegeEscalation: 'scalar', appArmorProfile: o('Profile'), capabilities: o('Capabilities'), privileged: 'scalar', procMount: 'scalar',
    readOnlyRootFilesystem: 'scalar', runAsGroup: 'scalar', runAsNonRoot: 'scalar', runAsUser: 'scalar', seLinuxOptions: 'unmodeled',
    seccompProfile: o('Profile'), windowsOptions: 'unmodeled',
  },
  PodSecurityContext: {
    appArmorProfile: o('Profile'), fsGroup: 'scalar', fsGroupChangePolicy: 'scalar', runAsGroup: 'scalar', runAsNonRoot: 'scalar', runAsUser: 'scalar',
    seLinuxChangePolicy: 'scalar', seLinuxOptions: 'unmodeled', seccompProfile: o('Profile'), supplementalGroups: 'scalars',
    supplementalGroupsPolicy: 'scalar', sysctls: 'unmodeled', windowsOptions: 'unmodeled',
  },
  Capabilities: { add: 'scalars', drop: 'scalars' },
  Profile: { localhostProfile: 'scalar', type: 'scalar' },
  ResourceRequirements: { claims: 'unmodeled', limits: 'map', requests: 'map' },
  VolumeMount: { mountPath: 'scalar', mountPropagation: 'scalar', name: 'scalar', readOnly: 'scalar', recursiveReadOnly: 'scalar', subPath: 'scalar', subPathExpr: 'scalar' },
  Volume: {
    name: 'scalar', emptyDir: o('EmptyDirVolumeSource'), hostPath: o('HostPathVolumeSource'), configMap: o('ConfigMapVolumeSource'),
    awsElasticBlockStore: 'unmodeled', azureDisk: 'unmodeled', azureFile: 'unmodeled', cephfs: 'unmodeled', cinder: 'unmodeled', csi: 'unmodeled',
    downwardAPI: 'unmodeled', ephemeral: 'unmodeled', fc: 'unmodeled', flexVolume: 'unmodeled', flocker: 'unmodeled', gcePersistentDisk: 'unmodeled',
    gitRepo: 'unmodeled', glusterfs: 'unmodeled', image: 'unmodeled', iscsi: 'unmodeled', nfs: 'unmodeled', persistentVolumeClaim: 'unmodeled',
    photonPersistentDisk: 'unmodeled', portworxVolume: 'unmodeled', projected: 'unmodeled', quobyte: 'unmodeled', rbd: 'unmodeled', scaleIO: 'unmodeled',
    secret: 'unmodeled', storageos: 'unmodeled', vsphereVolume: 'unmodeled',
  },
  EmptyDirVolumeSource: { medium: 'scalar', sizeLimit: 'scalar' },
  HostPathVolumeSource: { path: 'scalar', type: 'scalar' },
  ConfigMapVolumeSource: { defaultMode: 'scalar', items: l('KeyToPath'), name: 'scalar', optional: 'scalar' },
  KeyToPath: { key: 'scalar', mode: 'scalar', path: 'scalar' },
  EnvVar: { name: 'scalar', value: 'scalar', valueFrom: o('EnvVarSource') },
  EnvVarSource: { configMapKeyRef: o('KeySelector'), fieldRef: o('ObjectFieldSelector'), resourceFieldRef: o('ResourceFieldSelector'), secretKeyRef: o('KeySelector') },
  EnvFromSource: { configMapRef: o('NameOptional'), prefix: 'scalar', secretRef: o('NameOptional') },
  NameOptional: { name: 'scalar', optional: 'scalar' },
  KeySelector: { key: 'scalar', name: 'scalar', optional: 'scalar' },
  ObjectFieldSelector: { apiVersion: 'scalar', fieldPath: 'scalar' },
  ResourceFieldSelector: { containerName: 'scalar', divisor: 'scalar', resource: 'scalar' },
  ContainerPort: { containerPort: 'scalar', hostIP: 'scalar', hostPort: 'scalar', name: 'scalar', protocol: 'scalar' },
  Toleration: { effect: 'scalar', key: 'scalar', operator: 'scalar', tolerationSeconds: 'scalar', value: 'scalar' },
  Affinity: { nodeAffinity: o('NodeAffinity'), podAffinity: 'unmodeled', podAntiAffinity: 'unmodeled' },
  NodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: 'unmodeled', requiredDuringSchedulingIgnoredDuringExecution: o('NodeSelector') },
  NodeSelector: { nodeSelectorTerms: l('NodeSelectorTerm') },
  NodeSelectorTerm: { matchExpressions: l('SelectorRequirement'), matchFields: l('SelectorRequirement') },
  SelectorRequirement: { key: 'scalar', operator: 'scalar', values: 'scalars' },
  TopologySpreadConstraint: {
    labelSelector: o('LabelSelector'), matchLabelKeys: 'scalars', maxSkew: 'scalar', minDomains: 'scalar', nodeAffinityPolicy: 'scalar',
    nodeTaintsPolicy: 'scalar', topologyKey: 'scalar', whenUnsatisfiable: 'scalar',
  },
  LabelSelector: { matchExpressions: l('SelectorRequirement'), matchLabels: 'map' },
  LocalObjectReference: { name: 'scalar' },
  Probe: {
    exec: o('ExecAction'), failureThreshold: 'scalar', grpc: 'unmodeled', httpGet: o('HTTPGetAction'), initialDelaySeconds: 'scalar',
    periodSeconds: 'scalar', successThreshold: 'scalar', tcpSocket: 'unmodeled', terminationGracePeriodSeconds: 'scalar', timeoutSeconds: 'scalar',
  },
  HTTPGetAction: { host: 'scalar', httpHeaders: 'unmodeled', path: 'scalar', port: 'scalar', scheme: 'scalar' },
  ExecAction: { command: 'scalars' },
  JobSpec: {
    activeDeadlineSeconds: 'scalar', backoffLimit: 'scalar', backoffLimitPerIndex: 'scalar', completionMode: 'scalar', completions: 'scalar',
    managedBy: 'scalar', manualSelector: 'scalar', maxFailedIndexes: 'scalar', parallelism: 'scalar', podFailurePolicy: 'unmodeled',
    podReplacementPolicy: 'scalar', selector: 'unmodeled', successPolicy: 'unmodeled', suspend: 'scalar', template: 'unmodeled', ttlSecondsAfterFinished: 'scalar',
  },
};

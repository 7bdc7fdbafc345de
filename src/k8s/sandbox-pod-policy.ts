import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { compareVersions } from '../policy/quantity';
import { commonLabels } from './labels';
import { PodSpecJson } from './manifest';
import { RESTRICTED_VOLUME_TYPES } from './pod-security';

/** ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) from Kubernetes 1.30. */
export const ADMISSION_POLICY_MIN_VERSION = '1.30';

/** One CEL rule of the policy. */
export interface PodValidation {
  /** CEL expression over `object` (the Pod); true admits. */
  readonly expression: string;
  /** Message when it is false. */
  readonly message: string;
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The rules that pin every pod of a namespace to the security settings and image of a pod
 * template, derived from the template (so from the plan). Pod Security admission bounds what a
 * pod may ask for by level; this bounds it to exactly what the plan rendered, so a compromised
 * controller that may create pods cannot create weaker ones (or run another image).
 */
export function sandboxPodValidations(template: { readonly spec: PodSpecJson }): PodValidation[] {
  const spec = template.spec;
  if (spec.containers.length !== 1) throw new Error('sandboxPodValidations: the template must have exactly one container');
  const [c] = spec.containers;
  const sc = c.securityContext ?? {};
  const out: PodValidation[] = [];
  const pod = (expression: string, message: string) => out.push({ expression, message });
  const each = (cond: string, message: string) => out.push({ expression: `object.spec.containers.all(c, ${cond})`, message });
  const field = (name: string) => `has(c.securityContext) && has(c.securityContext.${name})`;

  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) pod(`!has(object.spec.${f}) || !object.spec.${f}`, `sandbox pods must not set ${f}`);
  pod('!has(object.spec.initContainers) && !has(object.spec.ephemeralContainers)', 'sandbox pods have no init or ephemeral containers');
  pod(`!has(object.spec.volumes) || object.spec.volumes.all(v, ${RESTRICTED_VOLUME_TYPES.map((t) => `has(v.${t})`).join(' || ')})`, `sandbox pods may only use the volume types ${RESTRICTED_VOLUME_TYPES.join(', ')}`);
  if (spec.hostUsers === false) pod('has(object.spec.hostUsers) && !object.spec.hostUsers', 'sandbox pods must set hostUsers: false');
  if (spec.runtimeClassName) pod(`has(object.spec.runtimeClassName) && object.spec.runtimeClassName == ${q(spec.runtimeClassName)}`, `sandbox pods must set runtimeClassName: ${spec.runtimeClassName}`);
  const sa = (spec as { serviceAccountName?: string }).serviceAccountName;
  if (sa) pod(`has(object.spec.serviceAccountName) && object.spec.serviceAccountName == ${q(sa)}`, `sandbox pods must run as ServiceAccount ${sa}`);
  if ((spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken === false) {
    pod('has(object.spec.automountServiceAccountToken) && !object.spec.automountServiceAccountToken', 'sandbox pods must not mount an API token');
  }
  if (sc.appArmorProfile?.type !== 'Unconfined') {
    pod('!has(object.spec.securityContext) || !has(object.spec.securityContext.appArmorProfile) || object.spec.securityContext.appArmorProfile.type != \'Unconfined\'', 'sandbox pods must not set AppArmor Unconfined');
  }

  // A digest appended by an image-verifying admission controller is the same image.
  if (c.image) each(`c.image == ${q(c.image)} || c.image.startsWith(${q(`${c.image}@`)})`, `sandbox containers must run the image ${c.image}`);
  if (sc.privileged !== true) each('!has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged', 'sandbox containers must not be privileged');
  if (sc.allowPrivilegeEscalation === false) each(`${field('allowPrivilegeEscalation')} && !c.securityContext.allowPrivilegeEscalation`, 'sandbox containers must set allowPrivilegeEscalation: false');
  if (sc.readOnlyRootFilesystem) each(`${field('readOnlyRootFilesystem')} && c.securityContext.readOnlyRootFilesystem`, 'sandbox containers must set readOnlyRootFilesystem: true');
  if (sc.runAsNonRoot) each(`${field('runAsNonRoot')} && c.securityContext.runAsNonRoot`, 'sandbox containers must set runAsNonRoot: true');
  if (sc.runAsUser !== undefined) each(`${field('runAsUser')} && c.securityContext.runAsUser == ${sc.runAsUser}`, `sandbox containers must run as uid ${sc.runAsUser}`);
  const drop = sc.capabilities?.drop ?? [];
  const add = sc.capabilities?.add ?? [];
  if (drop.includes('ALL')) each(`${field('capabilities')} && has(c.securityContext.capabilities.drop) && c.securityContext.capabilities.drop.exists(x, x == 'ALL')`, 'sandbox containers must drop ALL capabilities');
  each(add.length
    ? `!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(x, ${add.map((a) => `x == ${q(a)}`).join(' || ')})`
    : '!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || size(c.securityContext.capabilities.add) == 0',
  `sandbox containers may add no capabilities${add.length ? ` but ${add.join(', ')}` : ''}`);
  const seccomp = sc.seccompProfile;
  if (seccomp?.type) {
    const path = seccomp.type === 'Localhost' ? ` && has(c.securityContext.seccompProfile.localhostProfile) && c.securityContext.seccompProfile.localhostProfile == ${q(seccomp.localhostProfile ?? '')}` : '';
    each(`${field('seccompProfile')} && c.securityContext.seccompProfile.type == ${q(seccomp.type)}${path}`, `sandbox containers must use seccomp ${seccomp.type}${seccomp.localhostProfile ? ` ${seccomp.localhostProfile}` : ''}`);
  }
  if (sc.procMount === undefined || sc.procMount === 'Default') each('!has(c.securityContext) || !has(c.securityContext.procMount) || c.securityContext.procMount == \'Default\'', 'sandbox containers must keep /proc masked');
  if (sc.appArmorProfile?.type !== 'Unconfined') {
    each('!has(c.securityContext) || !has(c.securityContext.appArmorProfile) || c.securityContext.appArmorProfile.type != \'Unconfined\'', 'sandbox containers must not set AppArmor Unconfined');
  }
  each('!has(c.securityContext) || !has(c.securityContext.seLinuxOptions)', 'sandbox containers must not set SELinux options');
  return out;
}

/** Props of SandboxPodPolicy. */
export interface SandboxPodPolicyProps {
  /** Namespace whose pods it constrains (create and update). */
  readonly namespace: string;
  /** The pod template every pod there must match (security settings and image). */
  readonly template: { readonly spec: PodSpecJson };
  /**
   * Policy and binding name.
   * @default `<namespace>-pods`
   */
  readonly name?: string;
}

/**
 * A ValidatingAdmissionPolicy (and its binding) that admits in one namespace only pods matching
 * the kit's sandbox pod template: the bound on what the agent sandbox controller, which may
 * create pods there, can create. Needs Kubernetes >= 1.30.
 */
export class SandboxPodPolicy extends Construct {
  constructor(scope: Construct, id: string, props: SandboxPodPolicyProps) {
    super(scope, id);
    const name = props.name ?? `${props.namespace}-pods`;
    const labels = commonLabels('sandbox-kit', 'sandbox-pod-policy');
    new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] }],
        },
        validations: sandboxPodValidations(props.template).map((v) => ({ expression: v.expression, message: v.message, reason: 'Forbidden' })),
      },
    });
    new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } } },
      },
    });
  }
}

/** Whether a cluster version has ValidatingAdmissionPolicy v1. */
export function supportsAdmissionPolicy(kubernetesVersion: string | undefined): boolean {
  return compareVersions(kubernetesVersion ?? ADMISSION_POLICY_MIN_VERSION, ADMISSION_POLICY_MIN_VERSION) >= 0;
}

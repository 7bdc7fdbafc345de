import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { PodSecurityLevel } from '../policy/plan';
import { DEFAULT_KUBERNETES_VERSION } from '../policy/config';
import { defaultDenyPolicy } from './network-policy';
import { POD_SECURITY_REASON_ANNOTATION, TRUST_LABEL } from './labels';

/**
 * What runs in a namespace, from least to most trusted:
 * - `user-code`: pods that run untrusted code (the executors, agent sandbox pods);
 * - `kit-service`: kit components that run no user code (agent sandbox controller, proxy);
 * - `node-installer`: the seccomp profile installer, which writes to every node;
 * - `profiles`: Security Profiles Operator objects only, no pods.
 */
export type TrustDomain = 'user-code' | 'kit-service' | 'node-installer' | 'profiles';

/** Props of a TrustNamespace. */
export interface TrustNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** What runs in it. */
  readonly trust: TrustDomain;
  /** The Pod Security level its pods meet (`enforce`), from the plan. */
  readonly podSecurityLevel: PodSecurityLevel;
  /** Why the level is not `restricted`; required whenever it is not. */
  readonly podSecurityReason?: string;
  /**
   * Kubernetes minor version the Pod Security policy is pinned to (`enforce-version: v<version>`),
   * so a cluster upgrade does not change what is admitted.
   * @default DEFAULT_KUBERNETES_VERSION
   */
  readonly kubernetesVersion?: string;
  /**
   * Render a default-deny NetworkPolicy for every pod of the namespace.
   * @default true
   */
  readonly defaultDeny?: boolean;
}

/**
 * A namespace for one trust domain, with Pod Security admission labels. `enforce` is the level
 * the plan says its pods meet; `warn` and `audit` are always `restricted`, so every deviation
 * from restricted shows in `kubectl` warnings and the audit log.
 */
export class TrustNamespace extends Construct {
  /** Namespace name. */
  public readonly name: string;
  /** Enforced level. */
  public readonly podSecurityLevel: PodSecurityLevel;
  /** The Namespace object. */
  public readonly namespace: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: TrustNamespaceProps) {
    super(scope, id);
    if (props.podSecurityLevel !== 'restricted' && !props.podSecurityReason) {
      throw new Error(`namespace ${props.name}: Pod Security level "${props.podSecurityLevel}" needs a reason (podSecurityReason); only "restricted" needs none`);
    }
    const version = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    if (!/^\d+\.\d+$/.test(version)) throw new Error(`namespace ${props.name}: kubernetesVersion must be "<major>.<minor>", got "${version}"`);
    this.name = props.name;
    this.podSecurityLevel = props.podSecurityLevel;
    const v = `v${version}`;
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: props.name,
        labels: {
          'pod-security.kubernetes.io/enforce': props.podSecurityLevel,
          'pod-security.kubernetes.io/enforce-version': v,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': v,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': v,
          [TRUST_LABEL]: props.trust,
          'app.kubernetes.io/part-of': 'sandbox-kit',
          'app.kubernetes.io/managed-by': 'sandbox-kit',
        },
        annotations: props.podSecurityLevel === 'restricted' ? undefined : { [POD_SECURITY_REASON_ANNOTATION]: props.podSecurityReason! },
      },
    });
    if (props.defaultDeny ?? true) {
      defaultDenyPolicy(this, 'DefaultDeny', props.name).addDependency(this.namespace);
    }
  }
}

import { METADATA_ENDPOINTS, PRIVATE_RANGES } from '../targets/network';
import { NamespaceNames } from './options';

/** Cloud metadata endpoints (catalog: METADATA_ENDPOINTS): always unreachable from user code, whatever privateCidrs says. */
export const METADATA_CIDRS: readonly string[] = METADATA_ENDPOINTS.value;

/** Private ranges user code may not reach by default (catalog: PRIVATE_RANGES). */
export const DEFAULT_PRIVATE_CIDRS: readonly string[] = PRIVATE_RANGES.value;

/** Default namespace names, one per trust domain. */
export const DEFAULT_NAMESPACES: Required<NamespaceNames> = {
  codeExecutor: 'sandbox-kit-code-executor',
  jsExecutor: 'sandbox-kit-js-executor',
  agentSandbox: 'sandbox-kit-agent',
};

/**
 * Default image of the profile installer and the AppArmor loader: multi-architecture busybox
 * (sh, cat, cmp, mv, sed, nsenter, sleep), pinned by the digest of its manifest list, the same pin
 * Retool's chart uses for its init containers (tryretool/retool-helm
 * charts/retool/templates/deployment_code_executor.yaml). A tag alone could be re-pointed to
 * other code, which would then run on every node (the loader's init container is privileged).
 */
export const DEFAULT_INSTALLER_IMAGE = 'busybox:1.37.0@sha256:b3255e7dfbcd10cb367af0d409747d511aeb66dfac98cf30e97e87e4207dd76f';

/** An image reference pinned by digest (`name[:tag]@sha256:<64 hex>`); InstallerImage's pattern says the same. */
export const DIGEST_PINNED_IMAGE = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/** The backend's namespace by default (Retool's Helm chart installs there). */
export const DEFAULT_BACKEND = { namespace: 'retool' } as const;

/** Cluster DNS by default: CoreDNS / kube-dns and NodeLocal DNSCache in kube-system. */
export const DEFAULT_DNS = { namespace: 'kube-system', k8sAppLabels: ['kube-dns', 'node-local-dns'] } as const;

/** Cluster DNS domain by default. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** HPA CPU target by default. */
export const DEFAULT_TARGET_CPU_PERCENT = 70;

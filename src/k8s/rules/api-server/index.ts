import { KubernetesRule } from '../rule';
import { hostUsersHostNamespaces } from './host-users-host-namespaces';
import { localhostProfilePath } from './localhost-profile-path';
import { uniqueContainerNames } from './unique-container-names';
import { privilegedEscalation } from './privileged-escalation';
import { sysAdminEscalation } from './sys-admin-escalation';
import { procMountValue } from './proc-mount-value';
import { procMountHostUsers } from './proc-mount-host-users';
import { runAsNonRoot } from './run-as-non-root';
import { volumeMountName } from './volume-mount-name';
import { selectorMatchesTemplate } from './selector-matches-template';

/**
 * Combinations the OpenAPI schema accepts but the API server (pkg/apis/core/validation) or the
 * kubelet refuses: schema validation cannot see them, and cdk8s-plus emits one itself.
 */
export const API_SERVER_RULES: readonly KubernetesRule[] = [
  hostUsersHostNamespaces,
  localhostProfilePath,
  uniqueContainerNames,
  privilegedEscalation,
  sysAdminEscalation,
  procMountValue,
  procMountHostUsers,
  runAsNonRoot,
  volumeMountName,
  selectorMatchesTemplate,
];

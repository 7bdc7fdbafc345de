import { DEFAULT_KUBERNETES_VERSION } from '../policy/config';
import { KubeObject } from './manifest';
import { API_SERVER_RULES } from './rules/api-server';
import { RuleViolation, runRules } from './rules/rule';

/**
 * Combinations the OpenAPI schema accepts but the API server (pkg/apis/core/validation) or the
 * kubelet refuses. Schema validation (kubernetes-models) cannot see these, and cdk8s-plus emits
 * one of them itself (`privileged: true` with `allowPrivilegeEscalation: false`).
 */
export type ApiServerViolation = RuleViolation;

/** Check every pod and workload of a manifest against the rule units of src/k8s/rules/api-server/. */
export function apiServerViolations(objects: readonly KubeObject[]): ApiServerViolation[] {
  return runRules(API_SERVER_RULES, objects, { policyVersion: DEFAULT_KUBERNETES_VERSION });
}

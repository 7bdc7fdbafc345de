import { KubernetesEndpoint } from './chart';
import { manifestYaml } from './yaml-text';

/**
 * Retool's Helm chart (tryretool/retool-helm charts/retool, version 6.11.21) whose values the
 * fragment sets; the keys below are read in its values.yaml and templates.
 */
export const RETOOL_CHART_VERSION = '6.11.21';

/** What the fragment is made from. */
export interface HelmValuesInput {
  /** The kit's endpoints (CODE_EXECUTOR_INGRESS_DOMAIN, AGENT_SANDBOX_*_INGRESS_DOMAIN, ...). */
  readonly endpoints: readonly KubernetesEndpoint[];
  /**
   * The agent sandbox's Secret (keys jwt-private-key, jwt-public-key, encryption-key), which the
   * backend reads in its own namespace: a copy under the same name there.
   * @default - no agent sandbox
   */
  readonly agentSandboxSecret?: string;
  /**
   * The Retool release the kit's services run. The backend's `image.tag` is pinned to it, since
   * Retool does not support an executor or agent sandbox on another release than the backend.
   * @default - the backend's tag is left to the user's own values
   */
  readonly release?: string;
}

/**
 * The values fragment for Retool's chart: the chart's own agent sandbox and js-executor off
 * where the kit runs them, and the backend pointed at the kit's services through the chart's
 * top-level `env` (main backend, workflows backend and workers read it) and `environmentSecrets`.
 * With `rr.agentSandbox.enabled: false` the chart sets none of the agent variables itself
 * (templates/_helpers.tpl, retool.agentSandbox.backendEnvVars), so the fragment sets them:
 * `RR_AGENT_PUBSUB_BACKEND=postgres`, both ingress domains, and the keys from the Secret.
 */
export function helmValues(input: HelmValuesInput): Record<string, unknown> {
  const env: Record<string, string> = {};
  for (const e of input.endpoints) if (e.env) env[e.env] = e.url;
  const services = new Set(input.endpoints.map((e) => e.service));
  const rr: Record<string, unknown> = {};
  // The chart renders its code-executor whenever workflows are on and has no switch for it alone
  // (templates/deployment_code_executor.yaml): it is scaled to zero, and the backend's
  // CODE_EXECUTOR_INGRESS_DOMAIN from `env` comes after the chart's own, so the kit's one wins.
  const codeExecutor = services.has('code-executor') ? { codeExecutor: { replicaCount: 0 } } : {};
  if (services.has('js-executor')) rr.jsExecutor = { enabled: false };
  const environmentSecrets: { name: string; secretKeyRef: { name: string; key: string } }[] = [];
  if (services.has('agent-sandbox')) {
    rr.agentSandbox = { enabled: false };
    env.RR_AGENT_PUBSUB_BACKEND = 'postgres';
    if (input.agentSandboxSecret) {
      for (const [name, key] of [['AGENT_SANDBOX_JWT_PRIVATE_KEY', 'jwt-private-key'], ['AGENT_SANDBOX_JWT_PUBLIC_KEY', 'jwt-public-key'], ['AGENT_SANDBOX_ENCRYPTION_KEY', 'encryption-key']]) {
        environmentSecrets.push({ name, secretKeyRef: { name: input.agentSandboxSecret, key } });
      }
    }
  }
  return {
    ...(input.release ? { image: { tag: input.release } } : {}),
    ...codeExecutor,
    ...(Object.keys(rr).length ? { rr } : {}),
    env,
    ...(environmentSecrets.length ? { environmentSecrets } : {}),
  };
}

/** The fragment as YAML, with a header saying what it is for. */
export function helmValuesYaml(input: HelmValuesInput, target: string): string {
  const header = [
    `# sandbox-kit: values for Retool's Helm chart (tryretool/retool-helm charts/retool ${RETOOL_CHART_VERSION}) on target ${target}.`,
    '# Pass it with -f next to your own values. It turns off the chart\'s copies of what the kit runs and points the backend at the kit.',
    ...(input.agentSandboxSecret ? [`# The backend reads the agent sandbox keys from Secret ${input.agentSandboxSecret} in its own namespace: create it there too.`] : []),
  ];
  return `${header.join('\n')}\n${manifestYaml([helmValues(input)])}`;
}

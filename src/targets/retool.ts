import { verified } from './facts';

/** Retool's Helm chart the kit's contract was read from (tryretool/retool-helm, charts/retool). */
export const RETOOL_CHART = {
  version: '6.11.21',
  commit: '5ff424460e8247d8f74ef2b2d5f7107f281ac7e3',
  url: 'https://github.com/tryretool/retool-helm/tree/5ff424460e8247d8f74ef2b2d5f7107f281ac7e3/charts/retool',
} as const;

/**
 * The oldest backend release whose tag Retool's executor images carry: for an older (or
 * non-version) `image.tag` the chart falls back to executor tag 1.1.0.
 */
export const MIN_EXECUTOR_RELEASE = verified(
  '3.20.15',
  'tryretool/retool-helm charts/retool/templates/_helpers.tpl (retool.codeExecutor.image.tag, retool.jsExecutor.image.tag: semverCompare ">= 3.20.15-0", else "1.1.0")',
);

/** Docker Hub repositories of Retool's images. */
export const RETOOL_REPOSITORIES = verified(
  {
    'code-executor': 'tryretool/code-executor-service',
    'js-executor': 'tryretool/js-executor-service',
    'agent-sandbox': 'tryretool/agent-sandbox-service',
  } as const,
  'tryretool/retool-helm charts/retool/values.yaml (codeExecutor.image.repository, rr.jsExecutor.image.repository, rr.agentSandbox.image.repository)',
);

/**
 * What Retool's executors keep user code from with their own iptables rules at start (needs
 * NET_ADMIN): traffic from retool_user to these ranges is dropped. With
 * DISABLE_IPTABLES_SECURITY_CONFIGURATION=true the step is skipped, and the operator must block
 * the same ranges another way.
 */
export const RETOOL_IPTABLES_BLOCKS = verified<readonly string[]>(
  ['169.254.0.0/16', '192.168.0.0/16'],
  'https://docs.retool.com/self-hosted/self-managed/concepts/custom-code-execution-security (code-executor security privileges: NET_ADMIN, DISABLE_IPTABLES_SECURITY_CONFIGURATION)',
);

/** The variable that skips the executors' iptables step (same page as RETOOL_IPTABLES_BLOCKS). */
export const DISABLE_IPTABLES_ENV = 'DISABLE_IPTABLES_SECURITY_CONFIGURATION';

/** The longest stop timeout an ECS container may have: an executor's 391 s grace is cut to it on ECS. */
export const ECS_MAX_STOP_TIMEOUT_SECONDS = verified(120, 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (stopTimeout: "The max stop timeout value is 120 seconds")');

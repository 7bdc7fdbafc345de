import { ConfigProblem } from '../policy/errors';
import { AWS_RENDERER_RULES } from './rules/aws-renderer';
import { KUBERNETES_RENDERER_RULES } from './rules/kubernetes-renderer';
import { checkValue } from './validate';

/**
 * Every problem of the AWS stacks' options: the schema, then AWS_RENDERER_RULES, and the Kubernetes
 * chart's rules on `eks.chart`. In a file of its own so that the Kubernetes app never loads the AWS
 * rules.
 */
export function checkAwsRendererOptions(options: unknown, prefix = 'aws.renderer', includeSchema = true): ConfigProblem[] {
  const problems = checkValue('AwsRendererOptions', AWS_RENDERER_RULES, options, prefix, includeSchema);
  const chart = (options as { eks?: { chart?: unknown } } | undefined)?.eks?.chart;
  if (chart && typeof chart === 'object') {
    const chartPrefix = `${prefix}.eks.chart`;
    const already = new Set(problems.map((p) => p.field));
    for (const p of checkValue('KubernetesRendererOptions', KUBERNETES_RENDERER_RULES, chart, chartPrefix, includeSchema)) {
      if (!already.has(p.field)) problems.push(p);
    }
  }
  return problems;
}

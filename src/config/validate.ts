import { ConfigProblem } from '../policy/errors';
import { CONFIG_RULES } from './rules/config';
import { KUBERNETES_RENDERER_RULES } from './rules/kubernetes-renderer';
import { ConfigRule, RuleSubjects } from './rules/rule';
import { SchemaDefinition, schemaErrors } from './schema';
import { schemaProblems } from './schema-problems';

function join(prefix: string, field: string): string {
  return prefix ? (field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`) : field;
}

/**
 * One value through the schema, then through its rules: every problem, fields prefixed. A rule's
 * problem on a field the schema already refused (or inside it) is dropped: the schema said it.
 */
export function checkValue<S extends keyof RuleSubjects>(
  definition: SchemaDefinition, rules: readonly ConfigRule<S>[], value: unknown, prefix = '', includeSchema = true,
): ConfigProblem[] {
  const schema = schemaProblems(schemaErrors(definition, value), prefix);
  // Without includeSchema the caller has reported the schema's problems already (the whole file).
  const problems = includeSchema ? schema : [];
  const refused = schema.map((p) => p.field);
  const covered = (field: string) => refused.some((r) => field === r || field.startsWith(`${r}.`) || field.startsWith(`${r}[`));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return problems;
  for (const rule of rules) {
    let found: ConfigProblem[];
    try {
      found = rule.check(value as RuleSubjects[S]);
    } catch {
      // A rule met a shape the schema refused; the schema's problem stands for it.
      continue;
    }
    for (const p of found) {
      const field = join(prefix, p.field);
      if (!covered(field)) problems.push({ ...p, field });
    }
  }
  return problems;
}

/** Every problem of one target's config (SandboxKitConfig): the schema, then CONFIG_RULES. */
export function checkConfig(config: unknown, prefix = '', includeSchema = true): ConfigProblem[] {
  return checkValue('SandboxKitConfig', CONFIG_RULES, config, prefix, includeSchema);
}

/** Every problem of the Kubernetes chart's options: the schema, then KUBERNETES_RENDERER_RULES. */
export function checkKubernetesRendererOptions(options: unknown, prefix = 'kubernetes.renderer', includeSchema = true): ConfigProblem[] {
  return checkValue('KubernetesRendererOptions', KUBERNETES_RENDERER_RULES, options, prefix, includeSchema);
}

/** One thing wrong with a config: where, what, and what would work instead. */
export interface ConfigProblem {
  /**
   * Dotted path of the field: in the kit file (`kubernetes.overrides.eks.nodeOs`) where the value
   * was found there, else relative to the target's config (`services.js-executor.mode`).
   */
  readonly field: string;
  /** What is wrong, in a sentence a platform engineer can act on. */
  readonly message: string;
  /** Settings or targets that would work. At least one where any exists. */
  readonly alternatives: readonly string[];
  /**
   * The app and target the problem belongs to (`aws/ecs-ec2`), when one run covers several.
   * @default - the whole input
   */
  readonly scope?: string;
}

/**
 * Thrown by the config checks, the planner and the renderers' checks with every problem found,
 * not just the first, so that one run tells the whole story.
 */
export class SandboxConfigError extends Error {
  /** Every problem found. */
  public readonly problems: readonly ConfigProblem[];
  /** What was checked (`sandbox-kit resource quotas`), the first words of the message. */
  public readonly context: string;

  constructor(context: string, problems: readonly ConfigProblem[]) {
    super(formatProblems(context, problems));
    this.name = 'SandboxConfigError';
    this.problems = problems;
    this.context = context;
  }
}

/** The problems of an error, or of a plain Error as one problem on `field`. */
export function problemsOf(e: unknown, field: string, scope?: string): ConfigProblem[] {
  if (e instanceof SandboxConfigError) return e.problems.map((p) => ({ ...p, scope: p.scope ?? scope }));
  return [{ field, message: e instanceof Error ? e.message : String(e), alternatives: [], scope }];
}

function formatProblems(context: string, problems: readonly ConfigProblem[]): string {
  const lines = [`${context}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`];
  for (const p of problems) {
    lines.push(`  - ${p.scope ? `[${p.scope}] ` : ''}${p.field}: ${p.message}`);
    for (const alt of p.alternatives) lines.push(`      would work: ${alt}`);
  }
  return lines.join('\n');
}

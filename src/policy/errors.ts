/** One thing wrong with a config: where, what, and what would work instead. */
export interface ConfigProblem {
  /** Dotted path of the config field, e.g. `services.js-executor.mode`. */
  readonly field: string;
  /** What is wrong, in a sentence a platform engineer can act on. */
  readonly message: string;
  /** Settings or targets that would work. At least one where any exists. */
  readonly alternatives: readonly string[];
}

/**
 * Thrown by the planner (and the config parser) with every problem found, not just the first,
 * so that one run tells the whole story.
 */
export class SandboxConfigError extends Error {
  /** Every problem found. */
  public readonly problems: readonly ConfigProblem[];

  constructor(context: string, problems: readonly ConfigProblem[]) {
    super(formatProblems(context, problems));
    this.name = 'SandboxConfigError';
    this.problems = problems;
  }
}

function formatProblems(context: string, problems: readonly ConfigProblem[]): string {
  const lines = [`${context}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`];
  for (const p of problems) {
    lines.push(`  - ${p.field}: ${p.message}`);
    for (const alt of p.alternatives) lines.push(`      would work: ${alt}`);
  }
  return lines.join('\n');
}

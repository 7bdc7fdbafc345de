/**
 * Retool's risk categories of running custom code without a sandbox ("Risks of non-sandboxed
 * custom code environment", https://docs.retool.com/self-hosted/self-managed/concepts/custom-code-execution-security).
 */
export const RISK_CATEGORIES = ['data', 'account', 'execution', 'system', 'external-misuse'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** One risk that remains under a plan, in one sentence. */
export interface RemainingRisk {
  /** Retool's category. */
  readonly category: RiskCategory;
  /** What can still go wrong, in one sentence. */
  readonly sentence: string;
}

export function risk(category: RiskCategory, sentence: string): RemainingRisk {
  return { category, sentence };
}

/** The seed's risk categories of running custom code ("Risks of non-sandboxed custom code environment"). */
export const RISK_CATEGORIES = ['data', 'account', 'execution', 'system', 'external-misuse'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** One risk that remains under a plan, in one sentence. */
export interface RemainingRisk {
  /** Seed category. */
  readonly category: RiskCategory;
  /** What can still go wrong, in one sentence. */
  readonly sentence: string;
}

export function risk(category: RiskCategory, sentence: string): RemainingRisk {
  return { category, sentence };
}

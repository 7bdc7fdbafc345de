/** One measured variant of a benchmark. */
export interface BenchRow {
  /** What was measured, e.g. `nsjail profile` or `no seccomp`. */
  readonly variant: string;
  /** Median of the samples. */
  readonly median: number;
  /** Unit of `median`, e.g. `ns/syscall` or `ms`. */
  readonly unit: string;
  /** How many samples the median is of. */
  readonly samples: number;
  /** `median` divided by the baseline row's median, measured in the same run. */
  readonly ratio: number;
}

/** A benchmark: variants compared to a baseline measured in the same run. */
export interface BenchSuite {
  /** Name of the benchmark. */
  readonly name: string;
  /** The `variant` of the baseline row. */
  readonly baseline: string;
  /** Rows, the baseline first. */
  readonly rows: readonly BenchRow[];
  /** Anything a reader needs to interpret the numbers. */
  readonly notes?: string;
}

/** Median of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Build a suite from raw samples, the first variant being the baseline. */
export function suite(name: string, unit: string, variants: readonly { variant: string; samples: readonly number[] }[], notes?: string): BenchSuite {
  const base = median(variants[0].samples);
  return {
    name,
    baseline: variants[0].variant,
    rows: variants.map((v) => {
      const m = median(v.samples);
      return { variant: v.variant, median: m, unit, samples: v.samples.length, ratio: m / base };
    }),
    notes,
  };
}

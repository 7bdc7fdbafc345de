/**
 * How sure the kit is of a platform fact. Mirrors the tags of docs/platforms.md:
 * [V] read in a primary source, [O] observed in public issues or logs, [I] inferred.
 */
export type Confidence = 'verified' | 'observed' | 'assumed';

/** One platform fact with where it came from. Assumed facts are shown to users by `explain`. */
export interface Fact<T> {
  /** The fact itself. */
  readonly value: T;
  /** How sure the kit is. `assumed` facts are listed in every plan that relies on them. */
  readonly confidence: Confidence;
  /** Where the fact comes from: a document, a source file or a public issue. */
  readonly source: string;
  /** A short note shown next to the fact, when the value alone would mislead. */
  readonly note?: string;
}

export function verified<T>(value: T, source: string, note?: string): Fact<T> {
  return { value, confidence: 'verified', source, note };
}

export function observed<T>(value: T, source: string, note?: string): Fact<T> {
  return { value, confidence: 'observed', source, note };
}

export function assumed<T>(value: T, source: string, note?: string): Fact<T> {
  return { value, confidence: 'assumed', source, note };
}

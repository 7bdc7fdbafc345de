import { addressRange } from './address-math';

/** An IPv4 or IPv6 CIDR, parsed. */
export interface Cidr {
  /** Address family. */
  readonly family: 4 | 6;
  /** The address part, as written. */
  readonly address: string;
  /** Prefix length. */
  readonly prefix: number;
}

/**
 * The kit's one CIDR parser (address-math.ts `addressRange`): the address part is checked by
 * Node's own `net.isIP` (so IPv6 shorthand, embedded IPv4 and zero compression follow the
 * platform's rules), the prefix by the family's width, and host bits must be zero (`10.0.0.1/8`
 * is a typo, not a network). Undefined when the text is not a CIDR.
 */
export function parseCidr(text: string): Cidr | undefined {
  const range = addressRange(text);
  if (!range) return undefined;
  return { family: range.family, address: text.slice(0, text.lastIndexOf('/')), prefix: range.prefix };
}

/** Whether a text is an IPv4 or IPv6 CIDR (the schema's `cidr` format). */
export function isCidr(text: unknown): boolean {
  return typeof text === 'string' && parseCidr(text) !== undefined;
}

/** The schema's own formats, as ajv takes them (also required by the precompiled validators). */
export const SCHEMA_FORMATS = {
  cidr: { type: 'string' as const, validate: (s: string) => isCidr(s) },
};

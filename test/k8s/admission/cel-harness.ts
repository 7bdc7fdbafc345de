import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';

/**
 * Evaluates a ValidatingAdmissionPolicy's CEL (admissionregistration.k8s.io/v1) the way the API
 * server does, with a real CEL implementation (@bufbuild/cel): the match conditions first (all
 * must be true for the policy to apply), then every validation; an expression that errors counts
 * as a denial (the policies use failurePolicy: Fail). JSON integers become CEL ints, as the API
 * server's unstructured values do.
 */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function toCel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return v;
}

export interface PolicyJson {
  readonly spec: {
    readonly matchConditions?: readonly { readonly name: string; readonly expression: string }[];
    readonly validations: readonly { readonly expression: string; readonly message?: string }[];
  };
}

const env = celEnv();
const programs = new Map<string, (ctx: Record<string, unknown>) => unknown>();

/** A parsed and planned expression, compiled once per text (the tables evaluate each many times). */
function program(expression: string): (ctx: Record<string, unknown>) => unknown {
  let p = programs.get(expression);
  if (!p) {
    try {
      p = plan(env, parse(expression)) as unknown as (ctx: Record<string, unknown>) => unknown;
    } catch (e) {
      const message = (e as Error).message;
      p = () => ({ parseError: message });
    }
    programs.set(expression, p);
  }
  return p;
}

/** One expression's value on an object: true, false, or an error message. */
export function evaluate(expression: string, object: unknown, converted?: unknown): boolean | string {
  let r: unknown;
  try {
    r = program(expression)({ object: converted ?? toCel(object) });
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
  if (r && typeof r === 'object' && 'parseError' in r) return `error: ${(r as { parseError: string }).parseError}`;
  if (isCelError(r)) return `error: ${r.message}`;
  if (typeof r !== 'boolean') return `error: not a bool (${String(r)})`;
  return r;
}

export interface Verdict {
  /** Whether the match conditions select the object. */
  readonly matched: boolean;
  /** Messages of the validations that are false or error. */
  readonly denials: readonly string[];
  /** Expressions that errored (a policy bug when the object is well-formed). */
  readonly errors: readonly string[];
}

export function admit(policy: PolicyJson, object: unknown): Verdict {
  const converted = toCel(object);
  for (const m of policy.spec.matchConditions ?? []) {
    const r = evaluate(m.expression, object, converted);
    if (typeof r === 'string') return { matched: true, denials: [`match condition ${m.name}: ${r}`], errors: [r] };
    if (!r) return { matched: false, denials: [], errors: [] };
  }
  const denials: string[] = [];
  const errors: string[] = [];
  for (const v of policy.spec.validations) {
    const r = evaluate(v.expression, object, converted);
    if (r === true) continue;
    denials.push(v.message ?? v.expression);
    if (typeof r === 'string') errors.push(`${v.message}: ${r}`);
  }
  return { matched: true, denials, errors };
}

import { Addition } from './additions';
import { FIELDS, FieldType, TypeName } from './fields';

/** One CEL validation: true admits. */
export interface PinRule {
  /** CEL over `object`. */
  readonly expression: string;
  /** Why a pod is denied when it is false. */
  readonly message: string;
}

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** A CEL literal for a scalar or a list of scalars. */
export function celLiteral(v: Json): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`celLiteral: ${v} is not an integer (Kubernetes fields the policy pins are integers)`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(celLiteral).join(', ')}]`;
  throw new Error(`celLiteral: ${JSON.stringify(v)} is not a scalar or a list of scalars`);
}

/** A CEL field access: `.name` where the name is an identifier, else `['name']` (map keys). */
function access(expr: string, field: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? `${expr}.${field}` : `${expr}[${celLiteral(field)}]`;
}

/**
 * Rules that pin `value` at `expr` (of `type`) to `template`: every field of the type either
 * equals the template's, or (where the template leaves it unset) is absent or one of the values
 * others add (`additions`, matched by `path` with `[*]` for list items). Only `has`, `==`, `in`,
 * `size` and indexing are used: nothing that costs more than the object's size, and nothing
 * outside the CEL Kubernetes compiles (no map literals compared with typed objects, no macros
 * over maps). Messages name list items by index (`shown`, `path` with the indexes).
 */
export function pinObject(expr: string, type: TypeName, template: Record<string, Json>, path: string, additions: readonly Addition[], guard: string[] = [], shown: string = path): PinRule[] {
  const out: PinRule[] = [];
  const guarded = guard.join(' && ');
  const when = (cond: string) => (guard.length ? `!(${guarded}) || (${cond})` : cond);
  const need = (cond: string) => (guard.length ? `${guarded} && ${cond}` : cond);
  for (const [field, ft] of Object.entries(FIELDS[type])) {
    const fexpr = access(expr, field);
    const fpath = `${path}.${field}`;
    // In messages: list items by their index (`path` has `[*]`, as additions name them).
    const fshown = `${shown}.${field}`;
    const tv = template[field];
    const has = `has(${fexpr})`;
    if (tv === undefined) {
      const add = additions.find((a) => a.path === fpath);
      if (!add) {
        out.push({ expression: when(`!${has}`), message: `${fshown} must not be set` });
      } else if (add.values === 'any') {
        // Bounded elsewhere, or harmless (a RuntimeClass's overhead).
      } else if (add.values === 'empty-object') {
        if (typeof ft !== 'object' || !('object' in ft)) throw new Error(`${fpath}: an empty-object addition on a non-object field`);
        out.push(...pinObject(fexpr, ft.object, {}, fpath, additions, [...guard, has], fshown));
      } else {
        out.push({ expression: when(`!${has} || ${fexpr} in ${celLiteral(add.values as Json[])}`), message: `${fshown} must be unset or ${add.values.map((v) => JSON.stringify(v)).join(' or ')} (${add.by})` });
      }
      continue;
    }
    out.push(...pinValue(fexpr, ft, tv, fpath, fshown, additions, guard, need));
  }
  return out;
}

function pinValue(fexpr: string, ft: FieldType, tv: Json, fpath: string, fshown: string, additions: readonly Addition[], guard: string[], need: (c: string) => string): PinRule[] {
  const has = `has(${fexpr})`;
  if (ft === 'unmodeled') throw new Error(`the template sets ${fpath}, which the admission policy does not model: model it in src/k8s/admission/fields.ts`);
  if (ft === 'scalar') {
    if (tv === null || typeof tv === 'object') throw new Error(`${fpath}: ${JSON.stringify(tv)} is not a scalar`);
    return [{ expression: need(`${has} && ${fexpr} == ${celLiteral(tv)}`), message: `${fshown} must be ${JSON.stringify(tv)}` }];
  }
  if (ft === 'scalars') {
    if (!Array.isArray(tv)) throw new Error(`${fpath}: ${JSON.stringify(tv)} is not a list`);
    return [{ expression: need(`${has} && ${fexpr} == ${celLiteral(tv)}`), message: `${fshown} must be ${JSON.stringify(tv)}` }];
  }
  if (ft === 'map') {
    if (tv === null || typeof tv !== 'object' || Array.isArray(tv)) throw new Error(`${fpath}: ${JSON.stringify(tv)} is not a map`);
    const entries = Object.entries(tv);
    const conds = [`${has}`, `size(${fexpr}) == ${entries.length}`, ...entries.map(([k, v]) => `${celLiteral(k)} in ${fexpr} && ${fexpr}[${celLiteral(k)}] == ${celLiteral(v as Json)}`)];
    return [{ expression: need(conds.join(' && ')), message: `${fshown} must be exactly ${JSON.stringify(tv)}` }];
  }
  if ('object' in ft) {
    if (tv === null || typeof tv !== 'object' || Array.isArray(tv)) throw new Error(`${fpath}: ${JSON.stringify(tv)} is not an object`);
    return [
      { expression: need(has), message: `${fshown} must be set` },
      ...pinObject(fexpr, ft.object, tv, fpath, additions, [...guard, has], fshown),
    ];
  }
  if (!Array.isArray(tv)) throw new Error(`${fpath}: ${JSON.stringify(tv)} is not a list`);
  const out: PinRule[] = [{ expression: need(`${has} && size(${fexpr}) == ${tv.length}`), message: `${fshown} must have exactly ${tv.length} item${tv.length === 1 ? '' : 's'}` }];
  tv.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${fpath}[${i}] is not an object`);
    out.push(...pinObject(`${fexpr}[${i}]`, ft.list, item, `${fpath}[*]`, additions, [...guard, has, `size(${fexpr}) > ${i}`], `${fshown}[${i}]`));
  });
  return out;
}

/**
 * Tolerations: exactly the template's, optionally followed by the ones an admission plugin
 * appends (DefaultTolerationSeconds), each pinned field by field.
 */
export function pinTolerationsWithAppended(expr: string, template: readonly Record<string, Json>[], appended: readonly Record<string, Json>[], path: string): PinRule[] {
  const has = `has(${expr})`;
  const n = template.length;
  const m = n + appended.length;
  const out: PinRule[] = [{
    expression: n === 0 ? `!${has} || size(${expr}) == 0 || size(${expr}) == ${m}` : `${has} && (size(${expr}) == ${n} || size(${expr}) == ${m})`,
    message: `${path} must be the template's ${n} toleration${n === 1 ? '' : 's'}${appended.length ? `, optionally followed by the ${appended.length} DefaultTolerationSeconds adds` : ''}`,
  }];
  const all = [...template, ...appended];
  all.forEach((t, i) => {
    // An implication, not a conjunction: the appended items may be absent (the size rule above
    // says how many there are), and when present each must equal its template.
    const present = `${has} && size(${expr}) > ${i}`;
    out.push(...pinObject(`${expr}[${i}]`, 'Toleration', t, `${path}[${i}]`, []).map((r) => ({ ...r, expression: `!(${present}) || (${r.expression})` })));
  });
  return out;
}

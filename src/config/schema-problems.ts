import { ErrorObject } from 'ajv';
import { ConfigProblem } from '../policy/errors';
import { SchemaNode, schemaDefinitions } from './schema';

/** `/services/code-executor/resources/requests/cpu` → `services.code-executor.resources.requests.cpu`; `/tolerations/0/key` → `tolerations[0].key`. */
export function fieldOf(prefix: string, instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = prefix;
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : `${out ? '.' : ''}${p}`;
  return out || '(root)';
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n?.$ref && i < 10; i++) n = schemaDefinitions()[n.$ref.replace('#/definitions/', '')];
  return n;
}

/** Every literal value a schema node admits (enum, const, unions of them), or undefined if it is not a closed set. */
function allowedValues(node: SchemaNode | undefined): unknown[] | undefined {
  const n = resolve(node);
  if (!n) return undefined;
  if (n.enum) return [...n.enum];
  if ('const' in n && n.const !== undefined) return [n.const];
  const branches = n.anyOf ?? n.oneOf;
  if (branches) {
    const all = branches.map(allowedValues);
    return all.every((a) => a !== undefined) ? all.flat() as unknown[] : undefined;
  }
  return undefined;
}

function list(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** The schema's own suggestions for a node: its examples, else its default. */
function examplesOf(node: SchemaNode | undefined, outer?: SchemaNode): string[] {
  for (const n of [outer, node, resolve(node)]) {
    if (n?.examples?.length) return n.examples.map((e) => JSON.stringify(e));
  }
  for (const n of [outer, node, resolve(node)]) {
    if (n && n.default !== undefined) return [JSON.stringify(n.default)];
  }
  // A list: one made of its items' examples.
  const items = resolve(node)?.items;
  if (items) {
    const one = examplesOf(items);
    if (one.length) return [`[${one.join(', ')}]`];
  }
  return [];
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** The schema node of a property of an object node (for `required` and `additionalProperties`). */
function property(parent: SchemaNode | undefined, name: string): SchemaNode | undefined {
  return resolve(parent)?.properties?.[name];
}

/**
 * ajv's errors as ConfigProblems: the field in the file's own terms, what is wrong, and what would
 * work, read from the schema (the allowed values, the known fields, the JSDoc @example). A union
 * that fails in every branch is one problem, not one per branch.
 */
export function schemaProblems(errors: readonly ErrorObject[], prefix: string): ConfigProblem[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  // A union's branches fail at the same place (through $refs, so their schema paths differ): the union speaks for them.
  const inUnion = (e: ErrorObject) => unions.some((u) => u !== e && e.instancePath === u.instancePath);
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string, alternatives: string[]) => {
    const key = `${field}\u0000${message}`;
    if (!seen.has(key)) out.push({ field, message, alternatives });
    seen.add(key);
  };
  for (const e of errors) {
    if (inUnion(e)) continue;
    const node = e.parentSchema as SchemaNode | undefined;
    const field = fieldOf(prefix, e.instancePath);
    const data = e.data;
    switch (e.keyword) {
      case 'additionalProperties': {
        const name = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys(resolve(node)?.properties ?? {}).filter((k) => k !== '$comment');
        const close = known.filter((k) => distance(k, name) <= Math.max(2, Math.floor(name.length / 3))).sort((a, b) => distance(a, name) - distance(b, name));
        add(fieldOf(prefix, e.instancePath, name), `unknown field "${name}"`, [
          ...close.map((k) => `"${k}"`),
          ...(known.length && !close.length ? [`one of ${list(known)}`] : []),
          ...(!known.length ? ['remove it: this object takes no such keys'] : []),
        ]);
        break;
      }
      case 'required': {
        const name = String((e.params as { missingProperty: string }).missingProperty);
        add(fieldOf(prefix, e.instancePath, name), 'is required', examplesOf(property(node, name)));
        break;
      }
      case 'enum':
      case 'const':
      case 'anyOf':
      case 'oneOf': {
        const allowed = allowedValues(node);
        if (allowed) add(field, `${JSON.stringify(data)} is not a value this field takes`, [`one of ${list(allowed)}`]);
        else add(field, `${JSON.stringify(data)} matches none of the forms this field takes`, examplesOf(node));
        break;
      }
      case 'type': {
        const want = String((e.params as { type: string }).type).split(',').join(' or ');
        add(field, `must be ${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want === 'array' ? 'list' : want}, not ${typeName(data)}`, examplesOf(node));
        break;
      }
      case 'pattern':
      case 'format':
        add(field, `${JSON.stringify(data)} ${node?.mismatch ?? `does not have the form this field takes (${e.message})`}`, examplesOf(node));
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const { comparison, limit } = e.params as { comparison: string; limit: number };
        add(field, `${JSON.stringify(data)} is out of range: it must be ${comparison} ${limit}`, [String(limit)]);
        break;
      }
      case 'minItems':
        add(field, `must list at least ${(e.params as { limit: number }).limit} ${(e.params as { limit: number }).limit === 1 ? 'entry' : 'entries'}`, examplesOf(node));
        break;
      case 'uniqueItems': {
        const { i, j } = e.params as { i: number; j: number };
        add(field, `lists ${JSON.stringify((data as unknown[])[j])} twice (entries ${j} and ${i})`, ['each entry once']);
        break;
      }
      default:
        add(field, e.message ?? `fails the schema's ${e.keyword} rule`, examplesOf(node));
    }
  }
  return out;
}

import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isCidr } from '../policy/cidr';

/**
 * The JSON Schema of the kit file, generated from the config types by `npm run build`
 * (scripts/generate-schema.js) and shipped with the package. From src/config (tests) and
 * lib/config (the package) it is two directories up.
 */
export const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'sandbox-kit.schema.json');

/** The definitions the kit validates on their own. */
export type SchemaDefinition = 'KitFile' | 'SandboxKitConfig' | 'KubernetesRendererOptions' | 'AwsRendererOptions';

/** A JSON Schema node, as far as the error text reads it. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly examples?: readonly unknown[];
  readonly default?: unknown;
  readonly description?: string;
  /** What is wrong when a value does not match `pattern` or `format` (JSDoc `@mismatch`). */
  readonly mismatch?: string;
}

let loaded: { readonly schema: { readonly definitions: Readonly<Record<string, SchemaNode>> }; readonly ajv: Ajv } | undefined;
const validators = new Map<SchemaDefinition, ValidateFunction>();

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  if (!fs.existsSync(SCHEMA_FILE)) throw new Error(`${SCHEMA_FILE} is missing: run npm run build, which generates it from the config types`);
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  // allErrors: one run reports every problem. verbose: errors carry the schema node that failed,
  // which holds the examples and the @mismatch text.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'mismatch', schemaType: 'string' });
  ajv.addFormat('cidr', { type: 'string', validate: (s: string) => isCidr(s) });
  ajv.addSchema(schema, 'kit');
  loaded = { schema, ajv };
  return loaded;
}

/** The schema's definitions (for error texts that list what a field takes). */
export function schemaDefinitions(): Readonly<Record<string, SchemaNode>> {
  return load().schema.definitions;
}

/** Validate a value against one definition; the ajv errors, empty when it conforms. */
export function schemaErrors(definition: SchemaDefinition, value: unknown): ErrorObject[] {
  let validate = validators.get(definition);
  if (!validate) {
    const found = load().ajv.getSchema(`kit#/definitions/${definition}`);
    if (!found) throw new Error(`${SCHEMA_FILE} has no definition ${definition}: run npm run build`);
    validate = found;
    validators.set(definition, validate);
  }
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

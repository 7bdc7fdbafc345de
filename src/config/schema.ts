import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SCHEMA_FORMATS } from '../policy/cidr';

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

/** The definitions the kit validates on their own: the ones scripts/generate-schema.js precompiles. */
export const SCHEMA_DEFINITIONS: readonly SchemaDefinition[] = ['KitFile', 'SandboxKitConfig', 'KubernetesRendererOptions', 'AwsRendererOptions'];

/**
 * The options every validator of the kit is compiled with. allErrors: one run reports every
 * problem. verbose: errors carry the schema node that failed, which holds the examples and the
 * @mismatch text.
 */
export function kitAjv(extra: Partial<ConstructorParameters<typeof Ajv>[0]> = {}): Ajv {
  // Loaded here, not at the top: the precompiled validators need only ajv's small runtime.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  const ajv = new AjvClass({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, ...extra });
  ajv.addKeyword({ keyword: 'mismatch', schemaType: 'string' });
  ajv.addFormat('cidr', SCHEMA_FORMATS.cidr);
  return ajv;
}

let schema: { readonly definitions: Readonly<Record<string, SchemaNode>> } | undefined;
let ajv: Ajv | undefined;
const validators = new Map<SchemaDefinition, ValidateFunction>();

function loadSchema(): NonNullable<typeof schema> {
  if (!schema) {
    if (!fs.existsSync(SCHEMA_FILE)) throw new Error(`${SCHEMA_FILE} is missing: run npm run build, which generates it from the config types`);
    schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as NonNullable<typeof schema>;
  }
  return schema;
}

/**
 * The validator of one definition. `npm run build` precompiles them (ajv standalone code,
 * lib/config/schema-validators.js), which spares every CLI run the compilation; without it (tests
 * running src/), ajv compiles the committed schema here.
 */
function validator(definition: SchemaDefinition): ValidateFunction {
  let v = validators.get(definition);
  if (v) return v;
  // lib/config/ from any directory of lib/ (the bundled cdk8s app lives in lib/apps/).
  const precompiled = path.resolve(__dirname, '..', 'config', 'schema-validators.js');
  if (fs.existsSync(precompiled) && fs.statSync(precompiled).mtimeMs >= fs.statSync(SCHEMA_FILE).mtimeMs) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    v = (require(precompiled) as Record<string, ValidateFunction>)[definition];
  }
  if (!v) {
    if (!ajv) {
      ajv = kitAjv();
      ajv.addSchema(loadSchema(), 'kit');
    }
    v = ajv.getSchema(`kit#/definitions/${definition}`);
    if (!v) throw new Error(`${SCHEMA_FILE} has no definition ${definition}: run npm run build`);
  }
  validators.set(definition, v);
  return v;
}

/** The schema's definitions (for error texts that list what a field takes). */
export function schemaDefinitions(): Readonly<Record<string, SchemaNode>> {
  return loadSchema().definitions;
}

/** Validate a value against one definition; the ajv errors, empty when it conforms. */
export function schemaErrors(definition: SchemaDefinition, value: unknown): ErrorObject[] {
  const validate = validator(definition);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

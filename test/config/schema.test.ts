import * as fs from 'fs';
import * as path from 'path';
import { checkConfig } from '../../src';
import { SCHEMA_FILE } from '../../src/config/schema';

const ROOT = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(ROOT, 'scripts', 'generate-schema.js')) as { text(): string };

interface Node { [k: string]: unknown }
function walk(node: unknown, visit: (n: Node, at: string) => void, at = '#'): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${at}/${i}`));
  else if (node && typeof node === 'object') {
    visit(node as Node, at);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${at}/${k}`);
  }
}

const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));

test('the committed schema is what the config types generate (npm run build regenerates it; commit the result)', () => {
  expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(generator.text());
}, 60000);

test('every field is documented, and no behaviour default leaks into `default`', () => {
  const undocumented: string[] = [];
  walk(schema.definitions, (n, at) => {
    for (const [name, prop] of Object.entries((n.properties ?? {}) as Record<string, Node>)) {
      if (typeof prop.description !== 'string' || prop.description.length < 3) undocumented.push(`${at}/${name}`);
    }
    if (typeof n.default === 'string' && n.default.startsWith('-')) undocumented.push(`${at}: default "${n.default}"`);
  });
  expect(undocumented).toEqual([]);
});

test('objects are closed (a misspelt field is an error) and take a $comment', () => {
  const open: string[] = [];
  walk(schema.definitions, (n, at) => {
    if (n.type === 'object' && n.properties && n.additionalProperties !== false) open.push(at);
  });
  expect(open).toEqual([]);
  expect(checkConfig({ target: 'eks', retoolVersion: '3.334.0-stable', $comment: 'why', services: { 'js-executor': { $comment: 'why', enabled: false } } })).toEqual([]);
});

test('the root is the kit file, and its definitions include what the library validates on its own', () => {
  expect(schema.$ref).toBe('#/definitions/KitFile');
  for (const d of ['KitFile', 'SandboxKitConfig', 'KubernetesRendererOptions', 'AwsRendererOptions']) expect(schema.definitions[d]).toBeDefined();
});

test('what the schema says is what the types say: a sample of constraints from JSDoc', () => {
  const d = schema.definitions;
  expect(d.ServiceOptions.properties.replicas).toMatchObject({ type: 'integer', minimum: 1, default: 2 });
  expect(d.KubernetesVersion.pattern).toBeDefined();
  expect(d.Cidr.format).toBe('cidr');
  expect(d.SandboxKitConfig.properties.architectures).toMatchObject({ minItems: 1, uniqueItems: true });
  // `@default -` prose ends up in the description.
  expect(d.ServiceOptions.properties.image.default).toBeUndefined();
  expect(d.ServiceOptions.properties.image.description).toMatch(/Default: Retool's image of the service at `retoolVersion`\./);
});

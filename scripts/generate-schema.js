#!/usr/bin/env node
/**
 * Generates sandbox-kit.schema.json, the JSON Schema of the kit file, from the TypeScript config
 * types (src/config/kit-file.ts and the types it references): `npm run build` runs it after tsc,
 * so a field added to those types is checked and offered by editors with no other change.
 * JSDoc carries what TypeScript cannot say: @pattern, @format, @minimum, @asType integer,
 * @example (the "what would work" of an error) and @mismatch (what is wrong when a @pattern or
 * @format does not match). `@default -` marks a default that is behaviour, not a literal: it goes
 * into the description instead of the schema's `default`.
 *
 *   node scripts/generate-schema.js           write the file
 *   node scripts/generate-schema.js --check   exit 1 when the file differs from the types
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** The committed schema, next to the kit file that names it in `$schema`. */
const SCHEMA_FILE = path.join(ROOT, 'sandbox-kit.schema.json');
/** Types with a definition of their own: the file, and the objects the library validates alone. */
const ROOTS = [
  ['src/config/kit-file.ts', 'KitFile'],
  ['src/policy/config.ts', 'SandboxKitConfig'],
  ['src/k8s/options.ts', 'KubernetesRendererOptions'],
  ['src/aws/options.ts', 'AwsRendererOptions'],
];

function walk(node, visit) {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

/** Deterministic key order, so the committed file only changes when the types do. */
function sorted(node) {
  if (Array.isArray(node)) return node.map(sorted);
  if (!node || typeof node !== 'object') return node;
  const first = ['$schema', '$id', '$ref', 'title', 'description', 'type'];
  const keys = Object.keys(node).sort((a, b) => {
    const ia = first.indexOf(a); const ib = first.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((k) => [k, k === 'properties' || k === 'definitions' ? sortedMap(node[k]) : sorted(node[k])]));
}
function sortedMap(map) {
  // Property order is the types' declaration order (editors list them so): keep it.
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, sorted(v)]));
}

function generate() {
  const { createGenerator } = require('ts-json-schema-generator');
  const generator = createGenerator({
    path: path.join(ROOT, `src/{${ROOTS.map(([f]) => f.slice(4, -3)).join(',')}}.ts`),
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    jsDoc: 'extended',
    extraTags: ['mismatch'],
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    topRef: true,
  });
  const definitions = {};
  for (const [, type] of ROOTS) Object.assign(definitions, generator.createSchema(type).definitions);
  walk(definitions, (s) => {
    // `@default - prose`: behaviour, not a value.
    if (typeof s.default === 'string' && /^-(\s|$)/.test(s.default)) {
      const prose = s.default.replace(/^-\s*/, '');
      delete s.default;
      if (prose) s.description = `${s.description ? `${s.description} ` : ''}Default: ${prose}.`.replace(/\.\.$/, '.');
    }
    // Keys of mapped types (services, overrides, per-architecture maps) carry no JSDoc of their own:
    // name the key and say what its value is, so editors show something useful.
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      if (prop.description) continue;
      const ref = prop.$ref && definitions[prop.$ref.replace('#/definitions/', '')];
      const what = (ref && ref.description) || s.description || '';
      prop.description = `${key}: ${what}`.trim();
    }
    // JSON has no comments: every object takes a `$comment` the kit ignores.
    if (s.type === 'object' && s.additionalProperties === false && s.properties && !s.properties.$comment) {
      s.properties = { $comment: { type: 'string', description: 'A note for readers; the kit ignores it.' }, ...s.properties };
    }
  });
  return sorted({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/sandbox-kit/sandbox-kit/sandbox-kit.schema.json',
    $ref: '#/definitions/KitFile',
    title: 'sandbox-kit kit file',
    description: 'Generated from the TypeScript config types by scripts/generate-schema.js (npm run build); do not edit.',
    definitions,
  });
}

function text() {
  return `${JSON.stringify(generate(), null, 2)}\n`;
}

/**
 * The validators of the definitions the kit checks on their own, as ajv standalone code, next to
 * the compiled src/config/schema.js: every CLI run would otherwise compile the schema first.
 */
function writeValidators(schemaText) {
  const { kitAjv, SCHEMA_DEFINITIONS } = require(path.join(ROOT, 'lib', 'config', 'schema.js'));
  const { _ } = require('ajv');
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajv = kitAjv({ code: { source: true, formats: _`require("../policy/cidr").SCHEMA_FORMATS` } });
  ajv.addSchema(JSON.parse(schemaText), 'kit');
  const refs = Object.fromEntries(SCHEMA_DEFINITIONS.map((d) => [d, `kit#/definitions/${d}`]));
  fs.writeFileSync(path.join(ROOT, 'lib', 'config', 'schema-validators.js'), `/* Generated by scripts/generate-schema.js from sandbox-kit.schema.json. */\n${standaloneCode(ajv, refs)}\n`);
}

module.exports = { generate, text, SCHEMA_FILE };

if (require.main === module) {
  const wanted = text();
  const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error('sandbox-kit.schema.json differs from the config types: run npm run build and commit it');
      process.exit(1);
    }
  } else {
    if (current !== wanted) {
      fs.writeFileSync(SCHEMA_FILE, wanted);
      console.error('sandbox-kit.schema.json: regenerated from the config types');
    }
    // After tsc (npm run build): the compiled schema module is there to compile with.
    if (fs.existsSync(path.join(ROOT, 'lib', 'config', 'schema.js'))) writeValidators(wanted);
  }
}

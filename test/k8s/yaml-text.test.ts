import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { manifestYaml, yamlDocumentWriter } from '../../src/k8s/yaml-text';
import { AUTOPILOT_KIT_FILE, FARGATE_KIT_FILE, KIT_FILE, REPO, renderKitFile } from './helpers';

// The oracle is cdk8s's own Yaml.stringify: the writer must give the same bytes for every input,
// writing it itself or handing it over.

test('every object the example kit files render is written byte for byte as cdk8s writes it', () => {
  const files = [KIT_FILE, FARGATE_KIT_FILE, AUTOPILOT_KIT_FILE, ...fs.readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.config.json')).map((f) => path.join(REPO, 'examples', f))];
  const objects = [...new Set(files)].flatMap((f) => Object.values(renderKitFile(f)).flatMap((r) => r.objects));
  const kinds = new Set(objects.map((o) => o.kind));
  // The kinds whose text is hardest: block scalars (ConfigMaps), quoted CEL (admission policies).
  expect([...kinds]).toEqual(expect.arrayContaining(['ConfigMap', 'ValidatingAdmissionPolicy', 'NetworkPolicy', 'Deployment', 'DaemonSet']));
  const write = yamlDocumentWriter();
  const mismatched = objects.filter((o) => write(o) !== Yaml.stringify(o)).map((o) => `${o.kind}/${o.metadata?.name}`);
  expect(mismatched).toEqual([]);
  expect(manifestYaml(objects.slice(0, 5))).toBe(Yaml.stringify(...objects.slice(0, 5)));
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings YAML 1.1 reads as something else, indicators, multi-line text, escapes. */
const STRINGS = [
  '', ' ', 'a', 'plain text', 'yes', 'No', 'ON', 'off', 'y', 'n', 'Y', 'YES', 'On', 'Off', 'NULL', 'TRUE', 'e5', 'E10', 'e', '~', 'null', 'Null', 'true',
  'False', '0', '12', '-7', '1.5', '1e3', '.5',
  '0x1F', '0o17', '017', '0b101', '1_000', '12:30:45', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '.NaN', '<<', '=',
  '-', '?', ':', '- a', '? a', 'a: b', 'a:b', 'a:', 'http://x:80/y', '#c', 'a #c', 'a#c', '&a', '*a', '!t', '|', '>', '\'q\'', '"q"', 'it\'s', 'say "hi"',
  'both \' and "', '%x', '@x', '`x`', '[a]', '{a}', 'a, b', ',', 'trailing ', ' leading', 'tab\tin', '\t', 'a\nb', 'line\n', 'line\n\n', '\nlead',
  'a\n\nb', ' a\nb', 'a\n b', 'a \nb', '#!/bin/sh\nset -eu\necho "x: y"\n', '---', '--- a', '...', 'a\n---\nb', 'a\n...\n', 'ctl\u0001', 'del\u007f',
  'nel\u0085', 'ls\u2028', 'é ü 中文', '\ud83d\ude00', 'has(object.spec) && object.spec.x in [\'a\', "b"]', '!has(object.spec.y)', 'x'.repeat(1100),
  'k'.repeat(30), 'sandbox-kit.io/profile', 'app.kubernetes.io/name', '{"kind": "Job"}', '0.0.0.0/0', '169.254.169.254/32', '::1/128', 'fe80::/10',
];
const INTEGERS = [0, 1, -1, 42, 65535, 2 ** 53 - 1, -(2 ** 53 - 1)];
/** Values the writer hands to Yaml.stringify with their whole document. */
const HANDED_OVER = [2 ** 53, 1.5, -0.25, -0, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, undefined, new Date(0), '<<'];

const pick = <T>(rnd: () => number, from: readonly T[]): T => from[Math.floor(rnd() * from.length)];

/** A random value; with `handOver`, one leaf in twenty is a value the writer hands over. */
function value(rnd: () => number, depth: number, handOver: boolean): unknown {
  const r = rnd();
  if (depth > 0 && r < 0.3) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth - 1, handOver));
  if (depth > 0 && r < 0.6) return map(rnd, depth - 1, handOver);
  const s = rnd();
  if (handOver && s < 0.05) return pick(rnd, HANDED_OVER);
  if (s < 0.6) return pick(rnd, STRINGS);
  if (s < 0.8) return pick(rnd, INTEGERS);
  return s < 0.9 ? rnd() < 0.5 : null;
}

function map(rnd: () => number, depth: number, handOver: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 5); i > 0; i--) out[pick(rnd, STRINGS)] = value(rnd, depth, handOver);
  return out;
}

test('random documents of awkward strings, numbers and nesting: the same bytes as cdk8s writes', () => {
  const rnd = random(13);
  const write = yamlDocumentWriter();
  const docs = [...Array.from({ length: 3000 }, () => map(rnd, 4, false)), ...Array.from({ length: 1000 }, () => map(rnd, 4, true))];
  const mismatched = docs.filter((d) => write(d) !== Yaml.stringify(d));
  expect(mismatched.slice(0, 3)).toEqual([]);
  // Each string as a key, as a value in a map and in a sequence, at several depths.
  const placed = [...STRINGS, ...HANDED_OVER].flatMap((s) => [{ [String(s)]: 1 }, { a: s }, { a: [s] }, { a: { b: [{ c: s, [String(s)]: [s] }] } }, { a: [[s, { d: s }]] }]);
  expect(placed.filter((d) => write(d) !== Yaml.stringify(d)).slice(0, 3)).toEqual([]);
});

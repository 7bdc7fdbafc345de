import * as fs from 'fs';
import * as path from 'path';
import { FIELDS, TypeName } from '../../../src/k8s/admission/fields';

/**
 * The admission policy's field table is complete for the Kubernetes version kubernetes-models
 * carries: every field of every type it walks is listed (a field missing from the table would
 * go unchecked). Types whose fields the table merges (Profile for both seccomp and AppArmor
 * profiles, KeySelector for both key selectors) are checked against each source type.
 */
const MODELS = path.dirname(require.resolve('kubernetes-models/package.json'));
const SOURCES: Partial<Record<TypeName, string[]>> = {
  Profile: ['v1/SeccompProfile', 'v1/AppArmorProfile'],
  KeySelector: ['v1/SecretKeySelector', 'v1/ConfigMapKeySelector'],
  NameOptional: ['v1/ConfigMapEnvSource', 'v1/SecretEnvSource'],
  SelectorRequirement: ['v1/NodeSelectorRequirement'],
  LabelSelector: ['@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector'],
  JobSpec: ['batch/v1/JobSpec'],
};

function fieldsOf(source: string): string[] {
  const file = source.startsWith('@') ? path.join(path.dirname(require.resolve('@kubernetes-models/apimachinery/package.json')), `${source.split('/').slice(2).join('/')}.d.ts`) : path.join(MODELS, `${source}.d.ts`);
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf('interface I');
  const body = text.slice(start, text.indexOf('\n}', start));
  // Top-level members only (two spaces), not the keys of nested object types.
  return [...new Set([...body.matchAll(/^ {4}"?([A-Za-z$]+)"?\??:/gm)].map((m) => m[1]))].sort();
}

test('the reading is not vacuous: PodSpec has its many fields, and a field the table lacks would show', () => {
  expect(fieldsOf('v1/PodSpec')).toEqual(expect.arrayContaining(['hostPID', 'nodeName', 'priorityClassName', 'volumes']));
  expect(fieldsOf('v1/PodSpec').length).toBeGreaterThan(35);
});

test.each(Object.keys(FIELDS) as TypeName[])('%s lists every field of its Kubernetes type', (type) => {
  for (const source of SOURCES[type] ?? [`v1/${type}`]) {
    const listed = Object.keys(FIELDS[type]).sort();
    const actual = fieldsOf(source);
    expect(actual.length).toBeGreaterThan(0);
    expect([source, actual.filter((f) => !listed.includes(f))]).toEqual([source, []]);
  }
});

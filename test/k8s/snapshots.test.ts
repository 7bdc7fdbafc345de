import { createHash } from 'crypto';
import { Yaml } from 'cdk8s';
import { KubeObject } from '../../src/k8s/manifest';
import { AUTOPILOT_KIT_FILE, FARGATE_KIT_FILE, KIT_FILE, renderKitFile } from './helpers';

/**
 * One snapshot per target. Profile files in the installer ConfigMap are replaced by their
 * sha256 (their bytes are checked against profiles/ in profiles.test.ts), so the snapshot
 * stays readable for review.
 */
function reviewable(objects: readonly KubeObject[]): string {
  const docs = objects.map((o) => {
    if (o.kind !== 'ConfigMap' || o.metadata?.name !== 'seccomp-profiles') return o;
    const data = o.data as Record<string, string>;
    return { ...o, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, `<${v.length} bytes, sha256 ${createHash('sha256').update(v).digest('hex')}>`])) };
  });
  return Yaml.stringify(...docs);
}

const rendered = { ...renderKitFile(KIT_FILE), ...renderKitFile(FARGATE_KIT_FILE), ...renderKitFile(AUTOPILOT_KIT_FILE) };

test('the default kit file renders the three default targets, the examples eks-fargate and gke-autopilot', () => {
  expect(Object.keys(rendered).sort()).toEqual(['eks', 'eks-fargate', 'gke-autopilot', 'gke-standard', 'kubernetes']);
});

describe.each(['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'eks-fargate'])('%s', (target) => {
  test('manifest snapshot (reviewed)', () => {
    expect(reviewable(rendered[target].objects)).toMatchSnapshot();
  });
});

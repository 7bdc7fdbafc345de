import { createHash } from 'crypto';
import { Yaml } from 'cdk8s';
import { templateImage } from '../../src/k8s/agent-sandbox-job';
import { MODE_ANNOTATION, TRUST_LABEL } from '../../src/k8s/labels';
import { KubeObject, podsOf } from '../../src/k8s/manifest';
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

// Focused assertions beside the snapshots: what a reviewer checks first, tied to the plan.
describe.each(['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'eks-fargate'])('%s: the manifest says what the plan decided', (target) => {
  const { plan, objects } = rendered[target];
  const pods = podsOf(objects);

  test('each service\'s user-code pods carry the plan\'s mode, image and runtime class', () => {
    for (const s of plan.services) {
      // The agent sandbox's Job template leaves the tag to its controller (__IMAGE_TAG__).
      const image = s.service === 'agent-sandbox' ? templateImage(s.image) : s.image;
      const userCode = pods.filter((p) => p.metadata.annotations?.[MODE_ANNOTATION] !== undefined && p.spec.containers.some((c) => c.image === image));
      expect([s.service, userCode.length > 0]).toEqual([s.service, true]);
      for (const p of userCode) {
        expect([s.service, p.metadata.annotations![MODE_ANNOTATION]]).toEqual([s.service, s.mode]);
        expect([s.service, p.spec.runtimeClassName]).toEqual([s.service, s.sandbox.runtimeClassName]);
      }
    }
  });

  test('each user-code namespace enforces the level its plan states, and warns and audits at restricted', () => {
    const levels = new Set(plan.services.map((s) => s.podSecurityLevel));
    const userNamespaces = objects.filter((o) => o.kind === 'Namespace' && o.metadata?.labels?.[TRUST_LABEL] === 'user-code');
    expect(userNamespaces.length).toBeGreaterThan(0);
    for (const ns of userNamespaces) {
      expect(levels).toContain(ns.metadata!.labels!['pod-security.kubernetes.io/enforce']);
      expect(ns.metadata!.labels!['pod-security.kubernetes.io/warn']).toBe('restricted');
      expect(ns.metadata!.labels!['pod-security.kubernetes.io/audit']).toBe('restricted');
    }
  });

  test('every namespace the chart renders has a default-deny policy', () => {
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
      expect(objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === ns.metadata?.name && o.metadata?.name === 'default-deny')).toBe(true);
    }
  });
});

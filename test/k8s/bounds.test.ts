import { allContainers, podsOf } from '../../src/k8s/manifest';
import { parseMemory } from '../../src/policy/quantity';
import { FARGATE_KIT_FILE, KIT_FILE, Rendered, render, renderKitFile } from './helpers';

/**
 * Bounds on every pod the kit renders (Deployments, DaemonSets, the agent sandbox's template):
 * no emptyDir without a sizeLimit, no container without an ephemeral-storage limit, so no pod can
 * fill a node's disk.
 */
const rendered: Record<string, Rendered> = { ...renderKitFile(KIT_FILE), ...renderKitFile(FARGATE_KIT_FILE), 'gke-standard-spo': render({ target: 'kubernetes', retoolVersion: '3.334.0-stable', architectures: ['amd64'], profileDelivery: 'security-profiles-operator' }) };

describe.each(Object.keys(rendered))('%s', (name) => {
  const pods = podsOf(rendered[name].objects);
  test('has pods to check', () => expect(pods.length).toBeGreaterThan(0));

  test('every emptyDir has a sizeLimit', () => {
    for (const p of pods) {
      for (const v of p.spec.volumes ?? []) {
        const emptyDir = (v as { emptyDir?: { sizeLimit?: string } }).emptyDir;
        if (emptyDir) expect([p.source, v.name, emptyDir.sizeLimit !== undefined && parseMemory(String(emptyDir.sizeLimit))! > 0]).toEqual([p.source, v.name, true]);
      }
    }
  });

  test('every container, init containers included, has an ephemeral-storage request and limit that hold its scratch volumes', () => {
    for (const p of pods) {
      const scratch = new Map((p.spec.volumes ?? []).map((v) => [v.name, (v as { emptyDir?: { sizeLimit?: string; medium?: string } }).emptyDir]));
      for (const c of allContainers(p.spec)) {
        const r = (c as { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }).resources;
        const limit = parseMemory(String(r?.limits?.['ephemeral-storage']));
        expect([p.source, c.name, limit !== undefined && limit > 0, r?.requests?.['ephemeral-storage'] !== undefined]).toEqual([p.source, c.name, true, true]);
        const disk = (c.volumeMounts ?? []).map((m) => scratch.get(m.name)).filter((e) => e && e.medium !== 'Memory')
          .reduce((n, e) => n + parseMemory(String(e!.sizeLimit))!, 0);
        expect([p.source, c.name, limit! >= disk]).toEqual([p.source, c.name, true]);
      }
    }
  });
});

test('scratchSize sets the emptyDir and the container limit follows (scratch + 512Mi)', () => {
  const { objects } = render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { scratchSize: '4Gi' } } });
  const pod = podsOf(objects).find((p) => p.source.includes('js-executor') && p.ownerKind === 'Deployment')!;
  expect(pod.spec.volumes!.map((v) => (v as { emptyDir?: { sizeLimit?: string } }).emptyDir?.sizeLimit)).toEqual(['4Gi']);
  expect(pod.spec.containers[0].resources!.limits!['ephemeral-storage']).toBe('4608Mi');
});

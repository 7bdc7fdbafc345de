import { DEFAULT_DEVICE_PLUGIN_IMAGE } from '../../src/k8s/agent-sandbox-options';
import { allContainers, podsOf } from '../../src/k8s/manifest';
import { mirrorImage, parseImage } from '../../src/policy/images';
import { plan } from '../../src/policy/planner';
import { render } from './helpers';

const RELEASE = '3.334.0-stable';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('images: one release, optional digests, a mirror and pull secrets for every pod', () => {
  test('Retool\'s images carry the release (a service may name its own) and the digest when given', () => {
    const p = plan({ target: 'eks', retoolVersion: RELEASE, services: { 'js-executor': { retoolVersion: '3.335.1-stable', imageDigest: DIGEST } } });
    const by = Object.fromEntries(p.services.map((s) => [s.service, s]));
    expect(by['code-executor'].image).toBe(`tryretool/code-executor-service:${RELEASE}`);
    expect(by['code-executor'].release).toBe(RELEASE);
    expect(by['js-executor'].image).toBe(`tryretool/js-executor-service:3.335.1-stable@${DIGEST}`);
    expect(by['js-executor'].imageParts).toEqual({ repository: 'tryretool/js-executor-service', tag: '3.335.1-stable', digest: DIGEST });
    expect(by['agent-sandbox'].image).toBe(`tryretool/agent-sandbox-service:${RELEASE}`);
  });

  test('no rendered container of any target runs :latest or an untagged image', () => {
    for (const target of ['eks', 'gke-standard', 'kubernetes'] as const) {
      const { objects } = render({ target, retoolVersion: RELEASE });
      const images = podsOf(objects).flatMap((pod) => allContainers(pod.spec).map((c) => c.image!));
      expect(images.length).toBeGreaterThan(3);
      for (const image of images) {
        const { tag, digest } = parseImage(image);
        expect([image, tag === 'latest']).toEqual([image, false]);
        expect([image, tag !== undefined || digest !== undefined]).toEqual([image, true]);
      }
      expect(JSON.stringify(objects)).not.toMatch(/:latest\b/);
    }
  });

  test('with a mirror and pull secrets every pod (installers, loaders, services, the sandbox template) pulls through them', () => {
    const mirror = 'registry.example.com/dockerhub';
    const { objects } = render({ target: 'gke-standard', retoolVersion: RELEASE, imageRegistry: mirror, imagePullSecrets: ['mirror-pull'] });
    const pods = podsOf(objects);
    // Services, the seccomp installer and the AppArmor loader at least.
    expect(pods.length).toBeGreaterThanOrEqual(5);
    for (const pod of pods) {
      // Docker Hub images through the mirror; others (the device plugin's, on ghcr.io) are named in full by the kit file.
      for (const c of allContainers(pod.spec)) expect([pod.source, c.image!.startsWith(`${mirror}/`) || c.image === DEFAULT_DEVICE_PLUGIN_IMAGE]).toEqual([pod.source, true]);
      if (pod.source.startsWith('ConfigMap/')) continue; // the agent sandbox's template: its own construct
      expect([pod.source, (pod.spec as { imagePullSecrets?: unknown }).imagePullSecrets]).toEqual([pod.source, [{ name: 'mirror-pull' }]]);
    }
    const installer = pods.find((p) => p.source.includes('seccomp-profile-installer'))!;
    expect(allContainers(installer.spec)[0].image).toMatch(new RegExp(`^${mirror}/library/busybox:1\\.37\\.0@sha256:`));
  });

  test('the mirror takes Docker Hub images only, under the same path', () => {
    const m = 'mirror.example.com:5000/hub';
    expect(mirrorImage('busybox:1.37.0', m)).toBe(`${m}/library/busybox:1.37.0`);
    expect(mirrorImage('docker.io/tryretool/backend:3.334.0-stable', m)).toBe(`${m}/tryretool/backend:3.334.0-stable`);
    expect(mirrorImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/code-executor:1', m)).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/code-executor:1');
    expect(mirrorImage('localhost:5000/x:1', m)).toBe('localhost:5000/x:1');
    expect(mirrorImage('busybox:1', undefined)).toBe('busybox:1');
  });

  test('bad input: every image problem at once, one clear error each', () => {
    let problems: { field: string; message: string }[] = [];
    try {
      plan({
        target: 'ecs-ec2', retoolVersion: '3.19.0-stable', imagePullSecrets: ['x'],
        services: { 'code-executor': { image: 'tryretool/code-executor-service:latest' }, 'js-executor': { retoolVersion: 'latest' }, 'agent-sandbox': { enabled: false } },
      });
    } catch (e) {
      problems = (e as { problems: { field: string; message: string }[] }).problems;
    }
    expect(problems.map((p) => p.field).sort()).toEqual([
      'imagePullSecrets', 'retoolVersion', 'services.code-executor.image', 'services.js-executor.retoolVersion',
    ]);
    expect(problems.find((p) => p.field === 'services.js-executor.retoolVersion')!.message).toMatch(/is not a Retool release/);
    expect(problems.find((p) => p.field === 'retoolVersion')!.message).toMatch(/older than 3\.20\.15/);
    expect(() => plan({ target: 'eks' })).toThrow(/retoolVersion: no Retool release is named/);
  });
});

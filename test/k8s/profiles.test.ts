import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { allContainers, KubeObject, podsOf, PodSpecJson } from '../../src/k8s/manifest';
import { INSTALLER_HOST_DIR, INSTALLER_HOST_MOUNT, INSTALLER_PROFILES_MOUNT, INSTALLER_SCRIPT } from '../../src/k8s/seccomp-installer';
import { KUBELET_SECCOMP_ROOT } from '../../src/targets';
import { AUTOPILOT_KIT_FILE, KIT_FILE, REPO, render, renderKitFile } from './helpers';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * What the installer DaemonSets put on a node of each architecture: node path -> content,
 * read from the DaemonSet's hostPath and ConfigMap projection and the ConfigMap's data.
 */
function installedFiles(objects: readonly KubeObject[]): Map<string, Map<string, { key: string; content: string }>> {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'seccomp-profiles');
  const out = new Map<string, Map<string, { key: string; content: string }>>();
  for (const ds of objects.filter((o) => o.kind === 'DaemonSet' && o.metadata!.name!.startsWith('seccomp-profile-installer-'))) {
    const spec = (ds.spec as { template: { spec: PodSpecJson } }).template.spec;
    const arch = spec.nodeSelector?.['kubernetes.io/arch'];
    expect(arch).toBeDefined();
    const [c] = spec.containers;
    // The container copies every file of the ConfigMap mount into the hostPath mount.
    expect((c as { command?: string[] }).command).toEqual(['/bin/sh', '-c', INSTALLER_SCRIPT]);
    const mountOf = (name: string) => c.volumeMounts!.find((m) => m.name === name)!;
    const profilesVol = spec.volumes!.find((v) => v.configMap)!;
    const hostVol = spec.volumes!.find((v) => v.hostPath)!;
    expect(mountOf(profilesVol.name)).toMatchObject({ mountPath: INSTALLER_PROFILES_MOUNT, readOnly: true });
    expect(mountOf(hostVol.name).mountPath).toBe(INSTALLER_HOST_MOUNT);
    expect(hostVol.hostPath!.path).toBe(INSTALLER_HOST_DIR);
    expect(profilesVol.configMap!.name).toBe(cm!.metadata!.name);
    const files = new Map<string, { key: string; content: string }>();
    for (const item of profilesVol.configMap!.items!) {
      files.set(`${hostVol.hostPath!.path}/${item.path}`, { key: item.key, content: (cm!.data as Record<string, string>)[item.key] });
    }
    out.set(arch!, files);
  }
  return out;
}

function localhostRefs(spec: PodSpecJson): string[] {
  const refs = [spec.securityContext?.seccompProfile, ...allContainers(spec).map((c) => c.securityContext?.seccompProfile)]
    .filter((p) => p?.type === 'Localhost').map((p) => p!.localhostProfile!);
  return [...new Set(refs)];
}

function archesOf(spec: PodSpecJson): string[] {
  const terms = (spec as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions: { key: string; values: string[] }[] }[] } } } })
    .affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const expr = terms.flatMap((t) => t.matchExpressions).find((e) => e.key === 'kubernetes.io/arch');
  return expr?.values ?? [];
}

const rendered = renderKitFile(KIT_FILE);

describe.each(['eks', 'gke-standard', 'kubernetes'])('%s: every Localhost profile a pod references is installed', (target) => {
  const { objects } = rendered[target];
  const installed = installedFiles(objects);

  test('under that exact path, on every architecture the pod may run on, byte-identical to profiles/', () => {
    let checked = 0;
    for (const pod of podsOf(objects)) {
      const refs = localhostRefs(pod.spec);
      if (refs.length === 0) continue;
      const arches = archesOf(pod.spec);
      expect(arches.length).toBeGreaterThan(0);
      for (const ref of refs) {
        for (const arch of arches) {
          const file = installed.get(arch)?.get(`${KUBELET_SECCOMP_ROOT}/${ref}`);
          expect([pod.source, arch, ref, file !== undefined]).toEqual([pod.source, arch, ref, true]);
          const committed = fs.readFileSync(path.join(REPO, 'profiles', file!.key), 'utf8');
          expect(file!.content === committed).toBe(true);
          // The pod's checksum annotation is the installed file's, so a profile change rolls it.
          expect(pod.metadata.annotations?.[`sandbox-kit.io/seccomp-profile-sha256.${arch}`]).toBe(sha(committed));
          checked++;
        }
      }
    }
    expect(checked).toBe(6); // 3 pods (two executors, the agent sandbox template) x 2 architectures
  });

  test('the installer is least privilege: no privilege, every capability dropped, read-only root, only the kit directory', () => {
    const installers = objects.filter((o) => o.kind === 'DaemonSet' && o.metadata!.name!.startsWith('seccomp-profile-installer-'));
    expect(installers.length).toBe(2);
    for (const ds of installers) {
      const spec = (ds.spec as { template: { spec: PodSpecJson & { automountServiceAccountToken?: boolean } } }).template.spec;
      expect(ds.metadata?.namespace).toBe('sandbox-kit-system');
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      const sc = spec.containers[0].securityContext!;
      expect(sc).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(sc.capabilities!.add).toBeUndefined();
      expect(spec.volumes!.filter((v) => v.hostPath).map((v) => v.hostPath)).toEqual([{ path: '/var/lib/kubelet/seccomp/sandbox-kit', type: 'DirectoryOrCreate' }]);
    }
    const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === 'sandbox-kit-system')!;
    expect(ns.metadata!.labels!['pod-security.kubernetes.io/enforce']).toBe('privileged');
    // No traffic at all: the default-deny policy is the only one in the namespace.
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === 'sandbox-kit-system').map((o) => o.metadata!.name)).toEqual(['default-deny']);
  });
});

test('the installer script keeps the files it installs equal to the ConfigMap, atomically', () => {
  expect(INSTALLER_SCRIPT).toContain('cmp -s "$src" "$dst"');
  expect(INSTALLER_SCRIPT).toMatch(/cat "\$src" > "\$dst\.tmp"\n\s+mv -f "\$dst\.tmp" "\$dst"/);
});

test('gke-autopilot and node-user-data plans render no installer; SPO plans render SeccompProfile objects at the referenced path', () => {
  expect(renderKitFile(AUTOPILOT_KIT_FILE)['gke-autopilot'].objects.filter((o) => ['DaemonSet', 'ConfigMap'].includes(o.kind) && o.metadata?.namespace === 'sandbox-kit-system')).toEqual([]);
  const userData = render({ target: 'eks', retoolVersion: '3.334.0-stable', profileDelivery: 'node-user-data' });
  // Only the agent sandbox's device plugin and image prepuller: no installer, no profile ConfigMap.
  expect(userData.objects.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata?.name)).toEqual(['agent-sandbox-device-plugin', 'agent-sandbox-image-prepuller']);
  expect(userData.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata?.namespace === 'sandbox-kit-system').map((o) => o.metadata?.name)).toEqual(['agent-sandbox-device-plugin']);
  expect(podsOf(userData.objects).flatMap((p) => localhostRefs(p.spec)).sort()).toEqual(['sandbox-kit/gvisor.json', 'sandbox-kit/nsjail.json', 'sandbox-kit/nsjail.json']);

  const spo = render({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64'], profileDelivery: 'security-profiles-operator' });
  const profiles = spo.objects.filter((o) => o.kind === 'SeccompProfile');
  expect(profiles.map((o) => `operator/${o.metadata!.namespace}/${o.metadata!.name}.json`).sort()).toEqual(['operator/sandbox-kit-system/gvisor.json', 'operator/sandbox-kit-system/nsjail.json']);
  const refs = podsOf(spo.objects).flatMap((p) => localhostRefs(p.spec));
  expect(new Set(refs)).toEqual(new Set(['operator/sandbox-kit-system/gvisor.json', 'operator/sandbox-kit-system/nsjail.json']));
  for (const o of profiles) {
    const committed = JSON.parse(fs.readFileSync(path.join(REPO, 'profiles', `${o.metadata!.name}-amd64.oci.json`), 'utf8'));
    expect((o.spec as { syscalls: unknown }).syscalls).toEqual(committed.syscalls);
  }
});

test('SPO with two architectures is refused with the reason and what works', () => {
  expect(() => render({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64', 'arm64'], profileDelivery: 'security-profiles-operator' })).toThrow(/architectures.*daemonset/s);
});

import * as fs from 'fs';
import * as path from 'path';
import { dockerProfilePath, localhostProfilePath, SYSTEM_NAMESPACE } from '../../src/seccomp/locations';
import { dockerProfile, ociProfile, profileFiles, renderedProfiles, seccompProfileObject, profileSha256 } from '../../src/seccomp';
import { REPO_ROOT } from './helpers';

const dir = path.join(REPO_ROOT, 'profiles');

describe('profiles/ is what the generator produces', () => {
  test('every generated file is committed with identical bytes, and nothing else is there', () => {
    const files = profileFiles();
    const differing = files.filter((f) => !fs.existsSync(path.join(dir, f.fileName)) || fs.readFileSync(path.join(dir, f.fileName), 'utf8') !== f.content);
    expect({ differing: differing.map((f) => f.fileName), hint: 'run `npm run profiles` and commit profiles/' })
      .toEqual({ differing: [], hint: 'run `npm run profiles` and commit profiles/' });
    // profiles/apparmor/ holds the AppArmor profiles (test/apparmor/files.test.ts).
    expect(fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort()).toEqual(files.map((f) => f.fileName).sort());
  });

  test('renderedProfiles() is exactly the JSON files: one per profile x format x architecture', () => {
    const rendered = renderedProfiles();
    expect(rendered.map((r) => r.fileName).sort()).toEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort());
    expect(rendered.map((r) => r.fileName).sort()).toEqual([
      'gvisor-amd64.oci.json', 'gvisor-arm64.oci.json', 'gvisor.docker.json', 'nsjail-amd64.oci.json', 'nsjail-arm64.oci.json', 'nsjail.docker.json',
    ]);
    for (const r of rendered) {
      expect(r.sha256).toBe(profileSha256(r.content));
      expect(r.content.endsWith('}\n')).toBe(true);
      expect(r.format === 'oci').toBe(r.arch !== undefined);
    }
    expect(ociProfile('nsjail', 'amd64').content).toBe(fs.readFileSync(path.join(dir, 'nsjail-amd64.oci.json'), 'utf8'));
    expect(dockerProfile('gvisor').content).toBe(fs.readFileSync(path.join(dir, 'gvisor.docker.json'), 'utf8'));
  });

  test('README names every file with its sha256 and every destination from the planner', () => {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    for (const r of renderedProfiles()) {
      expect(readme).toContain(`| \`${r.fileName}\` |`);
      expect(readme).toContain(r.sha256);
    }
    for (const p of ['nsjail', 'gvisor']) {
      expect(readme).toContain(`/var/lib/kubelet/seccomp/${localhostProfilePath(p, 'daemonset')}`);
      expect(readme).toContain(localhostProfilePath(p, 'security-profiles-operator'));
      expect(readme).toContain(dockerProfilePath(p));
    }
    expect(readme).toContain('unproven');
  });
});

describe('Security Profiles Operator object', () => {
  test('carries the flattened rules under the name the planner refers to', () => {
    const obj = seccompProfileObject('nsjail', 'arm64', SYSTEM_NAMESPACE) as {
      apiVersion: string; kind: string; metadata: { name: string; namespace: string; annotations: Record<string, string> };
      spec: { defaultAction: string; architectures: string[]; syscalls: unknown[] };
    };
    const flat = JSON.parse(ociProfile('nsjail', 'arm64').content);
    expect(obj.apiVersion).toBe('security-profiles-operator.x-k8s.io/v1beta1');
    expect(obj.kind).toBe('SeccompProfile');
    expect(`operator/${obj.metadata.namespace}/${obj.metadata.name}.json`).toBe(localhostProfilePath('nsjail', 'security-profiles-operator'));
    expect(obj.spec).toEqual({ defaultAction: flat.defaultAction, architectures: flat.architectures, syscalls: flat.syscalls });
    expect(obj.metadata.annotations['sandbox-kit.io/profile-sha256']).toBe(ociProfile('nsjail', 'arm64').sha256);
  });
});

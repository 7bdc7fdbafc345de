import { plan, SandboxKitConfig, SandboxPlan, SERVICE_NAMES, ServiceName, TARGETS } from '../../src';

/** Plan one service alone, so a refusal of another service does not hide its plan. */
function service(config: SandboxKitConfig, name: ServiceName): SandboxPlan {
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, s === name ? config.services?.[s] ?? {} : { enabled: false }]));
  const p = plan({ ...config, services }).services.find((s) => s.service === name);
  if (!p) throw new Error(`no plan for ${name}`);
  return p;
}

/** An image built from the kit's NsJail runtime image. */
const KIT = { imageKind: 'kit' as const, image: 'registry.example.com/executor-on-sandbox-kit-nsjail:1.0.0' };

describe('seccomp mode on nodes the user controls', () => {
  const p = service({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'js-executor');

  test('drops every capability, adds SETUID and SETGID for Retool\'s runuser drop, and uses the kit profile through the DaemonSet', () => {
    expect(p.sandbox.privileged).toBe(false);
    expect(p.sandbox.capabilitiesDrop).toEqual(['ALL']);
    expect(p.sandbox.capabilitiesAdd).toEqual(['SETUID', 'SETGID']);
    expect(p.sandbox.effectiveCapabilities).toEqual(['SETUID', 'SETGID']);
    expect(p.sandbox.seccomp).toEqual({ type: 'Localhost', profile: 'nsjail', localhostProfile: 'sandbox-kit/nsjail.json' });
    expect(p.profileDelivery).toBe('daemonset');
  });

  test('starts as root (Retool\'s entrypoint drops to retool_user), with no privilege escalation and a read-only root', () => {
    expect(p.sandbox.runAsNonRoot).toBe(false);
    expect([p.sandbox.runAsUser, p.sandbox.runAsGroup]).toEqual([0, 0]);
    expect(p.sandbox.allowPrivilegeEscalation).toBe(false);
    expect(p.sandbox.readOnlyRootFilesystem).toBe(true);
    expect(p.sandbox.writablePaths).toContain('/tmp');
  });

  test('on Kubernetes 1.35 the jail gets its own procfs through a user namespace and unmasked /proc', () => {
    expect(p.sandbox.hostUsers).toBe(false);
    expect(p.sandbox.procMount).toBe('Unmasked');
    expect(p.jail.procfs).toBe('new');
    // Root with hostUsers: false passes restricted from 1.35; SETUID and SETGID do not (baseline allows them).
    expect(p.podSecurityLevel).toBe('baseline');
    expect(p.podSecurityReason).toMatch(/adds SETUID, SETGID.*restricted allows only NET_BIND_SERVICE/);
    expect(p.podSecurityReason).not.toMatch(/runs as root/);
    expect(p.minimumVersions).toMatchObject({ kubernetes: '1.35', containerd: '2.0' });
  });

  test('on Kubernetes 1.33 and 1.34 Retool\'s jail still needs its procfs: /proc unmasked, so its namespace is privileged', () => {
    const q = service({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.34' }, 'js-executor');
    expect(q.sandbox.hostUsers).toBe(false);
    expect(q.sandbox.procMount).toBe('Unmasked');
    expect(q.jail.procfs).toBe('new');
    expect(q.podSecurityLevel).toBe('privileged');
  });

  test('on Kubernetes 1.33 and 1.34 the kit\'s image keeps Pod Security restricted: user namespace yes, jail without procfs', () => {
    const q = service({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.34', services: { 'js-executor': KIT } }, 'js-executor');
    expect(q.sandbox.hostUsers).toBe(false);
    expect(q.sandbox.procMount).toBe('Default');
    expect(q.jail.procfs).toBe('none');
    expect(q.podSecurityLevel).toBe('restricted');
  });

  test('before 1.33, /proc stays masked: Retool\'s image gets privileged (its jail mounts a procfs), the kit\'s seccomp without a procfs', () => {
    const retool = service({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.31' }, 'code-executor');
    expect(retool.mode).toBe('privileged');
    expect(retool.reason).toMatch(/Retool's code-executor image mounts a fresh procfs in every jail/);
    const q = service({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.31', services: { 'code-executor': KIT } }, 'code-executor');
    expect(q.mode).toBe('seccomp');
    expect(q.sandbox.hostUsers).toBe(true);
    expect(q.sandbox.procMount).toBe('Default');
    expect(q.jail.procfs).toBe('none');
  });

  test('Bottlerocket has no user namespaces yet', () => {
    expect(service({ target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'bottlerocket' }, 'code-executor').mode).toBe('privileged');
    const q = service({ target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'bottlerocket', services: { 'code-executor': KIT } }, 'code-executor');
    expect(q.sandbox.hostUsers).toBe(true);
    expect(q.jail.procfs).toBe('none');
  });

  test('the agent sandbox uses the gvisor profile and unmasks /proc for the gofer\'s procfs', () => {
    const a = service({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'agent-sandbox');
    expect(a.sandbox.seccomp).toMatchObject({ type: 'Localhost', profile: 'gvisor' });
    expect(a.sandbox.procMount).toBe('Unmasked');
    expect(a.sandbox.hostUsers).toBe(false);
    expect(a.podSecurityLevel).toBe('restricted');
    expect(a.supporting.seccomp).toEqual({ type: 'RuntimeDefault' });
    expect(a.supporting.capabilitiesDrop).toEqual(['ALL']);
  });

  test('on 1.33 and 1.34 the agent sandbox still unmasks /proc (runsc has no way around it), so its namespace is privileged', () => {
    const a = service({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.34' }, 'agent-sandbox');
    expect(a.sandbox.procMount).toBe('Unmasked');
    expect(a.podSecurityLevel).toBe('privileged');
    expect(a.podSecurityReason).toMatch(/v1\.35/);
    expect(a.minimumVersions.kubernetes).toBe('1.33');
  });

  test('without user namespaces /proc stays masked: the agent sandbox needs runsc 20240729 or newer there (20221219 cannot start), and says so', () => {
    for (const config of [
      { target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.31' },
      { target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'bottlerocket' },
      { target: 'eks', retoolVersion: '3.334.0-stable', userNamespaces: 'off' },
    ] as SandboxKitConfig[]) {
      const a = service(config, 'agent-sandbox');
      expect({ mode: a.mode, procMount: a.sandbox.procMount, procfs: a.jail.procfs }).toEqual({ mode: 'seccomp', procMount: 'Default', procfs: 'none' });
      expect(a.nodePrerequisites.join(' ')).toMatch(/runsc 20240729 or newer/);
      expect(a.assumptions.some((x) => x.fact.confidence === 'assumed' && /runsc is 20240729 or newer/.test(x.what))).toBe(true);
    }
    // Where /proc is unmasked, any runsc starts: no such prerequisite.
    expect(service({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'agent-sandbox').nodePrerequisites.join(' ')).not.toMatch(/runsc 20240729/);
  });

  test('on ECS the agent sandbox is refused (its controller starts Kubernetes Jobs), pointing at a Kubernetes target', () => {
    expect(() => service({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable' }, 'agent-sandbox')).toThrow(/runs only on Kubernetes: Retool's agent sandbox controller starts every sandbox as a Kubernetes Job/);
    expect(() => service({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable' }, 'agent-sandbox')).toThrow(/would work: target: "eks"/);
  });

  test('Security Profiles Operator delivery references the operator path', () => {
    const q = service({ target: 'kubernetes', retoolVersion: '3.334.0-stable', profileDelivery: 'security-profiles-operator', architectures: ['amd64'] }, 'code-executor');
    expect(q.sandbox.seccomp).toMatchObject({ localhostProfile: 'operator/sandbox-kit-system/nsjail.json' });
    expect(q.nodePrerequisites.join(' ')).toMatch(/Security Profiles Operator/);
  });

  test('AppArmor nodes get the kit\'s Localhost profile on the sandbox container, with the reason; the namespace is not held at privileged by it', () => {
    const q = service({ target: 'gke-standard', retoolVersion: '3.334.0-stable' }, 'js-executor');
    expect(q.nodeOs).toBe('cos');
    expect(q.sandbox.appArmor).toEqual({ type: 'Localhost', profile: 'sandbox-kit-nsjail' });
    expect(q.sandbox.appArmorReason).toMatch(/mount/);
    expect(q.podSecurityLevel).not.toBe('privileged');
    expect(q.podSecurityReason ?? '').not.toMatch(/AppArmor/);
    expect(q.supporting.appArmor).toEqual({ type: 'RuntimeDefault' });
    expect(service({ target: 'gke-standard', retoolVersion: '3.334.0-stable' }, 'agent-sandbox').sandbox.appArmor).toEqual({ type: 'Localhost', profile: 'sandbox-kit-gvisor' });
    // The run-time effect is not observed here (no AppArmor in this kernel): the plan says so.
    expect(q.assumptions.filter((a) => a.fact.confidence === 'assumed').map((a) => a.what).join(' ')).toMatch(/sandbox-kit-nsjail permits what the sandbox does/);
    expect(q.assumptions.map((a) => a.what).join(' ')).toMatch(/userns rule/);
    expect(q.nodePrerequisites.join(' ')).toMatch(/apparmor_parser/);
  });

  test('appArmor: "unconfined" is Unconfined, and keeps the namespace privileged with the reason', () => {
    const q = service({ target: 'gke-standard', retoolVersion: '3.334.0-stable', appArmor: 'unconfined' }, 'js-executor');
    expect(q.sandbox.appArmor).toEqual({ type: 'Unconfined' });
    expect(q.podSecurityLevel).toBe('privileged');
    expect(q.podSecurityReason).toMatch(/AppArmor Unconfined/);
  });

  test('nodes without AppArmor get no AppArmor setting at all', () => {
    expect(service({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'code-executor').sandbox.appArmor).toBeUndefined();
    expect(service({ target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'ubuntu' }, 'code-executor').sandbox.appArmor).toEqual({ type: 'Localhost', profile: 'sandbox-kit-nsjail' });
  });

  test('SELinux nodes: the plan states that their policy must allow the sandbox\'s mounts', () => {
    for (const nodeOs of ['al2023', 'bottlerocket'] as const) {
      const q = service({ target: 'eks', retoolVersion: '3.334.0-stable', nodeOs, services: { 'code-executor': KIT } }, 'code-executor');
      expect(q.assumptions.some((a) => a.fact.confidence === 'assumed' && a.what.includes(`${nodeOs} nodes' SELinux`))).toBe(true);
    }
  });

  test('Ubuntu nodes: the kit profile grants userns, so only an Unconfined plan needs the sysctls that lift the restriction', () => {
    expect(service({ target: 'kubernetes', retoolVersion: '3.334.0-stable', nodeOs: 'ubuntu' }, 'code-executor').nodePrerequisites.join(' ')).not.toMatch(/apparmor_restrict_unprivileged_userns=0/);
    const q = service({ target: 'kubernetes', retoolVersion: '3.334.0-stable', nodeOs: 'ubuntu', appArmor: 'unconfined' }, 'code-executor');
    expect(q.nodePrerequisites.join(' ')).toMatch(/apparmor_restrict_unprivileged_userns=0/);
  });

  test('userNamespaces: off keeps host users', () => {
    expect(service({ target: 'eks', retoolVersion: '3.334.0-stable', userNamespaces: 'off' }, 'code-executor').sandbox.hostUsers).toBe(true);
  });
});

describe('privileged mode', () => {
  const p = service({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' } } }, 'code-executor');
  test('is privileged, unconfined and does not claim no_new_privs (the API server refuses that pair)', () => {
    expect(p.sandbox.privileged).toBe(true);
    expect(p.sandbox.seccomp).toEqual({ type: 'Unconfined' });
    expect(p.sandbox.allowPrivilegeEscalation).toBe(true);
    expect(p.podSecurityLevel).toBe('privileged');
    expect(p.jail.cgroups).toBe(true);
    expect(p.risks.map((r) => r.category)).toContain('system');
  });
});

describe('gVisor on GKE Autopilot', () => {
  const example = { target: 'gke-autopilot' as const, retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true };
  test('code-executor: the built-in RuntimeClass with restricted settings and only allowed capabilities', () => {
    for (const p of [service(example, 'code-executor'), service({ target: 'gke-autopilot', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT } }, 'code-executor')]) {
      expect(p.sandbox.runtimeClassName).toBe('gvisor');
      expect(p.sandbox.privileged).toBe(false);
      expect(p.sandbox.seccomp.type).toBe('RuntimeDefault');
      for (const cap of p.sandbox.capabilitiesAdd) expect(TARGETS['gke-autopilot'].addableCapabilities.value).toContain(cap);
      expect(p.podSecurityLevel).toBe('restricted');
      expect(p.minimumVersions.gke).toBe('1.27.4-gke.800');
      // Nothing inside gVisor creates namespaces (measured), and nothing is assumed about it.
      expect(p.jail.namespaces).toBe(false);
      expect(p.assumptions.filter((a) => a.fact.confidence === 'assumed')).toEqual([]);
    }
  });
  test('Retool\'s image runs its unprivileged mode inside gVisor; the kit\'s image its rlimits-only jail with prlimit', () => {
    expect(service(example, 'code-executor')).toMatchObject({ insideGvisor: 'unsandboxed', env: { CONTAINER_UNPRIVILEGED_MODE: 'true' } });
    const kit = service({ target: 'gke-autopilot', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT } }, 'code-executor');
    expect(kit).toMatchObject({ insideGvisor: 'rlimits-seccomp', env: {}, imageKind: 'kit', jail: { namespaces: false, procfs: 'none', rlimitsBy: 'prlimit' } });
    expect(kit.boundary).toMatch(/rlimits and syscall filter/);
  });
});

describe('ECS', () => {
  test('ECS on EC2: Retool\'s executors run privileged (their jail mounts a procfs; /proc stays masked), as Retool runs them there', () => {
    const p = service({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable' }, 'code-executor');
    expect(p.mode).toBe('privileged');
    expect(p.reason).toMatch(/cannot unmask \/proc/);
  });
  test('ECS on EC2 seccomp mode (the kit\'s image) installs the profile as the Docker daemon default', () => {
    const p = service({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT } }, 'code-executor');
    expect(p.sandbox.seccomp).toEqual({ type: 'DockerDaemonDefault', profile: 'nsjail', path: '/etc/docker/seccomp/sandbox-kit-nsjail.json' });
    expect(p.profileDelivery).toBe('docker-daemon-default');
    // ECS cannot unmask /proc, so the jail runs without a procfs of its own.
    expect(p.jail.procfs).toBe('none');
  });
  test('ECS on Fargate with EC2 capacity plans js-executor as on ECS on EC2', () => {
    const p = service({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', services: { 'js-executor': { capacity: 'ec2' } } }, 'js-executor');
    expect(p.target).toBe('ecs-fargate');
    expect(p.placement).toBe('ecs-ec2');
    expect(p.mode).toBe('privileged');
  });
  test('Fargate code-executor in unsandboxed mode states every remaining risk, one sentence each', () => {
    const p = service({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true }, 'code-executor');
    expect(p.mode).toBe('unsandboxed');
    for (const r of p.risks) expect(r.sentence).toMatch(/^[A-Z][^.]*(\.[^.]+)*\.$/);
    expect(p.risks.find((r) => r.category === 'system')?.sentence).toMatch(/Fargate microVM/);
  });
  test('ECS on Fargate cannot set no_new_privs, so the plan does not claim it', () => {
    const p = service({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true }, 'code-executor');
    expect(p.sandbox.allowPrivilegeEscalation).toBe(true);
    expect(p.sandbox.capabilitiesDrop).toEqual(['ALL']);
    expect(service({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT } }, 'code-executor').sandbox.allowPrivilegeEscalation).toBe(false);
  });
});

describe('bounds and egress the plan states per target', () => {
  const ack = { acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' as const }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } };
  test('process limits: a node prerequisite where the kubelet owns them, set by the kit on ECS on EC2, a risk where nothing bounds them', () => {
    expect(service({ target: 'gke-standard', retoolVersion: '3.334.0-stable' }, 'js-executor').nodePrerequisites).toContain('at most 4096 processes per pod: kubelet podPidsLimit in the node pool\'s system configuration (kubeletConfig.podPidsLimit)');
    expect(service({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { pidsLimit: 1024 } } }, 'js-executor').nodePrerequisites.join(' ')).toMatch(/at most 1024 processes per pod: kubelet podPidsLimit: the kit's EKS stack sets it/);
    const ecs = service({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } }, 'code-executor');
    expect(ecs.pidsLimit).toBe(4096);
    expect(ecs.nodePrerequisites.join(' ')).not.toMatch(/processes per/);
    for (const target of ['ecs-fargate', 'eks-fargate', 'gke-autopilot'] as const) {
      const p = service({ target, retoolVersion: '3.334.0-stable', ...ack }, 'code-executor');
      expect([target, p.risks.some((r) => r.category === 'system' && /Nothing bounds the processes/.test(r.sentence))]).toEqual([target, true]);
    }
  });

  test('egress: what the security groups cannot close on ECS is named (task metadata, DNS)', () => {
    for (const target of ['ecs-ec2', 'ecs-fargate'] as const) {
      const p = service(target === 'ecs-ec2' ? { target, retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } } : { target, retoolVersion: '3.334.0-stable', ...ack }, 'code-executor');
      const egress = p.risks.find((r) => r.category === 'external-misuse')!.sentence;
      expect(egress).toMatch(/security groups/);
      expect(egress).toMatch(/169\.254\.170\.2/);
      expect(egress).toMatch(/Amazon-provided DNS resolver/);
    }
    expect(service({ target: 'gke-standard', retoolVersion: '3.334.0-stable' }, 'code-executor').risks.find((r) => r.category === 'external-misuse')!.sentence).toMatch(/DNS \(port 53 only\) to the metadata server/);
  });

  test('pidsLimit outside what the kit renders is bad input', () => {
    expect(() => service({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { pidsLimit: 10 } } }, 'js-executor')).toThrow(/services\.js-executor\.pidsLimit: 10 is out of range: it must be >= 64/);
  });
});

test('the agent sandbox\'s egress risk names the proxy, its only way out, not direct internet access', () => {
  const agent = service({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'agent-sandbox').risks.find((r) => r.category === 'external-misuse')!.sentence;
  expect(agent).toMatch(/nothing but DNS and Retool's egress proxy/);
  expect(agent).not.toMatch(/can still reach the internet/);
  const executor = service({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'code-executor').risks.find((r) => r.category === 'external-misuse')!.sentence;
  expect(executor).toMatch(/can still reach the internet/);
});

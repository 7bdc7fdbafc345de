import { renderNsjailConfigs } from '../images/nsjail-config';
import { SandboxKitConfig } from '../policy/config';
import { addProbeFile, containerToolPath, runInNodeContainer, verifyAvailability } from '../verify/container';
import { hostArchitecture, nodeContainerConfig } from '../verify/node-runtime';
import { servicesUnderTest, ServiceUnderTest } from '../verify/rendered';
import { nsjailTool, runscTools } from '../verify/tools';
import { BenchSuite, suite } from './types';

/**
 * Sandbox start latency with the real binaries, inside containers built from the kit's rendered
 * settings: the real NsJail with the kit's generated configuration of each mode (privileged,
 * seccomp, rlimits-seccomp), starting `/bin/true` in place of the language runtime (so the
 * interpreter's own start-up is not counted); and `runsc do /bin/true` (rootless, no network)
 * with each runsc release, under the agent sandbox's settings as eks renders them.
 * Binaries: NSJAIL and RUNSC_BINARIES (src/verify/tools.ts).
 */

/** Options of the benchmark. */
export interface SandboxStartOptions {
  /**
   * Timed NsJail starts per mode.
   * @default 30
   */
  readonly nsjailSamples?: number;
  /**
   * Timed runsc starts per release.
   * @default 8
   */
  readonly runscSamples?: number;
}

const KIT_IMAGE = { imageKind: 'kit' as const, image: 'registry.example.com/executor-on-sandbox-kit-nsjail:1.0.0' };

function rendered(config: SandboxKitConfig, service: string): ServiceUnderTest {
  const s = servicesUnderTest(config).find((x) => x.service === service);
  if (!s?.plan) throw new Error(`${config.target}: no planned ${service}`);
  return s;
}

function samplesOf(variant: string, run: ReturnType<typeof runInNodeContainer<{ ok: boolean; samples_ms: number[] }>>): number[] {
  if (!run.output?.ok) throw new Error(`${variant}: the sandbox did not start (${JSON.stringify(run.output)}; exit ${run.run.exitCode}: ${run.run.stderr.trim().slice(-400)})`);
  // The first start warms caches (page cache, dentries): drop it.
  return run.output.samples_ms.slice(1);
}

/** Start latency of the real NsJail per mode, and of runsc per release, in ms: two suites. */
export async function sandboxStartBench(options: SandboxStartOptions = {}): Promise<BenchSuite[]> {
  const avail = verifyAvailability();
  if (!avail.ok) throw new Error(`sandbox-start benchmark needs runc as root: ${avail.reason}`);
  const nsjail = nsjailTool();
  if (!nsjail.ok) throw new Error(`sandbox-start benchmark needs the real NsJail: ${nsjail.reason}`);
  const runsc = runscTools();
  if (!runsc.found.length) throw new Error(`sandbox-start benchmark needs runsc: ${runsc.missing.join('; ')}`);
  const arch = hostArchitecture();
  const n = String(options.nsjailSamples ?? 30);
  const modes: { variant: string; sut: ServiceUnderTest }[] = [
    { variant: 'NsJail, kit config, privileged (eks, privileged requested)', sut: rendered({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { mode: 'privileged' } } }, 'js-executor') },
    { variant: 'NsJail, kit config, seccomp + userns + unmasked /proc (eks)', sut: rendered({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'js-executor') },
    { variant: 'NsJail, kit config, seccomp, masked /proc, no procfs (ecs-ec2, kit image)', sut: rendered({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'js-executor': KIT_IMAGE, 'agent-sandbox': { enabled: false } } }, 'js-executor') },
    { variant: 'NsJail, kit config, rlimits-seccomp (ecs-fargate, kit image)', sut: rendered({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'rlimits-seccomp', ...KIT_IMAGE }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } }, 'code-executor') },
  ];
  const nsjailRows = modes.map((m, i) => {
    const [cfg] = renderNsjailConfigs(m.sut.plan!);
    const config = addProbeFile(`bench-nsjail-${i}.cfg`, cfg.text, 0o644);
    const spec = addProbeFile(`bench-nsjail-${i}.json`, JSON.stringify({ argv: [containerToolPath(nsjail.path), '--quiet', '--config', config, '--', '/bin/true'] }), 0o644);
    const run = runInNodeContainer<{ ok: boolean; samples_ms: number[] }>(nodeContainerConfig(m.sut.container.security, { arch }), ['/usr/bin/python3', '/probe/probe.py', 'exec-time', n, spec], { tools: [nsjail.path], timeoutMs: 300000 });
    return { variant: m.variant, samples: samplesOf(m.variant, run) };
  });
  const agent = rendered({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'agent-sandbox').container.security;
  const runscRows = runsc.found.map((r) => {
    const variant = `runsc ${r.release} do /bin/true, gvisor profile, unmasked /proc (eks as rendered)`;
    const run = runInNodeContainer<{ ok: boolean; samples_ms: number[] }>(nodeContainerConfig(agent, { arch }), ['/usr/bin/python3', '/probe/probe.py', 'runsc-time', String(options.runscSamples ?? 8), containerToolPath(r.path)], { tools: [r.path], timeoutMs: 300000 });
    return { variant, samples: samplesOf(variant, run) };
  });
  return [
    suite('NsJail start latency, real binary with the kit\'s configs', 'ms', nsjailRows,
      'The real NsJail (NSJAIL: 3.6-75-gd6454b4) with the kit\'s generated configuration of each mode, started in a container built from that mode\'s rendered settings; one sample = one `nsjail --config ... -- /bin/true` to exit (the language runtime replaced by /bin/true), timed with python3 inside the container. Privileged: cgroups (v1 on this host), namespaces, procfs; seccomp: namespaces, no cgroups; rlimits-seccomp: no namespaces.'),
    suite('runsc start latency, per release', 'ms', runscRows,
      'runsc do /bin/true (rootless, --network=none) in the agent sandbox\'s container as eks renders it (gvisor profile, user namespace, unmasked /proc). 20221219 is Debian bookworm\'s (ptrace platform), 20240729 bookworm-backports\' (systrap).'),
  ];
}

import { runInNodeContainer, verifyAvailability } from '../verify/container';
import { hostArchitecture, nodeContainerConfig } from '../verify/node-runtime';
import { servicesUnderTest } from '../verify/rendered';
import { RenderedSecurity } from '../verify/workload';
import { BenchSuite, suite } from './types';

/**
 * Sandbox start latency per mode, inside containers built from the kit's rendered settings:
 * the NsJail-needs sequence (clone with NsJail's seven default namespaces, id maps, tmpfs root, read-only bind,
 * sethostname, procfs where the mode allows it, pivot_root, umount2, child exit), and
 * `runsc do /bin/true` (rootless, no network).
 */

/** Options of the benchmark. */
export interface SandboxStartOptions {
  /**
   * Timed NsJail-sequence starts per mode.
   * @default 30
   */
  readonly nsjailSamples?: number;
  /**
   * Timed runsc starts per mode.
   * @default 8
   */
  readonly runscSamples?: number;
}

function rendered(config: Parameters<typeof servicesUnderTest>[0], service: string): RenderedSecurity {
  const s = servicesUnderTest(config).find((x) => x.service === service);
  if (!s?.plan) throw new Error(`${config.target}: no planned ${service}`);
  return s.container.security;
}

/** Start latency of the NsJail sequence and of runsc, per mode, in ms. */
export async function sandboxStartBench(options: SandboxStartOptions = {}): Promise<BenchSuite> {
  const avail = verifyAvailability();
  if (!avail.ok) throw new Error(`sandbox-start benchmark needs runc as root: ${avail.reason}`);
  const arch = hostArchitecture();
  const nsjailN = String(options.nsjailSamples ?? 30);
  const runscN = String(options.runscSamples ?? 8);
  const privileged = { target: 'eks' as const, services: { 'js-executor': { mode: 'privileged' as const } } };
  // The agent sandbox exactly as eks renders it (unmasked /proc, user namespace, gvisor profile).
  const agent: RenderedSecurity = rendered({ target: 'eks' }, 'agent-sandbox');
  const ecsExecutors = { target: 'ecs-ec2' as const, services: { 'agent-sandbox': { enabled: false } } };
  const runs: { variant: string; security: RenderedSecurity; args: string[]; files?: Record<string, string> }[] = [
    { variant: 'NsJail sequence, privileged (eks)', security: rendered(privileged, 'js-executor'), args: ['nsjail-time', nsjailN] },
    { variant: 'NsJail sequence, seccomp + userns + unmasked /proc (eks)', security: rendered({ target: 'eks' }, 'js-executor'), args: ['nsjail-time', nsjailN] },
    { variant: 'NsJail sequence, seccomp, masked /proc, no procfs (ecs-ec2)', security: rendered(ecsExecutors, 'js-executor'), args: ['nsjail-time', nsjailN] },
    { variant: 'runsc do /bin/true, no seccomp, unmasked /proc (reference)', security: { ...agent, seccomp: { type: 'Unconfined' } }, args: ['runsc-time', runscN] },
    { variant: 'runsc do /bin/true, gvisor profile, unmasked /proc (eks as rendered)', security: agent, args: ['runsc-time', runscN] },
  ];
  const variants = runs.map((r) => {
    const cfg = nodeContainerConfig(r.security, { arch, profileFiles: r.files });
    const run = runInNodeContainer<{ ok: boolean; samples_ms: number[] }>(cfg, ['/usr/bin/python3', '/probe/probe.py', ...r.args], 300000);
    if (!run.output?.ok) throw new Error(`${r.variant}: the sandbox did not start (${JSON.stringify(run.output)}; exit ${run.run.exitCode}: ${run.run.stderr.trim().slice(-300)})`);
    // The first start warms caches (page cache, dentries): drop it.
    return { variant: r.variant, samples: run.output.samples_ms.slice(1) };
  });
  return suite('sandbox start latency', 'ms', variants,
    'Timed inside the container with python3 (one sample = one start to child exit). The NsJail sequence is the probe\'s syscalls, not the NsJail binary; runsc is Debian\'s 20221219 release (ptrace platform). runsc runs under the agent sandbox\'s settings as eks renders them.');
}

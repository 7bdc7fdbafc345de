import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { dockerProfile } from '../seccomp/render';
import { dockerProfilePath } from '../seccomp/locations';
import { hasGcc, probeHostDir, runInNodeContainer, verifyAvailability } from '../verify/container';
import { hostArchitecture, nodeContainerConfig } from '../verify/node-runtime';
import { SYSCALL_LOOP_C } from '../verify/probe-script';
import { RenderedSecurity } from '../verify/workload';
import { BenchSuite, suite } from './types';

/**
 * Per-syscall cost of each rendered seccomp profile, versus no seccomp and versus the Docker
 * default: a tight C loop of one cheap syscall inside a runc container built the way the node
 * would build it (uid 1000, no capabilities). Variants are interleaved over several container
 * runs so that a noisy neighbour on a shared machine hits them alike.
 */

/** A seccomp setting to measure, as the node would load it. */
interface Variant {
  readonly variant: string;
  readonly security: RenderedSecurity;
}

const UNPRIVILEGED: Omit<RenderedSecurity, 'seccomp'> = {
  runtime: 'containerd', privileged: false, capabilitiesAdd: [], capabilitiesDrop: ['ALL'], procMount: 'Default',
  hostUsers: true, runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
};

function variants(): Variant[] {
  return [
    { variant: 'no seccomp', security: { ...UNPRIVILEGED, seccomp: { type: 'Unconfined' } } },
    { variant: 'Docker default (RuntimeDefault, no caps)', security: { ...UNPRIVILEGED, seccomp: { type: 'RuntimeDefault' } } },
    { variant: 'nsjail profile (Localhost, containerd)', security: { ...UNPRIVILEGED, seccomp: { type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' } } },
    { variant: 'gvisor profile (Localhost, containerd)', security: { ...UNPRIVILEGED, seccomp: { type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' } } },
    {
      variant: 'nsjail profile (dockerd daemon default, ECS on EC2)',
      security: { ...UNPRIVILEGED, runtime: 'dockerd', seccomp: { type: 'DockerDaemonDefault', path: dockerProfilePath('nsjail'), profileContent: dockerProfile('nsjail').content } },
    },
  ];
}

/** Compiles the loop into the probe directory; needs gcc. */
function compileLoop(): string {
  if (!hasGcc()) throw new Error('the seccomp-cost benchmark compiles a C loop: install gcc (Debian: apt-get install gcc)');
  const dir = probeHostDir();
  const src = path.join(dir, 'syscall-loop.c');
  fs.writeFileSync(src, SYSCALL_LOOP_C);
  const out = path.join(dir, 'syscall-loop');
  const r = spawnSync('gcc', ['-O2', '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
  fs.chmodSync(out, 0o755);
  return '/probe/syscall-loop';
}

/** Options of the benchmark. */
export interface SeccompCostOptions {
  /**
   * Container runs per variant (interleaved).
   * @default 3
   */
  readonly runs?: number;
  /**
   * Timed rounds per container run (each one sample).
   * @default 5
   */
  readonly rounds?: number;
  /**
   * Syscalls per round.
   * @default 1000000 for getppid, 300000 for personality (several times slower under a filter)
   */
  readonly iterations?: number;
}

function measure(syscall: 'getppid' | 'personality', name: string, notes: string, options: SeccompCostOptions): BenchSuite {
  const avail = verifyAvailability();
  if (!avail.ok) throw new Error(`${name} needs runc as root: ${avail.reason}`);
  const loop = compileLoop();
  const arch = hostArchitecture();
  const vs = variants();
  const samples = new Map<string, number[]>(vs.map((v) => [v.variant, []]));
  for (let run = 0; run < (options.runs ?? 3); run++) {
    for (const v of vs) {
      const cfg = nodeContainerConfig(v.security, { arch });
      const r = runInNodeContainer<{ ok: boolean; samples_ns: number[] }>(cfg, [loop, syscall, String(options.iterations ?? (syscall === 'getppid' ? 1000000 : 300000)), String(options.rounds ?? 5)]);
      if (!r.output?.ok) throw new Error(`${name}, ${v.variant}: the loop printed nothing (exit ${r.run.exitCode}): ${r.run.stderr.trim().slice(-300)}`);
      samples.get(v.variant)?.push(...r.output.samples_ns);
    }
  }
  return suite(name, 'ns/syscall', vs.map((v) => ({ variant: v.variant, samples: samples.get(v.variant) ?? [] })), notes);
}

/**
 * ns per `getppid()` under each profile. getppid has no argument filter in any profile, so on
 * Linux >= 5.11 the seccomp action cache answers it without running the filter: this is the
 * cost most syscalls of a sandboxed workload pay.
 */
export async function seccompCostBench(options: SeccompCostOptions = {}): Promise<BenchSuite> {
  return measure('getppid', 'seccomp cost per syscall (getppid, cached allow)', 'C loop of syscall(SYS_getppid) in a runc container (uid 1000, no caps); the rendered profiles as the node loads them; median over interleaved runs. getppid is answered by the kernel\'s seccomp action cache (Linux >= 5.11) whatever the profile.', options);
}

/**
 * ns per `personality(0xffffffff)` under each profile: a syscall allowed only by an
 * argument-filtered rule, so the whole filter program runs on every call (the worst case).
 */
export async function seccompFilterCostBench(options: SeccompCostOptions = {}): Promise<BenchSuite> {
  return measure('personality', 'seccomp cost per syscall (personality query, filter evaluated)', 'C loop of syscall(SYS_personality, 0xffffffff) in a runc container (uid 1000, no caps): allowed by an argument-filtered rule, so the action cache cannot answer it and the filter runs each call.', options);
}

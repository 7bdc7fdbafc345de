import { ProfileName } from '../policy/services';
import { profileDefinition, extendProfile } from '../seccomp/build';
import { DOCKER_DEFAULT } from '../seccomp/base';
import { SyscallAddition } from '../seccomp/additions';
import { flattenProfile } from '../seccomp/flatten';

import { Architecture } from '../targets/types';
import { containerToolPath, runInNodeContainer } from './container';
import { afterDrop, RETOOL_USER } from './entrypoint';
import { NSJAIL_NEWAPI_STEPS, NSJAIL_STEPS, PROCFS_STEPS, ProbeOutcome, RUNSC_STEPS, runscKey } from './expectations';
import { nodeContainerConfig, profileJson } from './node-runtime';
import { RunscBinary } from './tools';
import { RenderedSecurity } from './workload';

/**
 * Minimality: for every syscall a kit profile adds to the Docker default, run the sandbox's
 * probe under the profile without that one addition and record which steps then fail. An
 * addition whose removal breaks nothing is not proven needed by any probe.
 */

/** What one removal did. */
export interface RemovalResult {
  /** The additions removed, joined with `+` ('' for the full profile). */
  readonly removed: string;
  /** Probe steps that failed, as `step=ERRNO` (skipped steps omitted). */
  readonly failing: readonly string[];
}

/** Options of minimalityRun. */
export interface MinimalityOptions {
  /** Node architecture. */
  readonly arch: Architecture;
  /**
   * The sandbox container's rendered settings (seccomp is replaced by the profile under test,
   * as a Localhost file read by containerd).
   */
  readonly security: RenderedSecurity;
  /**
   * Additions to include besides the profile's own (a syscall the probes showed missing), so
   * that the others can be tested at all.
   * @default []
   */
  readonly extraAdditions?: readonly SyscallAddition[];
  /**
   * Sets of additions to remove together, after the one-at-a-time removals (additions a
   * sandbox uses as alternatives, each removable alone).
   * @default []
   */
  readonly groups?: readonly (readonly string[])[];
  /**
   * The runsc binary the gvisor profile is probed with (tools.ts `runscTools`).
   * @default Debian's /usr/bin/runsc
   */
  readonly runsc?: RunscBinary;
}

/** The Localhost file content of a profile with `additions`, flattened for capabilities [] (as profiles/ are). */
export function profileFileWith(profile: ProfileName, additions: readonly SyscallAddition[], arch: Architecture): string {
  return profileJson(flattenProfile(extendProfile(DOCKER_DEFAULT, additions, profile), { arch, capabilities: [], source: `profile "${profile}" (minimality)` }));
}

/** The probe steps of a profile's sandbox (NsJail: both mount paths; gVisor: the runsc given). */
function stepsOf(profile: ProfileName, runsc?: RunscBinary): { parts: string; steps: readonly string[]; tools: string[] } {
  if (profile === 'nsjail') return { parts: 'nsjail,nsjail-newapi', steps: [...NSJAIL_STEPS, ...NSJAIL_NEWAPI_STEPS], tools: [] };
  return runsc
    ? { parts: `runsc=${containerToolPath(runsc.path)}@${runsc.release}`, steps: [runscKey(runsc.release)], tools: [runsc.path] }
    : { parts: 'runsc', steps: RUNSC_STEPS, tools: [] };
}

/** Runs the sandbox probe once under a profile file; returns the failing steps. */
export function probeUnderProfile(profile: ProfileName, content: string, options: MinimalityOptions): string[] {
  const security: RenderedSecurity = { ...options.security, seccomp: { type: 'Localhost', localhostProfile: `sandbox-kit/${profile}.json` } };
  const cfg = nodeContainerConfig(security, { arch: options.arch, profileFiles: { [profile]: content } });
  const { parts, steps, tools } = stepsOf(profile, options.runsc);
  // Retool's executor image starts as root with SETUID and SETGID and drops to retool_user before NsJail runs.
  const drop = profile === 'nsjail' && !security.privileged && (security.runAsUser ?? 0) === 0
    && security.capabilitiesAdd.includes('SETUID') && security.capabilitiesAdd.includes('SETGID') ? RETOOL_USER : undefined;
  const argv = ['/usr/bin/python3', '/probe/probe.py', 'all', parts];
  const run = runInNodeContainer<Record<string, ProbeOutcome>>(cfg, drop ? afterDrop(drop, argv) : argv, { tools, accounts: drop ? [drop] : [] });
  if (!run.output) return [`probe printed nothing: exit ${run.run.exitCode}: ${run.run.stderr.trim().slice(-300)}`];
  const out = run.output;
  // The fresh procfs step follows the container's /proc, not the profile: judged elsewhere.
  const judged = steps.filter((s) => !(PROCFS_STEPS.includes(s) && security.procMount !== 'Unmasked' && !security.privileged));
  return judged.filter((s) => !out[s]?.ok && !out[s]?.skipped).map((s) => `${s}=${out[s]?.errname || out[s]?.detail || 'missing'}`);
}

/** The full profile, then the profile without each addition in turn. */
export function minimalityRun(profile: ProfileName, options: MinimalityOptions): RemovalResult[] {
  const own = profileDefinition(profile).additions;
  const extra = (options.extraAdditions ?? []).filter((e) => !own.some((a) => a.syscall === e.syscall));
  const results: RemovalResult[] = [{ removed: '', failing: probeUnderProfile(profile, profileFileWith(profile, [...own, ...extra], options.arch), options) }];
  for (const group of [...own.map((a) => [a.syscall]), ...(options.groups ?? [])]) {
    const stray = group.filter((g) => !own.some((a) => a.syscall === g));
    if (stray.length) throw new Error(`minimality group ${group.join('+')}: ${stray.join(', ')} not an addition of profile "${profile}"`);
    const content = profileFileWith(profile, [...own.filter((x) => !group.includes(x.syscall)), ...extra], options.arch);
    results.push({ removed: group.join('+'), failing: probeUnderProfile(profile, content, options) });
  }
  return results;
}

import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Architecture } from '../targets/types';
import { addProbeFile, runInNodeContainer } from './container';
import { RETOOL_USER } from './entrypoint';
import { nodeContainerConfig } from './node-runtime';
import { RenderedSecurity } from './workload';

/**
 * Retool's iptables step (code-executor adds `-m owner --uid-owner retool_user` DROP rules for
 * 169.254.0.0/16 and 192.168.0.0/16 at start) run on a real kernel, in the container built from
 * an executor's settings, with the network namespace owned by either user namespace a node could
 * use: the container's own (containerd >= 2.0 with hostUsers: false, src/targets/pod-network.ts),
 * or the host's (the control). The facts behind the planner's NET_ADMIN decision.
 */

/** The probe, a real Python file next to this one (read from src/ by the compiled harness too). */
export const IPTABLES_PROBE_FILE = path.join(__dirname, '..', '..', 'src', 'verify', 'iptables-probe.py');

/** Which user namespace owns the container's network namespace. */
export type NetnsOwner = 'container-userns' | 'host-userns';

/** One command's result inside the probe. */
export interface CommandOutcome {
  /** Exit status 0. */
  readonly ok: boolean;
  /** Exit status. */
  readonly rc: number;
  /** Its error output (last lines). */
  readonly detail: string;
}

/** What a TCP connect to port 9 showed: `dropped` (no answer), `ECONNREFUSED` (it got through), or another errno. */
export interface ConnectOutcomes {
  /** retool_user to an address in 192.168.0.0/16. */
  readonly user_to_192: string;
  /** root to the same address. */
  readonly root_to_192: string;
  /** retool_user to 127.0.0.1. */
  readonly user_to_loopback: string;
}

/** The probe's report. */
export interface IptablesReport {
  /** `ip link set lo up`. */
  readonly link_up: CommandOutcome;
  /** `ip addr add` of the test address. */
  readonly address: CommandOutcome;
  /** iptables-legacy, Retool's rule for 169.254.0.0/16. */
  readonly legacy_owner_169: CommandOutcome;
  /** iptables-legacy, Retool's rule for 192.168.0.0/16. */
  readonly legacy_owner_192: CommandOutcome;
  /** Connects with the legacy rules in place (when they loaded). */
  readonly legacy_connect?: ConnectOutcomes;
  /** iptables-nft, Retool's rule for 169.254.0.0/16. */
  readonly nft_owner_169: CommandOutcome;
  /** iptables-nft, Retool's rule for 192.168.0.0/16. */
  readonly nft_owner_192: CommandOutcome;
  /** Connects with the nft rules in place (when they loaded). */
  readonly nft_connect?: ConnectOutcomes;
}

/** Options of probeIptables. */
export interface IptablesProbeOptions {
  /** Node architecture. */
  readonly arch: Architecture;
  /** The container's settings (user, capabilities, seccomp, /proc, user namespace). */
  readonly security: RenderedSecurity;
  /**
   * Which user namespace owns the network namespace (only meaningful with a user namespace).
   * @default 'container-userns'
   */
  readonly netnsOwner?: NetnsOwner;
  /**
   * A writable /run (an emptyDir there), where iptables-legacy takes its lock; otherwise /run is
   * the read-only root's.
   * @default true
   */
  readonly writableRun?: boolean;
}

/** The iptables tools the probe runs (Debian package iptables), and `ip` (iproute2). */
export const IPTABLES_TOOLS: readonly string[] = ['/usr/sbin/iptables-legacy', '/usr/sbin/iptables-nft', '/usr/sbin/ip', '/usr/sbin/runuser'];

/** Why the probe cannot run here, if it cannot (a missing tool). */
export function iptablesProblem(): string | undefined {
  const missing = IPTABLES_TOOLS.filter((t) => !fs.existsSync(t));
  return missing.length ? `missing ${missing.join(', ')} (Debian: apt-get install iptables iproute2 util-linux)` : undefined;
}

/** Runs Retool's iptables step in a container with `options.security`; the report, or the run's error. */
export function probeIptables(options: IptablesProbeOptions): { report?: IptablesReport; error?: string } {
  const script = addProbeFile('iptables-probe.py', fs.readFileSync(IPTABLES_PROBE_FILE, 'utf8'), 0o644);
  const cfg = nodeContainerConfig(options.security, { arch: options.arch });
  const writableRun = options.writableRun ?? true;
  const extraMounts = [{ destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755', 'size=1024k', ...(writableRun ? [] : ['ro'])] }];
  let netns: string | undefined;
  if (options.netnsOwner === 'host-userns') {
    // A network namespace created by the host's root, so owned by the host's user namespace.
    netns = `sandbox-kit-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
    const add = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' });
    if (add.status !== 0) return { error: `ip netns add: ${add.stderr.trim()}` };
  }
  try {
    const run = runInNodeContainer<IptablesReport>(cfg, ['/usr/bin/python3', script, RETOOL_USER.name, String(RETOOL_USER.uid)], {
      accounts: [RETOOL_USER],
      extraMounts,
      networkNamespacePath: netns ? `/run/netns/${netns}` : undefined,
      timeoutMs: 120000,
    });
    return run.output ? { report: run.output } : { error: `exit ${run.run.exitCode}: ${run.run.stderr.trim().slice(-500)}` };
  } finally {
    if (netns) spawnSync('ip', ['netns', 'del', netns]);
  }
}

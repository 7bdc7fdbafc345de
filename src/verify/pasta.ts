import { Architecture } from '../targets/types';
import { runInNodeContainer } from './container';
import { nodeContainerConfig } from './node-runtime';
import { RenderedSecurity } from './workload';

/**
 * pasta (Debian `passt`), the agent sandbox's network, run in the agent sandbox's container under
 * a given gvisor profile file: as the rendered user with no capabilities, in the pod's user
 * namespace, with /dev/net/tun as a device plugin hands it over. pasta creates its own user and
 * network namespaces, opens the tap device there, copies the pod's addresses and runs a command
 * inside. The pod's interface (CNI's work on a node) is stood in for by a veth set up before the
 * drop to the rendered user: the only step that runs with a capability (NET_ADMIN).
 */

/** The device pasta opens. */
export const TUN_DEVICE = { path: '/dev/net/tun', major: 10, minor: 200 } as const;

/** What pasta did. */
export interface PastaOutcome {
  /** pasta ran its command inside its namespaces, which saw the pod's address. */
  readonly ok: boolean;
  /** What it printed, or why it failed. */
  readonly detail: string;
}

/** The pod's address the stand-in interface gets, which pasta copies into its namespace. */
const POD_ADDRESS = '10.88.0.2/24';
const MARK = 'SANDBOX-KIT-PASTA';

/** Runs `pasta --config-net -- <report>` under the profile file `profileContent`. */
export function probePasta(profileContent: string, options: { readonly arch: Architecture; readonly security: RenderedSecurity }): PastaOutcome {
  const sec = options.security;
  const uid = sec.runAsUser ?? 0;
  const gid = sec.runAsGroup ?? uid;
  // Root with NET_ADMIN only for the stand-in of the pod's interface; then the rendered user, no capability.
  const setupSec: RenderedSecurity = { ...sec, runAsUser: 0, runAsGroup: 0, capabilitiesDrop: ['ALL'], capabilitiesAdd: ['NET_ADMIN', 'SETUID', 'SETGID', 'SETPCAP'], seccomp: { type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' } };
  const cfg = nodeContainerConfig(setupSec, { arch: options.arch, profileFiles: { gvisor: profileContent } });
  const script = [
    'set -e',
    'ip link add eth0 type veth peer name veth1',
    `ip addr add ${POD_ADDRESS} dev eth0`,
    'ip link set eth0 up && ip link set veth1 up',
    'ip route add default via 10.88.0.1',
    `exec setpriv --reuid=${uid} --regid=${gid} --clear-groups --inh-caps=-all --bounding-set=-all `
      + `timeout 10 pasta --quiet --config-net -- sh -c 'echo ${MARK} $(ip -br -4 addr show eth0)'`,
  ].join('\n');
  const run = runInNodeContainer(cfg, ['/bin/sh', '-c', script], { devices: [TUN_DEVICE], timeoutMs: 60000 });
  const line = run.run.stdout.split('\n').find((l) => l.startsWith(MARK));
  const ok = run.run.exitCode === 0 && line !== undefined && line.includes(POD_ADDRESS.split('/')[0]);
  const errors = run.run.stderr.split('\n').filter((l) => l.trim() && !/syslog|No external routable interface for IPv6/.test(l));
  return { ok, detail: ok ? line!.slice(MARK.length + 1) : `exit ${run.run.exitCode}${run.run.exitCode === 124 ? ' (timed out: pasta never ran its command)' : ''}: ${errors.join(' | ').slice(-400)}` };
}

import * as path from 'path';
import { plan } from '../../src/policy/planner';
import { SandboxPlan, ContainerSecurity } from '../../src/policy/plan';
import { SANDBOX_MODES } from '../../src/policy/modes';
import { SERVICE_NAMES } from '../../src/policy/services';
import { SandboxConfigError } from '../../src/policy/errors';
import { buildProfile, flattenProfile, OciSeccomp, runtimeDefaultOci } from '../../src/seccomp';
import { Architecture, TARGET_NAMES } from '../../src/targets/types';

/** Repository root (test/seccomp -> ../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The repository's verbatim copy of Docker's default profile (src/seccomp/data/NOTICE.md). */
export const BASE_PROFILE_FILE = path.join(REPO_ROOT, 'src', 'seccomp', 'data', 'docker-default.json');

/** The syscalls that must stay denied in every mode but privileged (README.md, "Proof on a real kernel"). */
export const MUST_STAY_DENIED = [
  'bpf', 'perf_event_open', 'kexec_load', 'init_module', 'finit_module', 'keyctl', 'add_key', 'request_key',
  'open_by_handle_at', 'userfaultfd', 'iopl', 'ioperm', 'reboot', 'swapon', 'acct',
] as const;

/** Every plan the planner accepts, one service enabled at a time, each mode forced. */
export function everyFeasiblePlan(): SandboxPlan[] {
  const plans: SandboxPlan[] = [];
  for (const target of TARGET_NAMES) {
    for (const service of SERVICE_NAMES) {
      for (const mode of SANDBOX_MODES) {
        const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, s === service ? { mode } : { enabled: false }]));
        try {
          plans.push(...plan({ target, retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, architectures: ['amd64', 'arm64'], services }).services);
        } catch (e) {
          if (!(e instanceof SandboxConfigError)) throw e;
        }
      }
    }
  }
  return plans;
}

/**
 * The filter a container of the plan actually runs under on `arch`, as the runtime computes it:
 * null for Unconfined.
 */
export function effectiveFilter(c: ContainerSecurity, arch: Architecture): OciSeccomp | null {
  const s = c.seccomp;
  switch (s.type) {
    case 'Unconfined': return null;
    case 'RuntimeDefault': return runtimeDefaultOci(arch, c.effectiveCapabilities);
    // dockerd resolves the Docker-format file per container exactly as the flattener does.
    case 'Localhost':
    case 'DockerDaemonDefault':
      return flattenProfile(buildProfile(s.profile), { arch, capabilities: c.effectiveCapabilities });
  }
}

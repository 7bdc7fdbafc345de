import { SandboxMode } from '../policy/modes';
import { SandboxPlan } from '../policy/plan';
import { SandboxEngine } from '../policy/services';
import { RUNSC_UNDER_MASKED_PROC } from '../targets/gvisor-runtime';
import { ENTRYPOINT_DROP_KEY } from './entrypoint';
import { Architecture } from '../targets/types';

/**
 * What each probe must do in a container, derived from the PLAN (never from the rendered output
 * the probe runs under, so a renderer that drops a setting makes the probe disagree).
 */

/** NsJail's kernel needs, in NsJail's order (probe-script.ts `nsjail`). */
export const NSJAIL_STEPS = [
  'clone_newns', 'uid_map', 'gid_map', 'mount_private', 'mount_tmpfs', 'mount_bind', 'mount_bind_ro',
  'sethostname', 'mount_proc', 'pivot_root', 'umount2', 'unshare_newns',
] as const;

/**
 * The same jail on NsJail's new mount API path (probe-script.ts `nsjail-newapi`; google/nsjail
 * mnt_newapi.cc, taken on kernels >= 6.3 with no fallback to mount(2)).
 */
export const NSJAIL_NEWAPI_STEPS = [
  'newapi_clone_newns', 'newapi_uid_map', 'newapi_gid_map', 'newapi_mount_private', 'newapi_fsopen_tmpfs',
  'newapi_fsconfig_size', 'newapi_fsconfig_create', 'newapi_fsmount_tmpfs', 'newapi_move_mount_root',
  'newapi_open_tree_bind', 'newapi_mount_setattr_bind', 'newapi_move_mount_bind', 'newapi_open_tree_mounted',
  'newapi_sethostname', 'newapi_mount_proc', 'newapi_mount_setattr_ro', 'newapi_pivot_root', 'newapi_umount2',
] as const;

/** The fresh-procfs step of each NsJail path (judged by the plan's `jail.procfs`). */
export const PROCFS_STEPS: readonly string[] = ['mount_proc', 'newapi_mount_proc'];

/** The first step of each NsJail path and NsJail's execve mode: namespace creation. */
const NAMESPACE_STEPS: readonly string[] = ['clone_newns', 'newapi_clone_newns', 'unshare_newns'];

/** gVisor's start with Debian's /usr/bin/runsc (probe-script.ts `runsc`). */
export const RUNSC_STEPS = ['runsc_do_true'] as const;

/** The probe key of `runsc do /bin/true` with one runsc release (`runsc_20240729`), or Debian's default binary. */
export function runscKey(release?: string): string {
  return release ? `runsc_${release}` : 'runsc_do_true';
}

/** The probe key of a real NsJail run: NsJail's defaults (`stock`) or the kit's configuration, per language. */
export function nsjailRunKey(kind: 'stock' | 'kit', language: string): string {
  return `nsjail_${kind}_${language}`;
}

/** Syscalls that must stay denied in every mode but privileged (x86-only ones last). */
export const DANGEROUS_SYSCALLS = [
  'bpf', 'perf_event_open', 'kexec_load', 'init_module', 'finit_module', 'keyctl', 'add_key', 'request_key',
  'open_by_handle_at', 'userfaultfd', 'reboot', 'swapon', 'acct', 'iopl', 'ioperm',
] as const;

/** Syscalls that do not exist on an architecture. */
const NOT_ON: Readonly<Record<Architecture, readonly string[]>> = { amd64: [], arm64: ['iopl', 'ioperm'] };

/** One probe's outcome as the probe script reports it. */
export interface ProbeOutcome {
  /** The call succeeded. */
  readonly ok: boolean;
  /** errno when it failed (0 for a non-errno failure such as runsc's exit status). */
  readonly errno: number;
  /** errno name. */
  readonly errname: string;
  /** Not attempted because an earlier step failed. */
  readonly skipped?: boolean;
  /** Extra detail (runsc's last error line, NsJail's error lines). */
  readonly detail?: string;
  /** What a program run in a sandbox reported about itself (uid, rlimits, sockets, cgroup). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** What a probe must do. */
export type Expected =
  /** Succeeds; where `facts` is given, the program's own report holds each of them. */
  | { readonly kind: 'pass'; readonly facts?: Readonly<Record<string, unknown>> }
  /** Fails; with `errname`, with that errno; with `detail`, with a message matching it. */
  | { readonly kind: 'fail'; readonly errname?: string; readonly detail?: RegExp }
  | { readonly kind: 'skipped' }
  /** Privileged containers: dangerous syscalls are not filtered; recorded, not asserted. */
  | { readonly kind: 'any' };

/** One probe with its expectation and why. */
export interface ProbeExpectation {
  /** Probe name (a key of the probe script's output). */
  readonly probe: string;
  /** What it must do. */
  readonly expected: Expected;
  /** Why, from the plan. */
  readonly why: string;
}

/** The plan facts expectations depend on (a refused service has no plan: `mode: 'refused'`). */
export interface PlanView {
  /** Engine. */
  readonly engine: SandboxEngine;
  /** Mode, or `refused` when the planner refuses the service on the target. */
  readonly mode: SandboxMode | 'refused';
  /** The plan's jail procfs ('none' for refused). */
  readonly procfs: 'new' | 'none';
}

/** The view of a plan. */
export function planView(plan: SandboxPlan): PlanView {
  return { engine: plan.engine, mode: plan.mode, procfs: plan.jail.procfs };
}

/** Whether the sandbox runs on the node's kernel in this mode, so the probes can prove it here. */
export function sandboxOnHostKernel(mode: PlanView['mode']): boolean {
  return mode === 'privileged' || mode === 'seccomp';
}

/** Probe commands (probe-script.ts) a service's container runs. */
export function probeParts(engine: SandboxEngine): string[] {
  return [...(engine === 'nsjail' ? ['nsjail', 'nsjail-newapi'] : ['runsc']), 'dangerous'];
}

/**
 * Expectations for one service's sandbox container:
 * - `privileged` / `seccomp`: the sandbox runs on the node kernel, so every NsJail step of both
 *   mount paths (or runsc) must pass; the fresh procfs must pass where the plan says `procfs: 'new'` and fail
 *   with EPERM where it says `'none'` (the kernel refuses a new procfs while /proc is masked);
 * - any other mode, or a refused service: the platform's defaults must stop the sandbox at its
 *   first step, clone and unshare with namespace flags failing with EPERM (RuntimeDefault's
 *   argument filter on clone, and unshare gated on CAP_SYS_ADMIN), and runsc must fail;
 * - dangerous syscalls: EPERM in every mode but privileged (and a refused service whose
 *   platform default is Unconfined: recorded only).
 */
export function expectationsFor(view: PlanView, arch: Architecture, options: ExpectationOptions = {}): ProbeExpectation[] {
  const out: ProbeExpectation[] = [];
  const onHost = sandboxOnHostKernel(view.mode);
  const modeText = view.mode === 'refused' ? 'the planner refuses this service here' : `mode ${view.mode}`;
  if (view.engine === 'nsjail') {
    // Both of NsJail's mount paths: which one runs depends on the NsJail build and the node's
    // kernel, so where the plan says NsJail works, both must.
    for (const step of [...NSJAIL_STEPS, ...NSJAIL_NEWAPI_STEPS]) {
      if (onHost) {
        if (PROCFS_STEPS.includes(step) && view.procfs === 'none') {
          out.push({ probe: step, expected: { kind: 'fail', errname: 'EPERM' }, why: 'plan: jail.procfs none (masked /proc; the NsJail config disables its procfs)' });
        } else {
          out.push({ probe: step, expected: { kind: 'pass' }, why: `${modeText}: the sandbox runs on the node kernel` });
        }
      } else if (NAMESPACE_STEPS.includes(step)) {
        out.push({ probe: step, expected: { kind: 'fail', errname: 'EPERM' }, why: `${modeText}: platform defaults deny namespace creation` });
      } else {
        out.push({ probe: step, expected: { kind: 'skipped' }, why: 'not reached: clone failed' });
      }
    }
  } else {
    for (const release of options.runscReleases ?? [undefined]) {
      out.push({ probe: runscKey(release), ...runscExpectation(view, release, modeText) });
    }
  }
  out.push(...realNsjailExpectations(view, options.realNsjail));
  for (const s of DANGEROUS_SYSCALLS) {
    if (NOT_ON[arch].includes(s)) continue;
    if (view.mode === 'privileged') {
      out.push({ probe: s, expected: { kind: 'any' }, why: 'privileged: no seccomp filter (recorded only)' });
    } else if (view.mode === 'refused' && options.refusedUnderUnconfinedDefault) {
      out.push({ probe: s, expected: { kind: 'any' }, why: 'refused by the planner; the platform default is Unconfined (recorded only: the kit deploys nothing here)' });
    } else {
      out.push({ probe: s, expected: { kind: 'fail', errname: 'EPERM' }, why: 'denied by the profile (defaultErrnoRet EPERM)' });
    }
  }
  return out;
}

/**
 * What runsc must do in a cell: start wherever the plan runs the sandbox on the node; under a
 * masked /proc (plan: jail.procfs none) only from release RUNSC_UNDER_MASKED_PROC on, since
 * runsc 20221219's gofer mounts a procfs the kernel refuses there (the plan names that release
 * as a prerequisite); never where the plan refuses it or puts it under the platform's gVisor.
 */
function runscExpectation(view: PlanView, release: string | undefined, modeText: string): Pick<ProbeExpectation, 'expected' | 'why'> {
  if (!sandboxOnHostKernel(view.mode)) return { expected: { kind: 'fail' }, why: `${modeText}: platform defaults stop runsc` };
  if (view.procfs === 'new') return { expected: { kind: 'pass' }, why: `${modeText}: runsc${release ? ` ${release}` : ''} runs in the container` };
  if (release === undefined) return { expected: { kind: 'any' }, why: `${modeText}, masked /proc: depends on the runsc release (recorded)` };
  return release >= RUNSC_UNDER_MASKED_PROC.value
    ? { expected: { kind: 'pass' }, why: `${modeText}, masked /proc: runsc ${release} needs no procfs of its own` }
    : { expected: { kind: 'fail', detail: /gofer: error mounting proc/ }, why: `${modeText}, masked /proc: runsc ${release}'s gofer mounts a procfs (the plan requires runsc ${RUNSC_UNDER_MASKED_PROC.value} or newer here)` };
}

/** Runs of the real NsJail a cell makes (the kit's configurations come from the plan). */
export interface RealNsjailRuns {
  /** Languages the service runs. */
  readonly languages: readonly string[];
  /**
   * What the kit's configuration of each language must show when it runs (empty when the plan
   * runs no NsJail configuration of the kit's: unsandboxed, refused).
   */
  readonly kitFacts: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * The account the image's entrypoint drops to before NsJail runs (`runuser`): the process must
   * then be that uid and gid with no capabilities left.
   * @default undefined (NsJail runs as the container's user)
   */
  readonly entrypointDrop?: { readonly uid: number; readonly gid: number; readonly name: string };
}

/** The fresh procfs NsJail's defaults mount, and how real NsJail reports the kernel refusing it. */
export const NSJAIL_PROC_REFUSED = /Failed to mount mandatory point: '\/proc'/;

/**
 * Expectations of the real NsJail in a cell:
 * - NsJail with its defaults (`-Mo --chroot /`, what a stock image runs, and what Retool's
 *   images do: a fresh procfs in every jail) works wherever the sandbox runs on the node with an
 *   unmasked /proc (procfs new), fails exactly at its /proc mount where the plan's jail has no
 *   procfs (masked /proc: only the kit's image runs there), and fails where the plan gives the
 *   sandbox no namespaces of its own (gVisor, unsandboxed, refused, rlimits-seccomp);
 * - the kit's configuration of each language runs its program and the program's report holds
 *   what the configuration sets.
 */
function realNsjailExpectations(view: PlanView, runs: RealNsjailRuns | undefined): ProbeExpectation[] {
  if (!runs || view.engine !== 'nsjail') return [];
  const out: ProbeExpectation[] = [];
  const onHost = sandboxOnHostKernel(view.mode);
  const drop = runs.entrypointDrop;
  if (drop) {
    out.push({ probe: ENTRYPOINT_DROP_KEY, expected: { kind: 'pass', facts: { uid: drop.uid, gid: drop.gid, capEff: 0, capPrm: 0 } }, why: `the image's entrypoint drops from root to ${drop.name} with runuser (SETUID, SETGID), keeping no capability, before NsJail runs` });
  }
  for (const language of runs.languages) {
    if (!onHost) {
      out.push({ probe: nsjailRunKey('stock', language), expected: { kind: 'fail' }, why: `mode ${view.mode}: no namespaces for NsJail here` });
    } else if (view.procfs === 'none') {
      out.push({ probe: nsjailRunKey('stock', language), expected: { kind: 'fail', detail: NSJAIL_PROC_REFUSED }, why: 'plan: jail.procfs none (masked /proc): NsJail\'s default procfs is refused, so only the kit\'s image runs here' });
    } else {
      out.push({ probe: nsjailRunKey('stock', language), expected: { kind: 'pass' }, why: `mode ${view.mode}, jail.procfs new: NsJail's defaults (and Retool's image) run` });
    }
    const facts = runs.kitFacts[language];
    if (facts) out.push({ probe: nsjailRunKey('kit', language), expected: { kind: 'pass', facts }, why: 'the kit\'s configuration for this plan runs, with what it sets' });
  }
  return out;
}

/** Options of expectationsFor. */
export interface ExpectationOptions {
  /**
   * runsc releases the cell runs (`runsc_<release>` probes).
   * @default [undefined]: Debian's /usr/bin/runsc as `runsc_do_true`
   */
  readonly runscReleases?: readonly (string | undefined)[];
  /**
   * Real NsJail runs of the cell.
   * @default none
   */
  readonly realNsjail?: RealNsjailRuns;
  /**
   * For a refused service only: the platform's default seccomp is Unconfined (self-managed
   * Kubernetes without seccompDefault), so the container it would get filters nothing. The kit
   * deploys nothing there, so the dangerous syscalls are recorded, not asserted. Ignored for a
   * planned mode, where the plan's seccomp must hold whatever the platform's default.
   * @default false
   */
  readonly refusedUnderUnconfinedDefault?: boolean;
}

/** Whether an outcome meets an expectation. */
export function meets(outcome: ProbeOutcome | undefined, expected: Expected): boolean {
  if (expected.kind === 'any') return true;
  if (!outcome) return false;
  switch (expected.kind) {
    case 'pass': return outcome.ok && !outcome.skipped && factsHold(outcome.facts, expected.facts);
    case 'skipped': return outcome.skipped === true;
    case 'fail': return !outcome.ok && !outcome.skipped && (expected.errname === undefined || outcome.errname === expected.errname)
      && (expected.detail === undefined || expected.detail.test(outcome.detail ?? ''));
  }
}

function factsHold(got: Readonly<Record<string, unknown>> | undefined, want: Readonly<Record<string, unknown>> | undefined): boolean {
  if (!want) return true;
  return Object.entries(want).every(([k, v]) => JSON.stringify(got?.[k]) === JSON.stringify(v));
}

/** Short text of an outcome for tables: `ok`, `EPERM`, `skip`, `exit 128: ...`. */
export function outcomeText(o: ProbeOutcome | undefined): string {
  if (!o) return 'missing';
  if (o.skipped) return 'skip';
  if (o.ok) return 'ok';
  if (o.errname) return o.errname;
  if (!o.detail) return 'fail';
  // runsc: the first fatal error of its gofer or sandbox names the cause better than its exit line.
  const parts = o.detail.replace(/^exit \d+(, no marker)?: /, '').split(' | ');
  const cause = (parts.find((p) => /^(gofer|boot|sandbox): /.test(p)) ?? parts[0])
    // NsJail's log prefix: [E][time][pid] function():line message
    .replace(/^\[[EFW]\]\[[^\]]*\]\[\d+\] (\w+)\(\):\d+ /, '$1: ');
  return `fail (${cause.length > 70 ? `${cause.slice(0, 67)}...` : cause})`;
}

/** Short text of an expectation. */
export function expectedText(e: Expected): string {
  switch (e.kind) {
    case 'pass': return e.facts ? `ok with ${JSON.stringify(e.facts)}` : 'ok';
    case 'skipped': return 'skip';
    case 'any': return 'any';
    case 'fail': return `${e.errname ? e.errname : 'fail'}${e.detail ? ` matching ${e.detail}` : ''}`;
  }
}

import { ConfigProblem } from '../policy/errors';
import { ProfileName } from '../policy/services';
import { PROFILE_DEFINITIONS, PROFILE_NAMES, ProfileDefinition, SyscallAddition } from './additions';
import { DOCKER_DEFAULT } from './base';
import { SeccompProfileError } from './errors';
import { isKnownSyscall } from './syscalls';
import { DockerSeccompProfile, DockerSyscallGroup, SECCOMP_ACTIONS, SeccompAction } from './types';
import { ruleOutcome, unknownSyscallProblem } from './validate';

/** Options of buildProfile. */
export interface BuildProfileOptions {
  /**
   * Additions to leave out, by syscall name: the removal proof builds the profile without one
   * addition and shows the sandbox then fails. Each name must be an addition of the profile.
   * @default [] (every addition)
   */
  readonly without?: readonly string[];
  /**
   * The base to extend.
   * @default DOCKER_DEFAULT
   */
  readonly base?: DockerSeccompProfile;
}

/** The profile definition for `name`, or a clear error. */
export function profileDefinition(name: ProfileName): ProfileDefinition {
  const def = (PROFILE_DEFINITIONS as Record<string, ProfileDefinition | undefined>)[name];
  if (!def) throw SeccompProfileError.one('profile', `unknown profile ${JSON.stringify(name)}`, PROFILE_NAMES.map((n) => `"${n}"`));
  return def;
}

/** A kit profile in Docker's format: the base plus the profile's additions (less `without`). */
export function buildProfile(name: ProfileName, options: BuildProfileOptions = {}): DockerSeccompProfile {
  const def = profileDefinition(name);
  const without = options.without ?? [];
  const names = def.additions.map((a) => a.syscall);
  const stray = without.filter((w) => !names.includes(w));
  if (stray.length) {
    throw SeccompProfileError.one('without', `${stray.map((s) => JSON.stringify(s)).join(', ')} ${stray.length === 1 ? 'is' : 'are'} not an addition of profile "${name}"`, names.map((n) => `"${n}"`));
  }
  return extendProfile(options.base ?? DOCKER_DEFAULT, def.additions.filter((a) => !without.includes(a.syscall)), name);
}

/**
 * Base plus additions, in Docker's format. Each addition replaces every base rule that names
 * its syscall (so one syscall never gets two different unconditional actions, and clone's
 * namespace-flag filter does not survive next to the addition), and is written as its own group
 * whose comment carries the reason. An addition whose syscall the base gives a different action
 * must say why in `replacesBaseRule`.
 *
 * @param label profile name, used in comments and error messages
 */
export function extendProfile(base: DockerSeccompProfile, additions: readonly SyscallAddition[], label: string): DockerSeccompProfile {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  additions.forEach((a, i) => {
    const field = `profiles.${label}.additions[${i}]`;
    if (!isKnownSyscall(a.syscall)) problems.push(unknownSyscallProblem(`${field}.syscall`, a.syscall));
    if (seen.has(a.syscall)) problems.push({ field: `${field}.syscall`, message: `"${a.syscall}" is added twice`, alternatives: ['one addition per syscall'] });
    seen.add(a.syscall);
    if (typeof a.reason !== 'string' || !a.reason.trim() || a.reason.includes('\n')) {
      problems.push({ field: `${field}.reason`, message: 'every addition needs a one-line reason', alternatives: ['why the sandbox calls this syscall, in one line'] });
    }
    if (a.provenBy !== undefined && a.unproven !== undefined) {
      problems.push({ field: `${field}.unproven`, message: `"${a.syscall}" is marked both proven (provenBy) and unproven`, alternatives: ['keep provenBy when a behavioural test shows the sandbox fails without it', 'keep unproven with why it is kept'] });
    }
    const action = a.action ?? 'SCMP_ACT_ALLOW';
    if (!(SECCOMP_ACTIONS as readonly string[]).includes(action)) problems.push({ field: `${field}.action`, message: `unknown action ${JSON.stringify(action)}`, alternatives: SECCOMP_ACTIONS });
    const outcome = ruleOutcome(action, a.errnoRet, base.defaultErrnoRet);
    const clashes = base.syscalls
      .map((g, index) => ({ g, index }))
      .filter(({ g }) => g.names.includes(a.syscall) && ruleOutcome(g.action, g.errnoRet, base.defaultErrnoRet) !== outcome);
    if (clashes.length && !a.replacesBaseRule) {
      problems.push({
        field: `${field}.replacesBaseRule`,
        message: `addition "${a.syscall}" (${outcome}) duplicates base rule ${clashes.map(({ g, index }) => `syscalls[${index}] (${describeGroup(g, base.defaultErrnoRet)})`).join(', ')} with a different action`,
        alternatives: [`set replacesBaseRule to a one-line reason why replacing the base's ${clashes[0].g.action} rule is safe`, `drop the addition of "${a.syscall}"`],
      });
    }
  });
  if (problems.length) throw new SeccompProfileError(`invalid additions of seccomp profile "${label}"`, problems);

  const added = new Set(additions.map((a) => a.syscall));
  const baseGroups: DockerSyscallGroup[] = [];
  for (const g of base.syscalls) {
    const names = g.names.filter((n) => !added.has(n));
    if (names.length) baseGroups.push(names.length === g.names.length ? g : { ...g, names });
  }
  const additionGroups: DockerSyscallGroup[] = additions.map((a) => ({
    names: [a.syscall],
    action: (a.action ?? 'SCMP_ACT_ALLOW') as SeccompAction,
    ...(a.errnoRet !== undefined ? { errnoRet: a.errnoRet } : {}),
    comment: `sandbox-kit ${label}: ${a.reason}`,
  }));
  return { ...base, syscalls: [...baseGroups, ...additionGroups] };
}

/** A group's action and conditions, for messages. */
export function describeGroup(g: DockerSyscallGroup, defaultErrnoRet: number | undefined): string {
  const parts = [ruleOutcome(g.action, g.errnoRet, defaultErrnoRet)];
  if (g.args?.length) parts.push('with args');
  if (g.includes?.caps?.length) parts.push(`includes caps ${g.includes.caps.join('+')}`);
  if (g.excludes?.caps?.length) parts.push(`excludes caps ${g.excludes.caps.join('+')}`);
  if (g.includes?.arches?.length) parts.push(`only on ${g.includes.arches.join(',')}`);
  if (g.excludes?.arches?.length) parts.push(`not on ${g.excludes.arches.join(',')}`);
  if (g.includes?.minKernel) parts.push(`kernel >= ${g.includes.minKernel}`);
  return parts.join(', ');
}

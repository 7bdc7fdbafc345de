import { ConfigProblem } from '../policy/errors';
import { isCapability } from './capabilities';
import { SeccompProfileError } from './errors';
import { isKnownSyscall, similarSyscalls } from './syscalls';
import {
  DOCKER_GOARCHES, DockerFilter, DockerSeccompProfile, OciSeccomp, SECCOMP_ACTIONS, SECCOMP_ARCHES,
  SECCOMP_OPERATORS, SeccompArg,
} from './types';

const ACTIONS = new Set<string>(SECCOMP_ACTIONS);
const OPERATORS = new Set<string>(SECCOMP_OPERATORS);
const ARCHES = new Set<string>(SECCOMP_ARCHES);
const GOARCHES = new Set<string>(DOCKER_GOARCHES);

/** Problem for an unknown syscall name, with near matches. */
export function unknownSyscallProblem(field: string, name: unknown): ConfigProblem {
  const near = typeof name === 'string' ? similarSyscalls(name) : [];
  return {
    field,
    message: `unknown syscall ${JSON.stringify(name)}: not a Linux syscall the kit knows (the Docker default profile's names plus BASE_DENIED_SYSCALLS)`,
    alternatives: near.length ? near.map((n) => `"${n}"`) : ['a syscall name as in the kernel\'s syscall tables, e.g. "pivot_root"'],
  };
}

/**
 * Checks a Docker-format profile read from JSON and returns it typed. Collects every problem
 * (unknown keys, actions, operators, architectures, capabilities, syscall names) and throws
 * them together.
 *
 * @param input parsed JSON
 * @param source file or object the input came from, prefixed to every field path
 */
export function parseDockerProfile(input: unknown, source: string): DockerSeccompProfile {
  const problems: ConfigProblem[] = [];
  const p = (field: string, message: string, alternatives: readonly string[] = []): void => {
    problems.push({ field: `${source}${field}`, message, alternatives });
  };
  if (!isObject(input)) {
    throw new SeccompProfileError(`invalid seccomp profile ${source}`, [{ field: source, message: 'not a JSON object', alternatives: [] }]);
  }
  unknownKeys(input, ['defaultAction', 'defaultErrnoRet', 'archMap', 'architectures', 'syscalls', 'flags'], '', p);
  if (!ACTIONS.has(input.defaultAction as string)) p('.defaultAction', `unknown action ${JSON.stringify(input.defaultAction)}`, SECCOMP_ACTIONS);
  if (input.defaultErrnoRet !== undefined && !isErrno(input.defaultErrnoRet)) p('.defaultErrnoRet', 'must be a non-negative integer');
  if (input.archMap !== undefined) {
    if (!Array.isArray(input.archMap)) p('.archMap', 'must be a list');
    else input.archMap.forEach((e: unknown, i: number) => {
      const f = `.archMap[${i}]`;
      if (!isObject(e)) return p(f, 'must be an object');
      if (!ARCHES.has(e.architecture as string)) p(`${f}.architecture`, `unknown architecture ${JSON.stringify(e.architecture)}`, SECCOMP_ARCHES);
      if (e.subArchitectures !== null && e.subArchitectures !== undefined) {
        if (!Array.isArray(e.subArchitectures)) p(`${f}.subArchitectures`, 'must be a list or null');
        else e.subArchitectures.forEach((a: unknown, j: number) => {
          if (!ARCHES.has(a as string)) p(`${f}.subArchitectures[${j}]`, `unknown architecture ${JSON.stringify(a)}`, SECCOMP_ARCHES);
        });
      }
    });
  }
  if (!Array.isArray(input.syscalls)) {
    p('.syscalls', 'must be a list of syscall groups');
  } else {
    input.syscalls.forEach((g: unknown, i: number) => {
      const f = `.syscalls[${i}]`;
      if (!isObject(g)) return p(f, 'must be an object');
      unknownKeys(g, ['names', 'action', 'args', 'errnoRet', 'comment', 'includes', 'excludes'], f, p);
      if (!Array.isArray(g.names) || g.names.length === 0) p(`${f}.names`, 'must be a non-empty list of syscall names');
      else g.names.forEach((n: unknown, j: number) => {
        if (typeof n !== 'string' || !isKnownSyscall(n)) problems.push(unknownSyscallProblem(`${source}${f}.names[${j}]`, n));
      });
      if (!ACTIONS.has(g.action as string)) p(`${f}.action`, `unknown action ${JSON.stringify(g.action)}`, SECCOMP_ACTIONS);
      if (g.errnoRet !== undefined && !isErrno(g.errnoRet)) p(`${f}.errnoRet`, 'must be a non-negative integer');
      if (g.args !== undefined && g.args !== null) checkArgs(g.args, `${f}.args`, p);
      for (const k of ['includes', 'excludes'] as const) {
        if (g[k] !== undefined) checkFilter(g[k], `${f}.${k}`, p);
      }
    });
  }
  if (problems.length) throw new SeccompProfileError(`invalid seccomp profile ${source}`, problems);
  return input as unknown as DockerSeccompProfile;
}

/**
 * Checks an OCI `LinuxSeccomp` object before it is written: known actions and names, a
 * non-empty architecture list, and no syscall with two different actions.
 */
export function validateOciSeccomp(seccomp: OciSeccomp, source: string): void {
  const problems: ConfigProblem[] = [];
  if (!ACTIONS.has(seccomp.defaultAction)) problems.push({ field: `${source}.defaultAction`, message: `unknown action ${JSON.stringify(seccomp.defaultAction)}`, alternatives: SECCOMP_ACTIONS });
  if (!Array.isArray(seccomp.architectures) || seccomp.architectures.length === 0) {
    problems.push({
      field: `${source}.architectures`,
      message: 'empty architecture list: runc would then filter only the native ABI and refuse every 32-bit compat syscall, and containerd gives no error',
      alternatives: ['amd64: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]', 'arm64: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]'],
    });
  } else {
    seccomp.architectures.forEach((a, i) => {
      if (!ARCHES.has(a)) problems.push({ field: `${source}.architectures[${i}]`, message: `unknown architecture ${JSON.stringify(a)}`, alternatives: SECCOMP_ARCHES });
    });
  }
  seccomp.syscalls.forEach((s, i) => {
    if (!ACTIONS.has(s.action)) problems.push({ field: `${source}.syscalls[${i}].action`, message: `unknown action ${JSON.stringify(s.action)}`, alternatives: SECCOMP_ACTIONS });
    s.names.forEach((n, j) => {
      if (!isKnownSyscall(n)) problems.push(unknownSyscallProblem(`${source}.syscalls[${i}].names[${j}]`, n));
    });
  });
  problems.push(...ruleConflicts(seccomp, source));
  if (problems.length) throw new SeccompProfileError(`invalid OCI seccomp profile ${source}`, problems);
}

/** How a rule treats a syscall, as a comparable string: action plus errno. */
export function ruleOutcome(action: string, errnoRet: number | undefined, defaultErrnoRet: number | undefined): string {
  return action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE' ? `${action}(${errnoRet ?? defaultErrnoRet ?? 1})` : action;
}

/**
 * Syscalls that get two different outcomes: two unconditional rules with different actions, or
 * an unconditional rule next to a conditional one with another action. libseccomp either
 * rejects such a filter or lets the first rule win, depending on version: neither is acceptable.
 */
export function ruleConflicts(seccomp: OciSeccomp, source: string): ConfigProblem[] {
  const rules = new Map<string, { outcome: string; conditional: boolean; index: number }[]>();
  seccomp.syscalls.forEach((s, index) => {
    const outcome = ruleOutcome(s.action, s.errnoRet, seccomp.defaultErrnoRet);
    for (const n of s.names) {
      const list = rules.get(n) ?? [];
      list.push({ outcome, conditional: (s.args?.length ?? 0) > 0, index });
      rules.set(n, list);
    }
  });
  const problems: ConfigProblem[] = [];
  for (const [name, list] of rules) {
    const outcomes = new Set(list.map((r) => r.outcome));
    if (outcomes.size > 1 && list.some((r) => !r.conditional)) {
      problems.push({
        field: `${source}.syscalls`,
        message: `syscall "${name}" has conflicting rules: ${list.map((r) => `syscalls[${r.index}] ${r.outcome}${r.conditional ? ' (with args)' : ''}`).join(', ')}`,
        alternatives: ['keep exactly one unconditional rule per syscall (an addition replaces every base rule of its syscall)'],
      });
    }
  }
  return problems;
}

function checkArgs(args: unknown, field: string, p: (f: string, m: string, a?: readonly string[]) => void): void {
  if (!Array.isArray(args)) return p(field, 'must be a list');
  args.forEach((a: unknown, i: number) => {
    const f = `${field}[${i}]`;
    if (!isObject(a)) return p(f, 'must be an object');
    const arg = a as Partial<SeccompArg>;
    if (!Number.isInteger(arg.index) || (arg.index as number) < 0 || (arg.index as number) > 5) p(`${f}.index`, 'must be an integer from 0 to 5');
    if (!Number.isInteger(arg.value) || (arg.value as number) < 0) p(`${f}.value`, 'must be a non-negative integer');
    if (arg.valueTwo !== undefined && (!Number.isInteger(arg.valueTwo) || arg.valueTwo < 0)) p(`${f}.valueTwo`, 'must be a non-negative integer');
    if (!OPERATORS.has(arg.op as string)) p(`${f}.op`, `unknown operator ${JSON.stringify(arg.op)}`, SECCOMP_OPERATORS);
  });
}

function checkFilter(filter: unknown, field: string, p: (f: string, m: string, a?: readonly string[]) => void): void {
  if (!isObject(filter)) return p(field, 'must be an object');
  unknownKeys(filter, ['caps', 'arches', 'minKernel'], field, p);
  const f = filter as DockerFilter;
  if (f.caps !== undefined) {
    if (!Array.isArray(f.caps)) p(`${field}.caps`, 'must be a list');
    else f.caps.forEach((c, i) => {
      if (typeof c !== 'string' || !c.startsWith('CAP_') || !isCapability(c)) p(`${field}.caps[${i}]`, `unknown capability ${JSON.stringify(c)}`, ['CAP_-prefixed Linux capability names, e.g. CAP_SYS_ADMIN']);
    });
  }
  if (f.arches !== undefined) {
    if (!Array.isArray(f.arches)) p(`${field}.arches`, 'must be a list');
    else f.arches.forEach((a, i) => {
      if (!GOARCHES.has(a)) p(`${field}.arches[${i}]`, `unknown architecture ${JSON.stringify(a)}`, DOCKER_GOARCHES);
    });
  }
  if (f.minKernel !== undefined && !/^\d+\.\d+$/.test(f.minKernel)) p(`${field}.minKernel`, `must look like "4.8", got ${JSON.stringify(f.minKernel)}`);
}

function unknownKeys(o: Record<string, unknown>, known: readonly string[], field: string, p: (f: string, m: string, a?: readonly string[]) => void): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) p(`${field}.${k}`, 'unknown key', known);
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isErrno(x: unknown): boolean {
  return Number.isInteger(x) && (x as number) >= 0;
}

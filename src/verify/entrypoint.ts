import { plansNsjail } from '../images/nsjail-config';
import { SandboxPlan } from '../policy/plan';
import { RenderedSecurity } from './workload';

/**
 * Retool's executor images start as root and their entrypoint drops to `retool_user` with
 * `runuser` before it starts the service, which then runs NsJail (retool-onpremise #271: "that
 * requires starting as root"; retool-helm #379 adds SETUID and SETGID "for the drop to
 * retool_user at startup"). The harness does the same drop wherever a rendered executor
 * container running Retool's image starts as root, so NsJail is proven the way the service starts it.
 */

/** An account the container's /etc/passwd and /etc/group hold. */
export interface ContainerAccount {
  /** Login name. */
  readonly name: string;
  /** uid inside the container. */
  readonly uid: number;
  /** Primary gid inside the container. */
  readonly gid: number;
}

/**
 * Retool's `retool_user`: uid/gid 1001, the user Retool runs code-executor as where it runs
 * unsandboxed (its ECS Fargate template, `User: "1001:1001"`), and the agent sandbox's user.
 */
export const RETOOL_USER: ContainerAccount = { name: 'retool_user', uid: 1001, gid: 1001 };

/** runuser inside the containers (util-linux, Debian's path). */
export const RUNUSER = '/usr/sbin/runuser';

/** The probe command's key that reports who the process is after the drop. */
export const ENTRYPOINT_DROP_KEY = 'entrypoint_drop';

/**
 * The account Retool's entrypoint drops to in this container, or undefined when there is no drop:
 * only Retool's NsJail executors starting as root drop (the kit's own image and the unsandboxed
 * mode run as the rendered user).
 */
export function entrypointDropOf(plan: SandboxPlan | undefined, security: RenderedSecurity): ContainerAccount | undefined {
  if (!plan || plan.service === 'agent-sandbox' || plan.imageKind !== 'retool' || !plansNsjail(plan)) return undefined;
  return (security.runAsUser ?? 0) === 0 ? RETOOL_USER : undefined;
}

/** `argv` run the way the entrypoint runs it after its drop to `account`. */
export function afterDrop(account: ContainerAccount, argv: readonly string[]): string[] {
  return [RUNUSER, '-u', account.name, '--', ...argv];
}

/**
 * A Python program (run after the drop) that prints `marker` and the process's uid, gid,
 * effective and permitted capabilities and no_new_privs: what NsJail then starts with.
 */
export const whoAmI = (marker: string): string => [
  'import json, os',
  's = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\\t" in l)',
  'f = {"uid": os.getuid(), "gid": os.getgid(), "capEff": int(s["CapEff"], 16), "capPrm": int(s["CapPrm"], 16), "noNewPrivs": int(s["NoNewPrivs"])}',
  `print("${marker} " + json.dumps(f))`,
].join('\n');

/** The /etc/passwd and /etc/group of a container: the host's, plus `accounts`. */
export function accountFiles(hostPasswd: string, hostGroup: string, accounts: readonly ContainerAccount[]): { passwd: string; group: string } {
  const names = new Set(accounts.map((a) => a.name));
  const keep = (text: string): string[] => text.split('\n').filter((l) => l && !names.has(l.split(':')[0]));
  return {
    passwd: [...keep(hostPasswd), ...accounts.map((a) => `${a.name}:x:${a.uid}:${a.gid}::/tmp:/usr/sbin/nologin`)].join('\n') + '\n',
    group: [...keep(hostGroup), ...accounts.map((a) => `${a.name}:x:${a.gid}:`)].join('\n') + '\n',
  };
}

import { plansNsjail, renderNsjailConfigs, SERVICE_LANGUAGES } from '../images/nsjail-config';
import { JailLanguage, resolveNsjailOptions } from '../images/nsjail-options';
import { SandboxPlan } from '../policy/plan';
import { ServiceName } from '../policy/services';
import { addProbeFile } from './container';
import { ContainerAccount, ENTRYPOINT_DROP_KEY, whoAmI } from './entrypoint';
import { nsjailRunKey, RealNsjailRuns } from './expectations';

/**
 * Runs of the real NsJail inside a cell's container: NsJail's defaults (`-Mo --chroot /`, what a
 * stock image runs) and the kit's generated configuration of the plan, for each language the
 * service runs. Each runs a small program that prints a marker and what it sees of its sandbox
 * (uid, rlimits, sockets, cgroup), so a configuration that starts but does not apply its settings
 * disagrees too.
 */

/** The line prefix the programs print before their JSON report. */
export const SANDBOX_MARKER = 'SANDBOX-KIT-MARK';

/** What each language's program reports: uid; python also RLIMIT_AS, RLIMIT_NOFILE, an AF_INET socket's errno, its NsJail cgroup. */
export const SANDBOX_PROGRAMS: Readonly<Record<JailLanguage, string>> = {
  python: [
    'import json, os, resource, socket',
    'f = {"uid": os.getuid(), "as": resource.getrlimit(resource.RLIMIT_AS)[0], "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0]}',
    'try:',
    '    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close(); f["inet"] = 0',
    'except OSError as e:',
    '    f["inet"] = e.errno',
    'try:',
    '    f["nsjail_cgroup"] = any("NSJAIL" in l for l in open("/proc/self/cgroup"))',
    'except OSError:',
    '    f["nsjail_cgroup"] = None',
    `print("${SANDBOX_MARKER} " + json.dumps(f))`,
    '',
  ].join('\n'),
  javascript: `console.log("${SANDBOX_MARKER} " + JSON.stringify({ uid: process.getuid() }));\n`,
};

/** The interpreter command line of each language for NsJail's defaults (program as an argument). */
function stockCommand(language: JailLanguage): string[] {
  return language === 'python' ? ['/usr/bin/python3', '-c', SANDBOX_PROGRAMS.python] : ['/usr/bin/node', '-e', SANDBOX_PROGRAMS.javascript];
}

/** NsJail's own defaults, as a stock image (and Retool's, with its fresh procfs) runs them. */
export const NSJAIL_STOCK_FLAGS: readonly string[] = ['-Mo', '--chroot', '/'];

/** One command for the probe's `exec` part. */
export interface ProbeCommand {
  /** Key in the probe's output. */
  readonly id: string;
  /** Command line (paths inside the container). */
  readonly argv: readonly string[];
  /** Standard input. */
  readonly stdin?: string;
  /** What standard output must contain. */
  readonly marker: string;
  /** Seconds before it is killed. */
  readonly timeout?: number;
}

/**
 * What the program under the kit's configuration must report: the limits the configuration
 * sets, the jail's uid where it maps one, sockets refused where it has no network namespace, and
 * its own cgroup where it manages cgroups.
 */
export function kitFacts(plan: SandboxPlan, language: JailLanguage): Record<string, unknown> {
  const o = resolveNsjailOptions(plan, language);
  const facts: Record<string, unknown> = {};
  if (plan.jail.namespaces) facts.uid = o.jailId;
  if (language === 'python') {
    facts.as = o.addressSpaceMiB === 'unlimited' ? -1 : o.addressSpaceMiB * 1024 * 1024;
    facts.nofile = o.maxOpenFiles;
    // A new network namespace has loopback; without one the filter refuses AF_INET (EAFNOSUPPORT, 97).
    facts.inet = plan.jail.namespaces ? 0 : 97;
    if (plan.jail.procfs === 'new') facts.nsjail_cgroup = plan.jail.cgroups;
  }
  return facts;
}

/** Languages a service's NsJail runs. */
export function serviceLanguages(service: ServiceName): readonly JailLanguage[] {
  return service === 'agent-sandbox' ? [] : SERVICE_LANGUAGES[service];
}

/**
 * The real NsJail commands of a cell and what they must show. The kit's configurations are
 * written into the probe directory (`/probe/<tag>-<language>.cfg`).
 *
 * @param nsjail NsJail's path inside the container
 * @param tag a file name prefix unique to the cell
 * @param configText what to run instead of a generated configuration (negative controls)
 * @param dropTo the account the image's entrypoint drops to before it runs NsJail (Retool's
 *   `runuser`, entrypoint.ts), when the probe runs after that drop: a first command then reports
 *   who the process is, and the kit's configurations are not run (they are the kit's image's,
 *   which runs as the rendered user and maps that uid; Retool's image runs its own)
 */
export function realNsjailRuns(
  service: ServiceName, plan: SandboxPlan | undefined, nsjail: string, tag: string,
  configText: (generated: string, language: string) => string = (t) => t,
  dropTo?: ContainerAccount,
): { commands: ProbeCommand[]; expectations: RealNsjailRuns } {
  const languages = serviceLanguages(service);
  const commands: ProbeCommand[] = [];
  if (dropTo) commands.push({ id: ENTRYPOINT_DROP_KEY, argv: ['/usr/bin/python3', '-c', whoAmI(SANDBOX_MARKER)], marker: SANDBOX_MARKER });
  const kitFactsByLanguage: Record<string, Record<string, unknown>> = {};
  for (const language of languages) {
    commands.push({ id: nsjailRunKey('stock', language), argv: [nsjail, ...NSJAIL_STOCK_FLAGS, '--', ...stockCommand(language)], marker: SANDBOX_MARKER });
  }
  if (plan && plansNsjail(plan) && !dropTo) {
    for (const cfg of renderNsjailConfigs(plan)) {
      const file = addProbeFile(`${tag}-${cfg.language}.cfg`, configText(cfg.text, cfg.language), 0o644);
      commands.push({ id: nsjailRunKey('kit', cfg.language), argv: [nsjail, '--config', file], stdin: SANDBOX_PROGRAMS[cfg.language], marker: SANDBOX_MARKER });
      kitFactsByLanguage[cfg.language] = kitFacts(plan, cfg.language);
    }
  }
  return { commands, expectations: { languages, kitFacts: kitFactsByLanguage, ...(dropTo ? { entrypointDrop: dropTo } : {}) } };
}

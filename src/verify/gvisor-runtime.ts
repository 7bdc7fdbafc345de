import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { plansNsjail, renderNsjailConfigs } from '../images/nsjail-config';
import { plan as makePlan } from '../policy/planner';
import { SandboxPlan } from '../policy/plan';
import { ServiceName } from '../policy/services';
import { Architecture } from '../targets/types';
import { addProbeFile, containerToolPath, probeHostDir, TOOLS_DIR } from './container';
import { expectedText, meets, nsjailRunKey, outcomeText, ProbeExpectation, ProbeOutcome, runscKey } from './expectations';
import { Scenario } from './matrix';
import { nodeContainerConfig } from './node-runtime';
import { buildOciSpec, OciMount, prepareRootfs } from './oci-spec';
import { PROBE_SCRIPT } from './probe-script';
import { kitFacts, NSJAIL_STOCK_FLAGS, ProbeCommand, SANDBOX_MARKER, SANDBOX_PROGRAMS, serviceLanguages } from './real-nsjail';
import { servicesUnderTest, ServiceUnderTest } from './rendered';
import { RunscBinary } from './tools';
import { RenderedSecurity } from './workload';

/**
 * gVisor as the platform's RuntimeClass (GKE Sandbox, `runtimeClassName: gvisor`), run for real:
 * the pod's container is started with `runsc run` as root from an OCI bundle built from the
 * rendered pod (its user, capabilities, no_new_privs, read-only root, containerd's mounts), the
 * way the runsc shim starts it on a GKE Sandbox node, with every runsc release provisioned. Inside
 * it, the probe does what the service does: code-executor's unprivileged mode runs the program
 * itself; NsJail runs with its defaults and with the kit's configuration; the agent sandbox
 * starts its own runsc. Expectations come from the plan, so a plan that promises a sandbox
 * inside gVisor that cannot start there disagrees.
 *
 * runsc applies the pod's seccomp profile inside the sandbox only with `--oci-seccomp`; the
 * check runs without it, the more permissive case, so a failure is gVisor's own.
 */

/** The probe keys of a program run directly by the service's own process (code-executor's unprivileged mode). */
export function directRunKey(language: string): string {
  return `direct_${language}`;
}

/** What runs in a cell under gVisor and what each run must do. */
export interface GvisorRuns {
  /** Commands for the probe's `exec` part. */
  readonly commands: readonly ProbeCommand[];
  /** Expectations from the plan. */
  readonly expectations: readonly ProbeExpectation[];
}

/** The kit's configuration a service's own full jail would run (its gke-standard plan: namespaces, procfs). */
function namespacedConfigs(service: ServiceName): ReturnType<typeof renderNsjailConfigs> {
  const p = makePlan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', services: { [service]: {}, ...Object.fromEntries((['code-executor', 'js-executor', 'agent-sandbox'] as const).filter((s) => s !== service).map((s) => [s, { enabled: false }])) } }).services[0];
  return renderNsjailConfigs(p);
}

/**
 * The runs of one service under gVisor and their expectations:
 * - NsJail services: the program run directly by the service (what its unprivileged mode does)
 *   passes where the plan runs it so (insideGvisor unsandboxed); NsJail with its defaults passes
 *   only where the plan gives the jail namespaces; the kit's configuration of the plan passes
 *   (with what it sets); a refused service's own namespaced jail must fail;
 * - the agent sandbox: its runsc (each release) passes only where the plan runs it there.
 */
export function gvisorRuns(service: ServiceName, plan: SandboxPlan | undefined, tools: { nsjail: string; runsc: readonly RunscBinary[] }, tag: string): GvisorRuns {
  const commands: ProbeCommand[] = [];
  const expectations: ProbeExpectation[] = [];
  const mode = plan ? `mode ${plan.mode}${plan.insideGvisor ? ` (${plan.insideGvisor} inside gVisor)` : ''}` : 'refused by the planner';
  if (service === 'agent-sandbox') {
    for (const r of tools.runsc) {
      commands.push({ id: runscKey(r.release), argv: [containerToolPath(r.path), '--rootless', '--network=none', '--ignore-cgroups', '--root', '/tmp/runsc-nested', 'do', '/bin/true'], marker: '' });
      expectations.push({ probe: runscKey(r.release), expected: plan ? { kind: 'pass' } : { kind: 'fail' }, why: plan ? `${mode}: the plan runs the agent sandbox's runsc here` : `${mode}: runsc cannot nest inside gVisor` });
    }
    return { commands, expectations };
  }
  const nsjail = containerToolPath(tools.nsjail);
  for (const language of serviceLanguages(service)) {
    if (plan?.insideGvisor === 'unsandboxed') {
      commands.push({ id: directRunKey(language), argv: language === 'python' ? ['/usr/bin/python3', '-c', SANDBOX_PROGRAMS.python] : ['/usr/bin/node', '-e', SANDBOX_PROGRAMS.javascript], marker: SANDBOX_MARKER });
      expectations.push({ probe: directRunKey(language), expected: { kind: 'pass' }, why: `${mode}: the service runs the program as its own process` });
    }
    const stock = [nsjail, ...NSJAIL_STOCK_FLAGS, '--', ...(language === 'python' ? ['/usr/bin/python3', '-c', SANDBOX_PROGRAMS.python] : ['/usr/bin/node', '-e', SANDBOX_PROGRAMS.javascript])];
    commands.push({ id: nsjailRunKey('stock', language), argv: stock, marker: SANDBOX_MARKER });
    const jailed = plan !== undefined && plan.jail.namespaces;
    expectations.push({ probe: nsjailRunKey('stock', language), expected: jailed ? { kind: 'pass' } : { kind: 'fail' }, why: jailed ? `${mode}: the plan promises NsJail's namespaces here` : `${mode}: NsJail cannot create its namespaces inside gVisor` });
  }
  const configs = plan && plansNsjail(plan) ? renderNsjailConfigs(plan) : plan ? [] : namespacedConfigs(service);
  for (const cfg of configs) {
    const file = addProbeFile(`${tag}-${cfg.language}.cfg`, cfg.text, 0o644);
    commands.push({ id: nsjailRunKey('kit', cfg.language), argv: [nsjail, '--config', file], stdin: SANDBOX_PROGRAMS[cfg.language], marker: SANDBOX_MARKER });
    expectations.push(plan
      ? { probe: nsjailRunKey('kit', cfg.language), expected: { kind: 'pass', facts: kitFacts(plan, cfg.language) }, why: `${mode}: the kit's configuration of this plan runs inside gVisor` }
      : { probe: nsjailRunKey('kit', cfg.language), expected: { kind: 'fail' }, why: `${mode}: the service's own jail (its gke-standard configuration, with namespaces) cannot start inside gVisor` });
  }
  return { commands, expectations };
}

/** The result of one service under one runsc release. */
export interface GvisorResult {
  /** Outcomes by probe. */
  readonly outcomes: Readonly<Record<string, ProbeOutcome>>;
  /** Expectations that did not hold. */
  readonly disagreements: readonly string[];
  /** runsc's exit and stderr when the probe printed nothing. */
  readonly error?: string;
}

/**
 * Runs `args` as the pod's container under `runsc run` (as root, `--network=none`, cgroups left to
 * the host), with the host's system directories read-only, the probe at /probe and the tools at
 * containerToolPath(). Returns the JSON the probe printed.
 */
export function runUnderGvisor<T>(security: RenderedSecurity, runsc: RunscBinary, args: readonly string[], options: { arch: Architecture; tools: readonly string[]; timeoutMs?: number }): { output?: T; exitCode: number | null; stderr: string } {
  const node = nodeContainerConfig(security, { arch: options.arch });
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-gvisor-'));
  fs.chmodSync(bundle, 0o755);
  const id = `sandbox-kit-gvisor-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const state = path.join(bundle, 'state');
  try {
    const rootfs = path.join(bundle, 'rootfs');
    const binds = prepareRootfs(rootfs);
    const tools = new Map<string, OciMount>();
    for (const t of options.tools) {
      const inside = path.posix.dirname(containerToolPath(t));
      tools.set(inside, { destination: inside, type: 'bind', source: path.dirname(path.resolve(t)), options: ['rbind', 'ro'] });
    }
    fs.writeFileSync(path.join(probeHostDir(), 'probe.py'), PROBE_SCRIPT, { mode: 0o644 });
    const mounts: OciMount[] = [{ destination: '/probe', type: 'bind', source: probeHostDir(), options: ['rbind', 'ro'] }, ...tools.values()];
    for (const d of ['proc', 'dev', 'sys', 'probe', TOOLS_DIR.slice(1), ...[...tools.keys()].map((k) => k.slice(1))]) fs.mkdirSync(path.join(rootfs, d), { recursive: true, mode: 0o755 });
    const spec = buildOciSpec({
      args, user: node.user, capabilities: node.capabilities, noNewPrivileges: node.noNewPrivileges, readonlyRoot: node.readonlyRoot,
      cwd: '/tmp', env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/tmp'], seccomp: node.seccomp, extraMounts: mounts,
    }, binds);
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    const r = spawnSync(runsc.path, ['--root', state, '--network=none', '--ignore-cgroups', 'run', '--bundle', bundle, id], {
      encoding: 'utf8', timeout: options.timeoutMs ?? 180000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024,
    });
    const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
    let output: T | undefined;
    try {
      output = line ? JSON.parse(line) as T : undefined;
    } catch {
      output = undefined;
    }
    return { output, exitCode: r.status, stderr: `${r.error ? `${r.error.message}\n` : ''}${r.stderr ?? ''}` };
  } finally {
    spawnSync(runsc.path, ['--root', state, 'delete', '-force', id], { stdio: 'ignore', timeout: 30000 });
    fs.rmSync(bundle, { recursive: true, force: true });
  }
}

/** One service of a scenario under gVisor, with every runsc release. */
export interface GvisorCell {
  /** Scenario label. */
  readonly scenario: string;
  /** Service. */
  readonly service: ServiceName;
  /** The plan's mode, or `refused`. */
  readonly mode: string;
  /** Results by runsc release. */
  readonly results: Readonly<Record<string, GvisorResult>>;
}

/**
 * Runs every service of a scenario under each runsc release as its pod's container: services the
 * plan puts under gvisor-runtimeclass as rendered, services the planner refuses under the
 * platform's most permissive defaults (what they would get if deployed anyway).
 */
export function verifyUnderGvisor(scenario: Scenario, options: { arch: Architecture; nsjail: string; runsc: readonly RunscBinary[]; plans?: (sut: ServiceUnderTest) => SandboxPlan | undefined }): GvisorCell[] {
  const cells: GvisorCell[] = [];
  for (const sut of servicesUnderTest(scenario.config)) {
    const p = options.plans ? options.plans(sut) : sut.plan;
    if (p && p.mode !== 'gvisor-runtimeclass') continue;
    const tag = `gvisor-${scenario.id}-${sut.service}`.replace(/[^a-z0-9-]+/gi, '_');
    const runs = gvisorRuns(sut.service, p, { nsjail: options.nsjail, runsc: options.runsc }, tag);
    const file = addProbeFile(`${tag}.json`, JSON.stringify(runs.commands), 0o644);
    const results: Record<string, GvisorResult> = {};
    for (const r of options.runsc) {
      const run = runUnderGvisor<Record<string, ProbeOutcome>>(sut.container.security, r, ['/usr/bin/python3', '/probe/probe.py', 'exec-runs', file], { arch: options.arch, tools: [options.nsjail, ...options.runsc.map((x) => x.path)] });
      const outcomes = run.output ?? {};
      results[r.release] = {
        outcomes,
        disagreements: runs.expectations.filter((e) => !meets(outcomes[e.probe], e.expected))
          .map((e) => `${e.probe}: expected ${expectedText(e.expected)}, got ${outcomeText(outcomes[e.probe])}${outcomes[e.probe]?.detail ? ` (${outcomes[e.probe]?.detail})` : ''} [${e.why}]`),
        error: run.output ? undefined : `runsc ${r.release} run: exit ${run.exitCode}: ${run.stderr.trim().slice(-500)}`,
      };
    }
    cells.push({ scenario: scenario.id, service: sut.service, mode: p ? `${p.mode}${p.insideGvisor ? ` (${p.insideGvisor} inside)` : ''}` : 'refused', results });
  }
  return cells;
}

/** The results as a Markdown table: scenario × service × runsc release. */
export function gvisorResultsTable(cells: readonly GvisorCell[]): string {
  const lines = ['| scenario | service | plan | runsc | outcomes | agrees with plan |', '|---|---|---|---|---|---|'];
  for (const c of cells) {
    for (const [release, r] of Object.entries(c.results)) {
      const outcomes = Object.entries(r.outcomes).map(([k, o]) => `${k}: ${outcomeText(o)}`).join('; ').replace(/\|/g, '\\|');
      lines.push(`| ${c.scenario} | ${c.service} | ${c.mode} | ${release} | ${outcomes || r.error} | ${r.disagreements.length || r.error ? `NO: ${r.disagreements.join('; ') || r.error}` : 'yes'} |`);
    }
  }
  return lines.join('\n');
}

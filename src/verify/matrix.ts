import * as fs from 'fs';
import * as path from 'path';
import { SandboxKitConfig } from '../policy/config';
import { ProfileName, ServiceName } from '../policy/services';
import { Architecture, TargetName } from '../targets/types';
import { addProbeFile, containerToolPath, runInNodeContainer } from './container';
import { expectationsFor, expectedText, meets, NSJAIL_NEWAPI_STEPS, NSJAIL_STEPS, outcomeText, PlanView, planView, PROCFS_STEPS, ProbeExpectation, ProbeOutcome, probeParts, RealNsjailRuns, sandboxOnHostKernel } from './expectations';
import { knownGap } from './known-gaps';
import { nodeContainerConfig, NodeContainerConfig } from './node-runtime';
import { realNsjailRuns } from './real-nsjail';
import { afterDrop, ENTRYPOINT_DROP_KEY, entrypointDropOf } from './entrypoint';
import { ServiceUnderTest, servicesUnderTest } from './rendered';
import { RunscBinary } from './tools';

/** One deployment configuration the verification runs: a target and the options that pick its modes. */
export interface Scenario {
  /** Row label, e.g. `eks` or `eks (privileged)`. */
  readonly id: string;
  /** Config given to the planner. */
  readonly config: SandboxKitConfig;
  /**
   * Renderer options of the app that renders it (the example's `renderer`).
   * @default {}
   */
  readonly renderer?: Record<string, unknown>;
  /** What the scenario shows. */
  readonly note: string;
}

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/** The renderer options a target of an example renders with: `renderer`, its `rendererOverrides` entry over it. */
function exampleRenderer(file: string, family: 'kubernetes' | 'aws', target?: TargetName): Record<string, unknown> {
  const raw = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as Record<string, { renderer?: Record<string, unknown>; rendererOverrides?: Record<string, Record<string, unknown>> }>;
  const { $comment: _comment, ...override } = (target && raw[family]?.rendererOverrides?.[target]) || {};
  return { ...(raw[family]?.renderer ?? {}), ...override };
}

function exampleDefaults(file: string, family: 'kubernetes' | 'aws', target: TargetName): SandboxKitConfig {
  const raw = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as Record<string, { defaults?: Record<string, unknown> }>;
  return { ...(raw[family]?.defaults ?? {}), target } as SandboxKitConfig;
}

/** Executors on an image built from the kit's NsJail runtime image (imageKind "kit"). */
const KIT_EXECUTORS = {
  'code-executor': { imageKind: 'kit' as const, image: 'registry.example.com/code-executor-on-sandbox-kit-nsjail:1.0.0' },
  'js-executor': { imageKind: 'kit' as const, image: 'registry.example.com/js-executor-on-sandbox-kit-nsjail:1.0.0' },
};

/**
 * Every target's default plan (the main job's), the example configs, and the modes defaults do
 * not reach: privileged NsJail where seccomp is possible, and the kit's image where /proc stays
 * masked (seccomp with a jail without procfs) or inside gVisor (its rlimits-only jail).
 */
export function scenarios(): Scenario[] {
  const privilegedNsjail = { 'code-executor': { mode: 'privileged' as const }, 'js-executor': { mode: 'privileged' as const }, 'agent-sandbox': { enabled: false } };
  return [
    { id: 'eks', config: { target: 'eks', retoolVersion: '3.334.0-stable' }, note: 'default plan' },
    {
      id: 'eks (kit image)',
      config: { target: 'eks', retoolVersion: '3.334.0-stable', services: { ...KIT_EXECUTORS, 'agent-sandbox': { enabled: false } } },
      note: 'the kit\'s image, which runs as the rendered user: the kit\'s configurations under eks\'s settings (Retool\'s image runs its own after its entrypoint\'s drop)',
    },
    { id: 'gke-standard', config: { target: 'gke-standard', retoolVersion: '3.334.0-stable' }, note: 'default plan' },
    { id: 'kubernetes', config: { target: 'kubernetes', retoolVersion: '3.334.0-stable' }, note: 'default plan' },
    { id: 'gke-autopilot', config: exampleDefaults('gke-autopilot.config.json', 'kubernetes', 'gke-autopilot'), note: 'examples/gke-autopilot.config.json (code-executor\'s unprivileged mode inside GKE Sandbox); under runc only the pod\'s own settings run (gVisor: gvisor-runtimeclass.test.ts)' },
    {
      id: 'gke-autopilot (kit image)',
      config: { target: 'gke-autopilot', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT_EXECUTORS['code-executor'], 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
      note: 'code-executor on the kit\'s image: its rlimits-only jail inside GKE Sandbox; under runc only the pod\'s own settings run',
    },
    { id: 'eks-fargate', config: exampleDefaults('eks-fargate.config.json', 'kubernetes', 'eks-fargate'), renderer: exampleRenderer('eks-fargate.config.json', 'kubernetes', 'eks-fargate'), note: 'examples/eks-fargate.config.json' },
    { id: 'ecs-ec2', config: { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } }, note: 'default plan: Retool\'s executors privileged (their jail mounts a procfs; /proc stays masked on ECS); the agent sandbox is refused on ECS (its controller starts Kubernetes Jobs), so it runs under the platform defaults' },
    {
      id: 'ecs-ec2 (kit image)',
      config: { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { ...KIT_EXECUTORS, 'agent-sandbox': { enabled: false } } },
      note: 'the kit\'s image: seccomp through dockerd\'s daemon-wide profile, masked /proc, jail without procfs',
    },
    { id: 'ecs-fargate', config: exampleDefaults('ecs-fargate.config.json', 'aws', 'ecs-fargate'), note: 'examples/ecs-fargate.config.json (js-executor on EC2 capacity, privileged)' },
    {
      id: 'ecs-fargate (Fargate only)',
      config: { target: 'ecs-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
      note: 'every service on Fargate capacity: js-executor and the agent sandbox are refused',
    },
    {
      id: 'ecs-fargate (rlimits-seccomp)',
      config: { target: 'ecs-fargate', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'rlimits-seccomp', ...KIT_EXECUTORS['code-executor'] }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
      note: 'code-executor on the kit\'s image in mode rlimits-seccomp on Fargate',
    },
    { id: 'eks (privileged)', config: { target: 'eks', retoolVersion: '3.334.0-stable', services: privilegedNsjail }, note: 'mode privileged requested' },
    {
      id: 'kubernetes 1.32',
      config: { target: 'kubernetes', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.32' },
      note: 'no hostUsers: false before 1.33, so /proc stays masked: Retool\'s executors privileged; the agent sandbox in seccomp mode with runsc 20240729 or newer (20221219 needs an unmasked /proc)',
    },
    {
      id: 'kubernetes 1.32 (kit image)',
      config: { target: 'kubernetes', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.32', services: { ...KIT_EXECUTORS, 'agent-sandbox': { enabled: false } } },
      note: 'the kit\'s image: seccomp with masked /proc, jail without procfs',
    },
  ];
}

/** The result of one service's probes on one scenario. */
export interface CellResult {
  /** Scenario label. */
  readonly scenario: string;
  /** Target. */
  readonly target: TargetName;
  /** Service. */
  readonly service: ServiceName;
  /** The plan's view (mode, engine, procfs). */
  readonly view: PlanView;
  /** Where the settings came from. */
  readonly source: string;
  /** The container the node would build. */
  readonly node: NodeContainerConfig;
  /** What cannot be verified on this machine, if anything. */
  readonly notVerifiableHere?: string;
  /**
   * The account the probe ran as after the image's entrypoint drop (Retool's runuser), if any.
   * @default undefined (the probe ran as the container's user)
   */
  readonly dropsTo?: string;
  /** Expectations. */
  readonly expectations: readonly ProbeExpectation[];
  /** Outcomes by probe. */
  readonly outcomes: Readonly<Record<string, ProbeOutcome>>;
  /** Probes that disagree with the plan. */
  readonly disagreements: readonly string[];
  /** runc's and the probe's stderr when the probe printed nothing. */
  readonly error?: string;
}

/** Options of verifyService. */
export interface VerifyOptions {
  /** Node architecture (the host's). */
  readonly arch: Architecture;
  /** Kit profile files to use instead of the committed ones (see NodeConfigOptions.profileFiles). */
  readonly profileFiles?: Partial<Record<ProfileName, string>>;
  /**
   * The real NsJail binary on the host (tools.ts `nsjailTool`): NsJail services then run it with
   * its defaults and with the kit's configuration of the plan, in the cell's container.
   * @default none: only the syscall probe runs
   */
  readonly nsjail?: string;
  /**
   * runsc binaries on the host (tools.ts `runscTools`): the agent sandbox's cell runs each.
   * @default Debian's /usr/bin/runsc, as `runsc_do_true`
   */
  readonly runsc?: readonly RunscBinary[];
  /**
   * Kit NsJail configurations to run instead of the generated ones (a negative control), by language.
   * @default the generated configurations
   */
  readonly nsjailConfigText?: (generated: string, language: string) => string;
}

/** Runs one service's probes in the container its target's node would build, and compares with the plan. */
export function verifyService(scenario: Scenario, sut: ServiceUnderTest, options: VerifyOptions): CellResult {
  const view: PlanView = sut.plan ? planView(sut.plan) : { engine: sut.service === 'agent-sandbox' ? 'gvisor' : 'nsjail', mode: 'refused', procfs: 'none' };
  const node = nodeContainerConfig(sut.container.security, { arch: options.arch, profileFiles: options.profileFiles });
  const parts = probeParts(view.engine).filter((p) => p !== 'runsc');
  const tools: string[] = [];
  if (view.engine === 'gvisor') {
    for (const r of options.runsc ?? []) {
      parts.push(`runsc=${containerToolPath(r.path)}@${r.release}`);
      tools.push(r.path);
    }
    if (!options.runsc?.length) parts.push('runsc');
  }
  let realNsjail: RealNsjailRuns | undefined;
  // Retool's executor images start as root and drop to retool_user before the service (and NsJail)
  // runs: the probe runs after the same drop (entrypoint.ts).
  const dropTo = view.engine === 'nsjail' ? entrypointDropOf(sut.plan, sut.container.security) : undefined;
  if (options.nsjail && view.engine === 'nsjail') {
    const tag = `cell-${scenario.id}-${sut.service}`.replace(/[^a-z0-9-]+/gi, '_');
    const runs = realNsjailRuns(sut.service, sut.plan, containerToolPath(options.nsjail), tag, options.nsjailConfigText, dropTo);
    parts.push(`exec=${addProbeFile(`${tag}.json`, JSON.stringify(runs.commands), 0o644)}`);
    tools.push(options.nsjail);
    realNsjail = runs.expectations;
  }
  const expectations = expectationsFor(view, options.arch, {
    refusedUnderUnconfinedDefault: !sut.plan && sut.container.security.seccomp.type === 'Unconfined',
    runscReleases: options.runsc?.length ? options.runsc.map((r) => r.release) : undefined,
    realNsjail,
  });
  const probe = ['/usr/bin/python3', '/probe/probe.py', 'all', parts.join(',')];
  const run = runInNodeContainer<Record<string, ProbeOutcome>>(node, dropTo ? afterDrop(dropTo, probe) : probe, { tools, accounts: dropTo ? [dropTo] : [] });
  const outcomes = run.output ?? {};
  const disagreements = expectations.filter((e) => !meets(outcomes[e.probe], e.expected))
    .map((e) => `${e.probe}: expected ${expectedText(e.expected)}, got ${outcomeText(outcomes[e.probe])}${outcomes[e.probe]?.detail ? ` (${outcomes[e.probe]?.detail})` : ''} [${e.why}]`);
  const notVerifiableHere = view.mode === 'gvisor-runtimeclass'
    ? 'the sandbox runs inside the platform\'s gVisor (GKE Sandbox), which runc cannot reproduce: only the pod\'s own settings under RuntimeDefault are run, and they must block the sandbox'
    : undefined;
  return {
    scenario: scenario.id,
    target: scenario.config.target,
    service: sut.service,
    view,
    source: sut.container.source,
    node,
    notVerifiableHere,
    ...(dropTo ? { dropsTo: `${dropTo.name} (${dropTo.uid})` } : {}),
    expectations,
    outcomes,
    disagreements,
    error: run.output ? undefined : `exit ${run.run.exitCode}${run.run.timedOut ? ' (timed out)' : ''}: ${run.run.stderr.trim().slice(-500)}`,
  };
}

/** Runs every service of a scenario. */
export function verifyScenario(scenario: Scenario, options: VerifyOptions): CellResult[] {
  return servicesUnderTest(scenario.config, scenario.renderer).map((sut) => verifyService(scenario, sut, options));
}

function settingsText(c: CellResult): string {
  const n = c.node;
  const parts = [
    `uid ${n.user.uid}${c.dropsTo ? `, runuser to ${c.dropsTo}` : ''}`,
    n.capabilities.length ? (n.capabilities.length > 20 ? 'all caps' : `${n.capabilities.length} caps`) : 'no caps',
    n.userNamespace ? 'userns' : 'host users',
    n.maskedPaths.length ? 'masked /proc' : 'unmasked /proc',
  ];
  return parts.join(', ');
}

function summary(c: CellResult, probes: readonly string[]): string {
  const relevant = c.expectations.filter((e) => probes.includes(e.probe));
  if (!relevant.length) return '';
  // Pipes would split a Markdown cell (NsJail prints clone flags as A|B).
  const texts = relevant.map((e) => outcomeText(c.outcomes[e.probe]).replace(/\|/g, '\\|'));
  const distinct = [...new Set(texts)];
  if (distinct.length === 1) return `${distinct[0]} ×${texts.length}`;
  const failed = relevant.map((e, i) => `${e.probe}=${texts[i]}`).filter((_, i) => texts[i] !== 'ok' && texts[i] !== 'skip');
  const ok = texts.filter((t) => t === 'ok').length;
  const skipped = texts.filter((t) => t === 'skip').length;
  return [...failed, ...(ok ? [`ok ×${ok}`] : []), ...(skipped ? [`skip ×${skipped}`] : [])].join(', ');
}

/** The results table (Markdown): target × service, one column per probe group, and the verdict. */
export function resultsTable(cells: readonly CellResult[]): string {
  const jail = NSJAIL_STEPS.filter((s) => s !== 'mount_proc' && s !== 'unshare_newns');
  const newapi = NSJAIL_NEWAPI_STEPS.filter((s) => s !== 'newapi_mount_proc');
  const lines = [
    '| target | service | plan mode | seccomp as the node loads it | container | NsJail steps, mount(2) | NsJail steps, new mount API | fresh procfs (both paths) | unshare | real NsJail, defaults (-Mo) | real NsJail, kit config | runsc | dangerous syscalls | agrees with plan |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cells) {
    const probes = c.expectations.map((e) => e.probe);
    const stock = probes.filter((p) => p.startsWith('nsjail_stock_') || p === ENTRYPOINT_DROP_KEY);
    const kit = probes.filter((p) => p.startsWith('nsjail_kit_'));
    const runsc = probes.filter((p) => p.startsWith('runsc_'));
    const danger = probes.filter((p) => ![...runsc, ...stock, ...kit, 'unshare_newns', ...PROCFS_STEPS, ...jail, ...newapi].includes(p));
    const gap = knownGap(c.service, c.view.mode);
    const verdict = c.disagreements.length
      ? `NO: ${c.disagreements.length} probe(s)${gap ? ' (known gap, see docs/verification.md)' : ''}`
      : c.notVerifiableHere ? 'yes (pod settings only)' : 'yes';
    const runscText = runsc.map((p) => `${p.replace(/^runsc_/, '')}: ${summary(c, [p])}`).join('; ');
    lines.push(`| ${c.scenario} | ${c.service} | ${c.view.mode}${c.view.mode === 'seccomp' ? ` (procfs ${c.view.procfs})` : ''} | ${c.node.seccompLabel} | ${settingsText(c)} | ${summary(c, jail)} | ${summary(c, newapi)} | ${summary(c, PROCFS_STEPS)} | ${summary(c, ['unshare_newns'])} | ${summary(c, stock)} | ${summary(c, kit)} | ${runscText} | ${summary(c, danger)} | ${verdict} |`);
  }
  return lines.join('\n');
}

/** Detail lines: every disagreement and every cell that cannot be fully verified here. */
export function resultsNotes(cells: readonly CellResult[]): string {
  const out: string[] = [];
  for (const c of cells) {
    for (const d of c.disagreements) out.push(`- DISAGREES ${c.scenario} / ${c.service} (${c.source}): ${d}`);
    const gap = c.disagreements.length ? knownGap(c.service, c.view.mode) : undefined;
    if (gap) out.push(`  - known gap: ${gap.finding}`);
    if (c.error) out.push(`- ERROR ${c.scenario} / ${c.service}: ${c.error}`);
    if (c.notVerifiableHere && !sandboxOnHostKernel(c.view.mode)) out.push(`- NOT VERIFIABLE HERE ${c.scenario} / ${c.service}: ${c.notVerifiableHere}`);
  }
  return out.join('\n');
}

/** Writes the table and notes to `dist/verify-results.md` (gitignored) and returns the path. */
export function writeResults(cells: readonly CellResult[], file = path.resolve(__dirname, '..', '..', 'dist', 'verify-results.md')): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `# sandbox-kit behavioural verification\n\n${resultsTable(cells)}\n\n${resultsNotes(cells)}\n`);
  return file;
}

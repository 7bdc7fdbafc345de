import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { synthKubernetes } from '../apps/k8s';
import { APP_TARGETS as FAMILY_TARGETS } from '../config/kit-file';
import { BenchSuite, suite } from './types';

/**
 * Synth time of the default kit file's targets (what `npm run synth` renders) and of every
 * Kubernetes target versus a trivial one-Deployment cdk8s app (cdk8s-plus-28,
 * like the kit), measured in the same run: as node processes (what `cdk8s synth` runs, the
 * command in cdk8s.yaml: module loading included), by wall time and by the CPU time each process
 * reports, and in-process after a warm-up (the rendering alone). A third process row runs the
 * default kit file unbundled (`node lib/apps/k8s.js`), to show what the bundle saves.
 */

/** Options of the benchmark. */
export interface K8sSynthBenchOptions {
  /**
   * Samples per variant (interleaved, so a noisy neighbour hits both alike).
   * @default 5
   */
  readonly samples?: number;
}

const REPO = path.resolve(__dirname, '../..');

/** The trivial app: one cdk8s-plus Deployment, written to CDK8S_OUTDIR. */
const TRIVIAL_APP = `
const { App, Chart } = require('cdk8s');
const { Deployment } = require('cdk8s-plus-28');
const app = new App();
new Deployment(new Chart(app, 'trivial'), 'web', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
app.synth();
`;

/**
 * The trivial app with the V8 setting the kit's entry points make (tuneForOneShotRun, after
 * module loading as there): shows how much of the kit's ratio that setting alone accounts for.
 */
const TRIVIAL_APP_TUNED = TRIVIAL_APP.replace("const app = new App();", "require('v8').setFlagsFromString('--no-opt');\nconst app = new App();");

function trivialInProcess(outdir: string): void {
  const app = new App({ outdir });
  new Deployment(new Chart(app, 'trivial'), 'web', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
  app.synth();
}

/** The targets timed together: every Kubernetes target, in one kit file. */
const TIMED_TARGETS = FAMILY_TARGETS.kubernetes;

/**
 * A kit file with the timed Kubernetes targets, gke-autopilot and eks-fargate with the choices of
 * their examples (eks-fargate's security groups in its `rendererOverrides` entry).
 */
function allTargetsKitFile(dir: string): string {
  const example = (name: string) => JSON.parse(fs.readFileSync(path.join(REPO, 'examples', name), 'utf8')) as { kubernetes: { defaults: unknown; rendererOverrides?: Record<string, unknown> } };
  const autopilot = example('gke-autopilot.config.json');
  const fargate = example('eks-fargate.config.json');
  const kit = JSON.parse(fs.readFileSync(path.join(REPO, 'sandbox-kit.config.json'), 'utf8')) as { kubernetes?: Record<string, unknown> };
  const file = path.join(dir, 'kit.json');
  fs.writeFileSync(file, JSON.stringify({
    kubernetes: {
      ...(kit.kubernetes ?? {}),
      targets: TIMED_TARGETS,
      overrides: { ...((kit.kubernetes?.overrides as object) ?? {}), 'gke-autopilot': autopilot.kubernetes.defaults, 'eks-fargate': fargate.kubernetes.defaults },
      rendererOverrides: { ...((kit.kubernetes?.rendererOverrides as object) ?? {}), 'eks-fargate': fargate.kubernetes.rendererOverrides?.['eks-fargate'] },
    },
  }));
  return file;
}

/**
 * The node arguments of cdk8s.yaml's `app` (what `cdk8s synth` runs: the bundled app,
 * scripts/bundle.js), so that the bench times exactly that command.
 */
function cdk8sAppArgs(): string[] {
  const [config] = Yaml.load(path.join(REPO, 'cdk8s.yaml')) as { app?: string }[];
  const [command, ...args] = (config?.app ?? '').trim().split(/\s+/);
  if (command !== 'node' || !args.length) throw new Error(`cdk8s.yaml: app "${config?.app}" is not a node command`);
  for (const a of args) if (!a.startsWith('-') && !fs.existsSync(path.join(REPO, a))) throw new Error(`cdk8s.yaml: app runs ${a}, which is missing: run npm run build first`);
  return args.map((a) => (a.startsWith('-') ? a : path.join(REPO, a)));
}

/** The Kubernetes targets the default kit file names (what `npm run synth` renders). */
function defaultKubernetesTargets(file: string): readonly string[] {
  const kit = JSON.parse(fs.readFileSync(file, 'utf8')) as { kubernetes?: { targets?: string[] } };
  const targets = kit.kubernetes?.targets ?? [];
  if (!targets.length) throw new Error(`${file} names no Kubernetes targets`);
  return targets;
}

/**
 * Preloaded into each timed process: writes the process's own CPU time (user + system, all its
 * threads) at exit. Less sensitive than wall time to other processes sharing the cores.
 */
const CPU_REPORTER = `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(process.env.SANDBOX_KIT_BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n`;

/** Wall time of a node process, and the CPU time it reports. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv, dir: string): { wall: number; cpu: number } {
  const cpuFile = path.join(dir, 'cpu.txt');
  fs.rmSync(cpuFile, { force: true });
  const full: NodeJS.ProcessEnv = { ...process.env, ...env, SANDBOX_KIT_BENCH_CPU_FILE: cpuFile };
  // The kit file names the targets: an inherited target list would replace them.
  delete full.SANDBOX_KIT_TARGETS;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(dir, 'cpu-reporter.js'), ...args], { env: full, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ').slice(0, 60)} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(fs.readFileSync(cpuFile, 'utf8')) };
}

function timeIt(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Three suites: node processes (wall time, CPU time), and in-process after warm-up; the trivial app is each baseline. */
export function k8sSynthBench(options: K8sSynthBenchOptions = {}): BenchSuite[] {
  const n = options.samples ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-bench-'));
  try {
    const defaultFile = path.join(REPO, 'sandbox-kit.config.json');
    const defaultTargets = defaultKubernetesTargets(defaultFile);
    const app = cdk8sAppArgs();
    const unbundled = path.join(REPO, 'lib/apps/k8s.js');
    // The kit variants: what `npm run synth` renders by default and every Kubernetes target, as
    // `cdk8s synth` runs them; and the default kit file unbundled, which shows what the bundle saves.
    const kits = [
      { label: `sandbox-kit, default kit file (sandbox-kit.config.json: ${defaultTargets.join(', ')})`, file: defaultFile, targets: defaultTargets, args: app },
      { label: `sandbox-kit, all ${TIMED_TARGETS.length} Kubernetes targets`, file: allTargetsKitFile(dir), targets: TIMED_TARGETS, args: app },
      { label: 'sandbox-kit, default kit file, unbundled (node lib/apps/k8s.js)', file: defaultFile, targets: defaultTargets, args: [unbundled], sameInProcessAs: 0 },
    ];
    // In process, the unbundled row is the same code as the default kit file's: timed once.
    const inProcess = kits.map((_, j) => j).filter((j) => kits[j].sameInProcessAs === undefined);
    fs.writeFileSync(path.join(dir, 'cpu-reporter.js'), CPU_REPORTER);
    const tuned = { proc: [] as number[], cpu: [] as number[] };
    const proc = { trivial: [] as number[], kits: kits.map(() => [] as number[]) };
    const cpu = { trivial: [] as number[], kits: kits.map(() => [] as number[]) };
    const warm = { trivial: [] as number[], kits: kits.map(() => [] as number[]) };
    const loadBefore = os.loadavg()[0];
    // Warm-up of the in-process variants (module loading, JIT).
    trivialInProcess(path.join(dir, 'w0'));
    inProcess.forEach((j) => synthKubernetes({ file: kits[j].file, outdir: path.join(dir, `w1-${j}`), env: {} }));
    for (let i = 0; i < n; i++) {
      const t = timeProcess(['-e', TRIVIAL_APP], { CDK8S_OUTDIR: path.join(dir, `pt${i}`) }, dir);
      proc.trivial.push(t.wall);
      cpu.trivial.push(t.cpu);
      const tt = timeProcess(['-e', TRIVIAL_APP_TUNED], { CDK8S_OUTDIR: path.join(dir, `ptt${i}`) }, dir);
      tuned.proc.push(tt.wall);
      tuned.cpu.push(tt.cpu);
      kits.forEach((kit, j) => {
        const k = timeProcess(kit.args, { CDK8S_OUTDIR: path.join(dir, `pk${j}-${i}`), SANDBOX_KIT_CONFIG: kit.file }, dir);
        proc.kits[j].push(k.wall);
        cpu.kits[j].push(k.cpu);
      });
      warm.trivial.push(timeIt(() => trivialInProcess(path.join(dir, `it${i}`))));
      inProcess.forEach((j) => warm.kits[j].push(timeIt(() => synthKubernetes({ file: kits[j].file, outdir: path.join(dir, `ik${j}-${i}`), env: {} }))));
    }
    const sizes = kits.map((kit, j) => {
      const written = fs.readdirSync(path.join(dir, `pk${j}-0`)).filter((f) => f.endsWith('.k8s.yaml'));
      if (written.length !== kit.targets.length) throw new Error(`the kit app wrote ${written.length} files for ${kit.file}, expected ${kit.targets.length}`);
      const bytes = written.reduce((s, f) => s + fs.statSync(path.join(dir, `pk${j}-0`, f)).size, 0);
      return `${kit.targets.length} targets, ${Math.round(bytes / 1024)} KiB of manifests`;
    });
    const load = `load average (1 min) ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after, on ${os.cpus().length} cores`;
    const notes = `Default kit file: ${sizes[0]}. All targets (${TIMED_TARGETS.join(', ')}): ${sizes[1]}. Trivial app: one cdk8s-plus-28 Deployment; ${load}.`;
    const rows = (trivial: number[], samples: number[][], trivialTuned?: number[]) => [
      { variant: 'trivial one-Deployment cdk8s app', samples: trivial },
      ...(trivialTuned ? [{ variant: 'trivial app with the kit\'s V8 setting (--no-opt after loading)', samples: trivialTuned }] : []),
      ...kits.flatMap((k, j) => (samples[j].length ? [{ variant: k.label, samples: samples[j] }] : [])),
    ];
    return [
      suite('k8s synth, node process (what cdk8s synth runs, module loading included)', 'ms', rows(proc.trivial, proc.kits, tuned.proc), notes),
      suite('k8s synth, node process, CPU time (user + system, as each process reports it at exit)', 'ms CPU', rows(cpu.trivial, cpu.kits, tuned.cpu),
        `${notes} The same processes as the wall-time suite; CPU time counts what the process itself ran, so it moves less than wall time when other processes share the cores.`),
      suite('k8s synth, in-process after warm-up (rendering, checks and writing only)', 'ms', rows(warm.trivial, warm.kits), notes),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

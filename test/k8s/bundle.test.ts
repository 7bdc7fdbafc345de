/**
 * The bundled Kubernetes app (lib/apps/k8s.bundle.js, scripts/bundle.js), which cdk8s.yaml runs:
 * the same files, text and exit code as the kit's modules, from one file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { formatSynthResult, synthKubernetes } from '../../src/apps/k8s';
import { SandboxConfigError } from '../../src/policy/errors';
import { AUTOPILOT_KIT_FILE, FARGATE_KIT_FILE, KIT_FILE } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'lib', 'apps', 'k8s.bundle.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require('../../scripts/ensure-built.js') as { ensureBuilt(): boolean };

let dir: string;
beforeAll(() => expect(ensureBuilt()).toBe(true), 300000);
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-bundle-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Run the bundle as `cdk8s synth` does, with a preload that lists the files node loaded. */
function runBundle(kitFile: string, outdir: string) {
  const listing = path.join(dir, 'loaded.json');
  const preload = path.join(dir, 'list-loaded.js');
  fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(listing)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, BUNDLE], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir, SANDBOX_KIT_CONFIG: kitFile, SANDBOX_KIT_TARGETS: '' },
  });
  const loaded = (JSON.parse(fs.readFileSync(listing, 'utf8')) as string[]).filter((f) => f !== preload);
  return { status: r.status, stderr: r.stderr, loaded };
}

function files(outdir: string): Record<string, string> {
  if (!fs.existsSync(outdir)) return {};
  return Object.fromEntries(fs.readdirSync(outdir).sort().map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
}

test('cdk8s.yaml runs the bundle', () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { app: string };
  expect(config.app).toBe('node lib/apps/k8s.bundle.js');
  expect(fs.existsSync(BUNDLE)).toBe(true);
});

test.each([
  ['the default kit file', KIT_FILE],
  ['eks-fargate', FARGATE_KIT_FILE],
  ['gke-autopilot', AUTOPILOT_KIT_FILE],
])('%s: the bundle writes the same files and text as the modules', (_name, kitFile) => {
  const expected = path.join(dir, 'modules');
  const result = synthKubernetes({ file: kitFile, outdir: expected, env: {} });
  const actual = path.join(dir, 'bundle');
  const r = runBundle(kitFile, actual);
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(`${formatSynthResult(result).split(expected).join(actual)}\n`);
  const want = files(expected);
  expect(Object.keys(want).length).toBeGreaterThan(0);
  expect(files(actual)).toEqual(want);
}, 60000);

test('a kit file with problems: the same error, exit 1, nothing written', () => {
  const kitFile = path.join(dir, 'kit.json');
  fs.writeFileSync(kitFile, JSON.stringify({ kubernetes: { targets: ['eks'], renderer: { privateCidrs: ['10.0.0.0/33'] }, defaults: { retoolVersion: 'latest' } } }));
  let message = '';
  try {
    synthKubernetes({ file: kitFile, outdir: path.join(dir, 'modules'), env: {} });
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxConfigError);
    message = (e as Error).message;
  }
  expect(message).toMatch(/privateCidrs\[0\]/);
  const outdir = path.join(dir, 'bundle');
  const r = runBundle(kitFile, outdir);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(`${message}\n`);
  expect(fs.existsSync(outdir)).toBe(false);
}, 60000);

test('the bundle loads from disk only the generated kit-file validators and what they require; never aws-cdk-lib or cdk-nag', () => {
  const r = runBundle(KIT_FILE, path.join(dir, 'out'));
  expect(r.status).toBe(0);
  const rel = r.loaded.map((f) => path.relative(ROOT, f));
  expect(rel).toContain('lib/apps/k8s.bundle.js');
  expect(rel).toContain('lib/config/schema-validators.js');
  // Everything else of the kit, and cdk8s with its yaml, comes from the bundle itself.
  const fromDisk = rel.filter((f) => !['lib/apps/k8s.bundle.js', 'lib/config/schema-validators.js'].includes(f));
  expect(fromDisk.filter((f) => f.startsWith('lib/') && !/^lib\/policy\/(cidr|address-math)\.js$/.test(f))).toEqual([]);
  expect(fromDisk.filter((f) => /node_modules\/(cdk8s|cdk8s-plus-28|constructs|yaml|aws-cdk-lib|cdk-nag)\//.test(f))).toEqual([]);
  expect(fromDisk.length).toBeLessThan(10);
}, 60000);

import * as fs from 'fs';
import * as path from 'path';
import { SandboxKitConfig } from '../policy/config';
import { SandboxConfigError } from '../policy/errors';
import { SandboxPlan } from '../policy/plan';
import { plan as makePlan } from '../policy/planner';
import { gvisorAptSource, gvisorDockerfile, nsjailDockerfile } from './dockerfiles';
import { NSJAIL_CONFIG_DIR, renderNsjailConfigs } from './nsjail-config';
import { JailLanguage, NsjailConfigOptions } from './nsjail-options';
import { checkRecipe } from './recipe-rules';
import { IMAGE_ARCHITECTURES, IMAGE_VERSIONS, ImageVersions } from './versions';

/** The kit's runtime images. */
export const IMAGE_KINDS = ['nsjail', 'gvisor'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

/** The image reference the default plans of the kit's own image name (the configs never read it). */
const KIT_NSJAIL_IMAGE = 'sandbox-kit-nsjail:build';

/**
 * Configs whose plans the NsJail image carries by default: the default targets, plus the plans
 * only the kit's image can run (imageKind "kit"): a jail without procfs where /proc stays
 * masked (ecs-ec2, Kubernetes 1.32), the rlimits-seccomp plans of the Fargate targets, and the
 * rlimits-only jail inside GKE Sandbox's gVisor.
 */
// The release names Retool's images only; it changes no sandbox setting, so any release plans the same.
export const DEFAULT_IMAGE_CONFIGS: readonly SandboxKitConfig[] = [
  { target: 'eks', retoolVersion: '3.334.0-stable' },
  { target: 'gke-standard', retoolVersion: '3.334.0-stable' },
  { target: 'kubernetes', retoolVersion: '3.334.0-stable' },
  // ECS cannot unmask /proc, which the agent sandbox's gVisor needs: the planner refuses it there.
  { target: 'ecs-ec2', services: { 'code-executor': { imageKind: 'kit', image: KIT_NSJAIL_IMAGE }, 'js-executor': { imageKind: 'kit', image: KIT_NSJAIL_IMAGE }, 'agent-sandbox': { enabled: false } } },
  { target: 'gke-autopilot', services: { 'code-executor': { imageKind: 'kit', image: KIT_NSJAIL_IMAGE }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
  { target: 'ecs-fargate', services: { 'code-executor': { mode: 'rlimits-seccomp', imageKind: 'kit', image: KIT_NSJAIL_IMAGE }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
  { target: 'eks-fargate', services: { 'code-executor': { mode: 'rlimits-seccomp', imageKind: 'kit', image: KIT_NSJAIL_IMAGE }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
];

/** Plans of DEFAULT_IMAGE_CONFIGS. */
export function defaultImagePlans(): SandboxPlan[] {
  return DEFAULT_IMAGE_CONFIGS.flatMap((c) => makePlan(c).services);
}

/** Options of a build context. */
export interface ImageContextOptions {
  /**
   * NsJail image: the plans whose configurations it carries (at
   * `/etc/nsjail/<target>/<service>/<language>.cfg`). Pass your own deployment's plans.
   * @default the plans of DEFAULT_IMAGE_CONFIGS
   */
  readonly plans?: readonly SandboxPlan[];
  /**
   * NsJail image: limits per language, applied to every plan.
   * @default the defaults of NsjailConfigOptions
   */
  readonly nsjail?: Partial<Record<JailLanguage, NsjailConfigOptions>>;
  /**
   * gVisor image: Debian packages added to the agent root filesystem.
   * @default none
   */
  readonly agentPackages?: readonly string[];
  /**
   * Pins to build with (to try a newer release before changing versions.ts).
   * @default IMAGE_VERSIONS
   */
  readonly versions?: ImageVersions;
}

const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * The files of a build context (path relative to the context → content). The Dockerfile is
 * checked against every recipe rule; a broken rule throws instead of writing a bad recipe.
 */
export function imageContextFiles(kind: ImageKind, options: ImageContextOptions = {}): Record<string, string> {
  const versions = options.versions ?? IMAGE_VERSIONS;
  const files: Record<string, string> = {};
  if (kind === 'nsjail') {
    files.Dockerfile = nsjailDockerfile(versions);
    const plans = options.plans ?? defaultImagePlans();
    for (const p of plans) {
      for (const cfg of renderNsjailConfigs(p, options.nsjail)) {
        const rel = path.posix.join('nsjail', path.posix.relative(NSJAIL_CONFIG_DIR, cfg.path));
        // Two plans for the same target and service (say, eks in both kit file sections) must agree.
        if (files[rel] !== undefined && files[rel] !== cfg.text) {
          throw new SandboxConfigError('NsJail image', [{
            field: 'plans',
            message: `two plans for ${p.service} on ${p.target} give different ${cfg.language} configurations, and the image has one ${cfg.path}.`,
            alternatives: ['the same options for that target in every section of the kit file', 'one image per deployment (writeImageContext with that deployment\'s plans)'],
          }]);
        }
        files[rel] = cfg.text;
      }
    }
  } else if (kind === 'gvisor') {
    const bad = (options.agentPackages ?? []).map((p, i) => ({ p, i })).filter(({ p }) => !DEBIAN_PACKAGE.test(p));
    if (bad.length) {
      throw new SandboxConfigError('gVisor image', bad.map(({ p, i }) => ({
        field: `agentPackages[${i}]`, message: `"${p}" is not a Debian package name.`, alternatives: ['e.g. "ripgrep"'],
      })));
    }
    files.Dockerfile = gvisorDockerfile(versions, { agentPackages: options.agentPackages });
    files[`apt/${versions.gvisor.suite}.sources`] = gvisorAptSource(versions);
  } else {
    throw new SandboxConfigError('runtime image', [{ field: 'kind', message: `"${String(kind)}" is not an image kind.`, alternatives: [...IMAGE_KINDS] }]);
  }
  const problems = checkRecipe(files.Dockerfile, versions);
  if (problems.length) {
    throw new Error(`the ${kind} Dockerfile breaks the recipe rules:\n${problems.map((p) => `  line ${p.line} [${p.rule}] ${p.message}`).join('\n')}`);
  }
  return files;
}

/** Top-level entries a build context may hold: the only ones writeImageContext replaces. */
const CONTEXT_ENTRIES = new Set(['Dockerfile', 'nsjail', 'apt']);

/**
 * Write a build context directory (for `docker buildx build` or aws-cdk-lib's
 * `DockerImageAsset({ directory })`). The directory is created, or must hold nothing but a
 * previous build context (which is replaced): it is never emptied blindly.
 * Returns the absolute directory.
 */
export function writeImageContext(kind: ImageKind, dir: string, options: ImageContextOptions = {}): string {
  const files = imageContextFiles(kind, options);
  const abs = path.resolve(dir);
  if (fs.existsSync(abs)) {
    const foreign = fs.readdirSync(abs).filter((e) => !CONTEXT_ENTRIES.has(e));
    if (foreign.length) {
      throw new SandboxConfigError(`${kind} image context`, [{
        field: 'dir', message: `${abs} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}, which is not a build context: refusing to replace it.`,
        alternatives: ['a new or empty directory, such as image-contexts/' + kind],
      }]);
    }
    for (const e of fs.readdirSync(abs)) fs.rmSync(path.join(abs, e), { recursive: true, force: true });
  }
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(abs, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return abs;
}

/** Image name and tag: the pinned release, never `latest`. */
export function imageReference(kind: ImageKind, registry: string, versions: ImageVersions = IMAGE_VERSIONS): string {
  const tag = kind === 'nsjail' ? `nsjail-${versions.nsjail.describe}` : `gvisor-${versions.gvisor.release}`;
  return `${registry.replace(/\/+$/, '')}/sandbox-kit-${kind}:${tag}`;
}

/** The multi-architecture build command of a context. */
export function buildCommand(kind: ImageKind, dir: string, registry: string, versions: ImageVersions = IMAGE_VERSIONS): string {
  const platforms = IMAGE_ARCHITECTURES.map((a) => `linux/${a}`).join(',');
  return `docker buildx build --platform ${platforms} --tag ${imageReference(kind, registry, versions)} --push ${dir}`;
}

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildAwsApp } from '../aws/app';
import { extractProfile } from '../aws/profiles';
import { SandboxKitConfig } from '../policy/config';
import { SandboxPlan } from '../policy/plan';
import { ServiceName } from '../policy/services';
import { RenderedContainer, securityFromEcsContainer } from './workload';
import { cfnText } from '../aws/cfn-text';

/**
 * Reads the kit's real ECS output: builds the CDK app for one target (the same code path as
 * `cdk synth`, with cdk.json's context), synthesizes the cloud assembly into a temporary
 * directory, and from the stack's template takes each service's user-code container definition
 * and, for EC2 capacity, the seccomp profile the instances' user data installs as dockerd's
 * default (decoded from the user data itself).
 */

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

const REPO = path.resolve(__dirname, '..', '..');

export { cfnText };

function cdkPath(r: CfnResource): string {
  const p = r.Metadata?.['aws:cdk:path'];
  return typeof p === 'string' ? p : '';
}

/** The ECS task and container names the renderer gives a plan's user-code component. */
function taskAndContainer(p: SandboxPlan): { task: string; container: string } {
  const c = p.components.find((x) => x.runsUserCode);
  if (!c) throw new Error(`${p.service}: the plan has no component that runs user code`);
  return { task: c.name === 'main' ? p.service : `${p.service}-${c.name}`, container: c.name };
}

/** Synthesizes one ECS target and returns its template and plans. */
export function synthEcsTarget(config: SandboxKitConfig): { stack: string; resources: Record<string, CfnResource>; plans: readonly SandboxPlan[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-cdk-'));
  try {
    const context = (JSON.parse(fs.readFileSync(path.join(REPO, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
    // cdk-nag does not change the template; leaving it off keeps this reader independent of findings.
    // Path metadata (which the CLI turns on) names each resource's construct: how the task of a service is found.
    const built = buildAwsApp({ configs: [config] }, { appProps: { context: { ...context, 'aws:cdk:enable-path-metadata': true }, outdir: path.join(dir, 'cdk.out') }, nag: false });
    const assembly = built.app.synth();
    const stack = built.stacks[0].stackName;
    const template = assembly.getStackByName(stack).template as { Resources?: Record<string, CfnResource> };
    return { stack, resources: template.Resources ?? {}, plans: built.plans.flatMap((d) => d.services) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The rendered sandbox container of every planned service of an ECS target. */
export function renderedEcsSandboxes(config: SandboxKitConfig): Map<ServiceName, RenderedContainer> {
  const { stack, resources, plans } = synthEcsTarget(config);
  const entries = Object.entries(resources);
  const out = new Map<ServiceName, RenderedContainer>();
  for (const p of plans) {
    const { task, container } = taskAndContainer(p);
    const taskDef = entries.find(([, r]) => r.Type === 'AWS::ECS::TaskDefinition' && cdkPath(r).includes(`/${task}-Task/`));
    const service = entries.find(([, r]) => r.Type === 'AWS::ECS::Service' && cdkPath(r).includes(`/${task}-Service/`));
    if (!taskDef || !service) throw new Error(`${stack}: no task definition or service ${task} for ${p.service}`);
    const defs = (taskDef[1].Properties?.ContainerDefinitions ?? []) as Record<string, unknown>[];
    const def = defs.find((d) => d.Name === container);
    if (!def) throw new Error(`${stack} ${taskDef[0]}: no container ${container} (has ${defs.map((d) => d.Name).join(', ')})`);
    // EC2 capacity: the instances the placement constraint pins the task to, and their user data.
    const constraints = (service[1].Properties?.PlacementConstraints ?? []) as { Expression?: string }[];
    const capacity = constraints.map((c) => /attribute:sandbox-kit\.capacity == (\S+)/.exec(c.Expression ?? '')?.[1]).find(Boolean);
    let daemon: { path: string; content: string } | undefined;
    if (capacity) {
      const lts = entries.filter(([, r]) => r.Type === 'AWS::EC2::LaunchTemplate')
        .map(([id, r]) => ({ id, script: cfnText((r.Properties?.LaunchTemplateData as Record<string, unknown> | undefined)?.UserData) }))
        .filter((lt) => lt.script.includes(`"sandbox-kit.capacity":"${capacity}"`));
      if (lts.length !== 1) throw new Error(`${stack}: expected one launch template for capacity ${capacity}, found ${lts.length}`);
      const profilePath = /d\["seccomp-profile"\]=sys\.argv\[1\].*' (\S+)$/m.exec(lts[0].script)?.[1];
      if (profilePath) {
        const bytes = extractProfile(lts[0].script, profilePath);
        if (!bytes) throw new Error(`${stack} ${lts[0].id}: daemon.json names ${profilePath} but the user data does not write it`);
        daemon = { path: profilePath, content: bytes.toString('utf8') };
      }
    }
    const where = `${stack} ${taskDef[0]} container ${container}${capacity ? ` on capacity ${capacity}` : ' (Fargate)'}`;
    out.set(p.service, { source: where, container, security: securityFromEcsContainer(def, where, daemon) });
  }
  return out;
}

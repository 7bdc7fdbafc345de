import { plan } from '../policy';
import { SandboxKitConfig } from '../policy/config';
import { SandboxConfigError } from '../policy/errors';
import { SandboxPlan } from '../policy/plan';
import { SERVICE_NAMES, ServiceName } from '../policy/services';
import { TARGETS } from '../targets';
import { TargetFacts, TargetName } from '../targets/types';
import { renderedKubernetesSandboxes } from './synth';
import { renderedEcsSandboxes } from './synth-aws';
import { RenderedContainer, RenderedSecurity } from './workload';

/**
 * The sandbox container of each service on a target, as the kit renders it, with the plan it
 * was rendered from; or, for a service the planner refuses there, the most the platform admits
 * by default (so the probes can show how the platform stops the sandbox).
 */

/** One service on one target. */
export interface ServiceUnderTest {
  /** Service. */
  readonly service: ServiceName;
  /** The plan; undefined when the planner refuses the service on this target. */
  readonly plan?: SandboxPlan;
  /** Why the planner refused it (first problem's message). */
  readonly refusal?: string;
  /** The container the probes run in. */
  readonly container: RenderedContainer;
}

/**
 * The most a platform admits by default for a container that asks for nothing special: the
 * runtime's default capabilities plus every capability the platform lets a workload add,
 * its default seccomp (RuntimeDefault where it is not documented), masked /proc, root user,
 * not privileged. What a refused sandbox would get if someone deployed it anyway.
 */
export function platformDefaultSecurity(facts: TargetFacts): RenderedSecurity {
  const addable = facts.addableCapabilities.value;
  return {
    runtime: facts.kind === 'ecs' ? 'dockerd' : 'containerd',
    privileged: false,
    capabilitiesAdd: addable === 'any' ? [] : [...addable],
    capabilitiesDrop: [],
    seccomp: facts.defaultSeccomp.value === 'unconfined' ? { type: 'Unconfined' } : { type: 'RuntimeDefault' },
    procMount: 'Default',
    hostUsers: true,
    runAsUser: 0,
    runAsGroup: 0,
    readOnlyRootFilesystem: false,
  };
}

/**
 * Synthesized outputs by config and renderer options, per process: synthesis is the slow part of
 * reading rendered settings (a cdk8s or CDK app per call), and the suites ask for the same
 * configurations many times. The results are read-only.
 */
const RENDERED = new Map<string, readonly ServiceUnderTest[]>();

/**
 * Every service on a target under `config`: the rendered sandbox container, or the platform's
 * defaults where refused. Synthesized once per config and renderer options in a process.
 */
export function servicesUnderTest(config: SandboxKitConfig, renderer: Record<string, unknown> = {}): ServiceUnderTest[] {
  const key = JSON.stringify([config, renderer]);
  let found = RENDERED.get(key);
  if (!found) {
    found = synthesizedServices(config, renderer);
    RENDERED.set(key, found);
  }
  return [...found];
}

function synthesizedServices(config: SandboxKitConfig, renderer: Record<string, unknown>): ServiceUnderTest[] {
  const deployment = plan(config);
  // The real output: the cdk8s app's manifest, or the CDK app's CloudFormation template.
  const output = TARGETS[config.target].kind === 'kubernetes' ? renderedKubernetesSandboxes(config, renderer) : renderedEcsSandboxes(config);
  const out: ServiceUnderTest[] = [];
  for (const service of SERVICE_NAMES) {
    const p = deployment.services.find((s) => s.service === service);
    if (p) {
      const container = output.get(service);
      if (!container) throw new Error(`${config.target}: the synthesized output has no sandbox container for ${service}`);
      out.push({ service, plan: p, container });
      continue;
    }
    // Not in this config's plan (disabled): show what the planner says of it with this config.
    const refusal = refusalOf(config, service);
    if (refusal === undefined) continue;
    const facts = TARGETS[config.target];
    out.push({
      service,
      refusal,
      container: { source: `${config.target} platform defaults (refused by the planner)`, container: service, security: platformDefaultSecurity(facts) },
    });
  }
  return out;
}

/**
 * The planner's refusal of a service, enabled alone with its own options from `config` (or every
 * default, given a target name), or undefined if the planner plans it.
 */
export function refusalOf(config: SandboxKitConfig | TargetName, service: ServiceName): string | undefined {
  const base: SandboxKitConfig = typeof config === 'string' ? { target: config, retoolVersion: '3.334.0-stable' } : config;
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, { ...(base.services?.[s] ?? {}), enabled: s === service }]));
  try {
    plan({ ...base, services });
    return undefined;
  } catch (e) {
    if (e instanceof SandboxConfigError) return e.problems[0]?.message ?? e.message;
    throw e;
  }
}

/** The services servicesUnderTest returns for `config`, without synthesizing anything. */
export function serviceNamesUnderTest(config: SandboxKitConfig): ServiceName[] {
  const planned = new Set(plan(config).services.map((s) => s.service));
  return SERVICE_NAMES.filter((s) => planned.has(s) || refusalOf(config, s) !== undefined);
}

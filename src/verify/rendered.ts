import { plan } from '../policy';
import { SandboxKitConfig } from '../policy/config';
import { SandboxConfigError } from '../policy/errors';
import { ContainerSecurity, SandboxPlan } from '../policy/plan';
import { SERVICE_NAMES, ServiceName } from '../policy/services';
import { dockerProfile } from '../seccomp/render';
import { TARGETS } from '../targets';
import { TargetFacts, TargetName } from '../targets/types';
import { renderedKubernetesSandboxes } from './synth';
import { RenderedContainer, RenderedSecurity, securityFromEcsContainer, securityFromPodSpec } from './workload';

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
 * A pod spec with the plan's settings in the fields and at the levels the Kubernetes renderer
 * writes them (pod: runAsUser, runAsGroup, runAsNonRoot, seccompProfile, hostUsers,
 * runtimeClassName; container: the full securityContext). Used until the renderer's own
 * output is read; the extraction path (securityFromPodSpec) is the same either way.
 */
export function podSpecFromPlan(sec: ContainerSecurity, containerName: string): Record<string, unknown> {
  const seccompProfile = sec.seccomp.type === 'Localhost'
    ? { type: 'Localhost', localhostProfile: sec.seccomp.localhostProfile }
    : { type: sec.seccomp.type };
  return {
    ...(sec.hostUsers ? {} : { hostUsers: false }),
    ...(sec.runtimeClassName ? { runtimeClassName: sec.runtimeClassName } : {}),
    securityContext: { runAsUser: sec.runAsUser, runAsGroup: sec.runAsGroup, runAsNonRoot: sec.runAsNonRoot, seccompProfile },
    containers: [{
      name: containerName,
      securityContext: {
        privileged: sec.privileged,
        allowPrivilegeEscalation: sec.allowPrivilegeEscalation,
        capabilities: {
          ...(sec.capabilitiesAdd.length ? { add: [...sec.capabilitiesAdd] } : {}),
          ...(sec.capabilitiesDrop.length ? { drop: [...sec.capabilitiesDrop] } : {}),
        },
        readOnlyRootFilesystem: sec.readOnlyRootFilesystem,
        runAsUser: sec.runAsUser,
        runAsGroup: sec.runAsGroup,
        runAsNonRoot: sec.runAsNonRoot,
        seccompProfile,
        ...(sec.procMount !== 'Default' ? { procMount: sec.procMount } : {}),
      },
    }],
  };
}

/** An ECS container definition (CloudFormation shape) with the plan's settings. */
export function ecsContainerFromPlan(sec: ContainerSecurity, name: string): Record<string, unknown> {
  return {
    Name: name,
    Privileged: sec.privileged,
    User: `${sec.runAsUser}:${sec.runAsGroup}`,
    ReadonlyRootFilesystem: sec.readOnlyRootFilesystem,
    LinuxParameters: {
      Capabilities: {
        ...(sec.capabilitiesAdd.length ? { Add: [...sec.capabilitiesAdd] } : {}),
        ...(sec.capabilitiesDrop.length ? { Drop: [...sec.capabilitiesDrop] } : {}),
      },
    },
  };
}

/** The sandbox container of a plan, read back through the output's shape. */
export function renderedSandbox(p: SandboxPlan): RenderedContainer {
  const name = p.components.find((c) => c.runsUserCode)?.name ?? 'main';
  const container = name === 'main' ? p.service : `${p.service}-${name}`;
  const facts = TARGETS[p.placement];
  if (facts.kind === 'kubernetes') {
    const where = `${p.target} pod spec of ${container} (from the plan)`;
    return { source: where, container, security: securityFromPodSpec(podSpecFromPlan(p.sandbox, container), container, where) };
  }
  const where = `${p.target} ECS container definition ${container} (from the plan)`;
  const daemon = p.sandbox.seccomp.type === 'DockerDaemonDefault'
    ? { path: p.sandbox.seccomp.path, content: dockerProfile(p.sandbox.seccomp.profile).content }
    : undefined;
  return { source: where, container, security: securityFromEcsContainer(ecsContainerFromPlan(p.sandbox, container), where, daemon) };
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

/** Every service on a target under `config`: the rendered sandbox container, or the platform's defaults where refused. */
export function servicesUnderTest(config: SandboxKitConfig): ServiceUnderTest[] {
  const deployment = plan(config);
  // Kubernetes targets: the cdk8s app's real output. ECS: the container definition's shape.
  const k8sOutput = TARGETS[config.target].kind === 'kubernetes' ? renderedKubernetesSandboxes(config) : undefined;
  const out: ServiceUnderTest[] = [];
  for (const service of SERVICE_NAMES) {
    const p = deployment.services.find((s) => s.service === service);
    if (p) {
      const container = k8sOutput ? k8sOutput.get(service) : renderedSandbox(p);
      if (!container) throw new Error(`${config.target}: the synthesized manifest has no sandbox pod for ${service}`);
      out.push({ service, plan: p, container });
      continue;
    }
    // Not in this config's plan (disabled): show what the planner says of it with defaults.
    const refusal = refusalOf(config.target, service);
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

/** The planner's refusal of a service on a target with every default, or undefined if it plans it. */
export function refusalOf(target: TargetName, service: ServiceName): string | undefined {
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, { enabled: s === service }]));
  try {
    plan({ target, services });
    return undefined;
  } catch (e) {
    if (e instanceof SandboxConfigError) return e.problems[0]?.message ?? e.message;
    throw e;
  }
}

/** The services servicesUnderTest returns for `config`, without synthesizing anything. */
export function serviceNamesUnderTest(config: SandboxKitConfig): ServiceName[] {
  const planned = new Set(plan(config).services.map((s) => s.service));
  return SERVICE_NAMES.filter((s) => planned.has(s) || refusalOf(config.target, s) !== undefined);
}

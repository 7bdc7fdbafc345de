import * as cdk8s from 'cdk8s';
import { SandboxKitChart } from '../k8s/chart';
import { KubernetesRendererOptions } from '../k8s/options';
import { SandboxKitConfig } from '../policy/config';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { compareVersions } from '../policy/quantity';
import { TARGET_NAMES, TARGETS } from '../targets';
import { KUBELET_SECCOMP_ROOT } from '../targets/common';
import { ProfileName } from '../policy/services';
import { instanceArchitecture } from './instance-architecture';
import { AwsFieldNames, KIT_FILE_FIELDS, scoped } from './field-names';
import { ResolvedAwsOptions } from './options';

/**
 * The config the AWS app plans with: on `eks` the profiles reach nodes through the node group's
 * user data unless the config names another delivery (the chart then needs no installer).
 */
export function awsPlanConfig(config: SandboxKitConfig): SandboxKitConfig {
  const nodeUserData = TARGETS[config.target].profileDelivery.value.includes('node-user-data');
  return nodeUserData && config.profileDelivery === undefined ? { ...config, profileDelivery: 'node-user-data' } : config;
}

/** The kit's chart, each in its own cdk8s App (addCdk8sChart reads it with toJson). */
export function kitChart(chartOptions: KubernetesRendererOptions): (plan: DeploymentPlan) => SandboxKitChart {
  return (plan) => new SandboxKitChart(new cdk8s.App(), 'sandbox-kit', { ...chartOptions, plan });
}

/** One profile file a node must hold. */
export interface NodeProfile {
  /** Kit profile. */
  readonly profile: ProfileName;
  /** Absolute path on the node. */
  readonly path: string;
  /** Capability set it is flattened for (the container's effective capabilities). */
  readonly capabilities: readonly string[];
}

/**
 * The profiles a plan needs on its nodes through user data: every Localhost profile of a
 * service whose delivery is `node-user-data`. Two services may share a file only when it is
 * flattened for the same capabilities.
 */
export function nodeProfiles(plan: DeploymentPlan): NodeProfile[] {
  const byPath = new Map<string, NodeProfile & { service: string }>();
  for (const s of plan.services) {
    if (s.profileDelivery !== 'node-user-data') continue;
    for (const sec of [s.sandbox, s.supporting]) {
      if (sec.seccomp.type !== 'Localhost') continue;
      const path = `${KUBELET_SECCOMP_ROOT}/${sec.seccomp.localhostProfile}`;
      const caps = [...sec.effectiveCapabilities].sort();
      const prev = byPath.get(path);
      if (prev && prev.capabilities.join(',') !== caps.join(',')) {
        throw new Error(`services.${s.service}: ${sec.seccomp.localhostProfile} is needed flattened for capabilities [${caps.join(', ')}] and, by ${prev.service}, for [${prev.capabilities.join(', ')}]; one file cannot be both`);
      }
      byPath.set(path, { profile: sec.seccomp.profile, path, capabilities: caps, service: s.service });
    }
  }
  return [...byPath.values()].map(({ profile, path, capabilities }) => ({ profile, path, capabilities }));
}

/** The lowest Kubernetes version every service of the plan needs. */
export function requiredKubernetesVersion(plan: DeploymentPlan): string | undefined {
  return plan.services.map((s) => s.minimumVersions.kubernetes).filter((v): v is string => v !== undefined)
    .sort(compareVersions).pop();
}

/**
 * Everything about an eks plan that can fail, checked without creating a construct (the app and
 * explain run it before anything is written). Problems name the options as `names` says:
 * kit-file paths (`aws.renderer.eks.instanceTypes.arm64`) by default, a construct's props when it
 * checks its own.
 */
export function checkEksPlan(plan: DeploymentPlan, options: ResolvedAwsOptions, names: AwsFieldNames = KIT_FILE_FIELDS): void {
  const problems: ConfigProblem[] = [];
  if (!TARGETS[plan.target].profileDelivery.value.includes('node-user-data')) {
    // The stack creates the node groups: only a target whose nodes it owns.
    const eks = TARGET_NAMES.filter((t) => TARGETS[t].profileDelivery.value.includes('node-user-data'));
    problems.push({ field: 'target', message: `the EKS stack renders a target whose node groups it creates, not "${plan.target}"`, alternatives: eks.map((t) => `"${t}"`) });
  }
  const version = plan.kubernetesVersion;
  const needed = requiredKubernetesVersion(plan);
  if (!version) problems.push({ field: 'kubernetesVersion', message: 'the eks plan names no Kubernetes version', alternatives: ['"1.35"'] });
  else if (needed && compareVersions(version, needed) < 0) {
    problems.push({ field: 'kubernetesVersion', message: `the plan needs Kubernetes ${needed} or newer (user namespaces, procMount), the config says ${version}`, alternatives: [`"${needed}"`] });
  }
  for (const arch of plan.services[0]?.architectures ?? []) {
    const type = options.eks.instanceTypes[arch];
    if (instanceArchitecture(type) !== arch) {
      problems.push({ field: names.field(`eks.instanceTypes.${arch}`), message: `${type} is ${instanceArchitecture(type)}, not ${arch}`, alternatives: [arch === 'arm64' ? '"m7g.xlarge"' : '"m7i.xlarge"'] });
    }
  }
  if (options.buildImages && (plan.services[0]?.architectures.length ?? 0) > 1) {
    problems.push({ field: names.field('buildImages'), message: 'an image asset is built for one architecture, and the eks plan has node groups for several', alternatives: ['architectures: ["amd64"]', 'buildImages: false with multi-architecture images (npm run images)'] });
  }
  try {
    nodeProfiles(plan);
  } catch (e) {
    problems.push({ field: 'services', message: (e as Error).message, alternatives: [] });
  }
  if (problems.length) throw new SandboxConfigError('sandbox-kit cannot render target "eks" on EKS', scoped(problems, names));
}

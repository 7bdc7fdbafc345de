/**
 * sandbox-kit's public API: plan a target, render it with the constructs, check the output.
 *
 * This entry point loads cdk8s and never aws-cdk-lib, so a cdk8s app pays nothing for the AWS
 * side; the AWS constructs are `sandbox-kit/aws` (src/aws-constructs.ts). Everything not named
 * here is internal and may change without notice.
 */

// Planning: the config a caller writes, the plan the planner returns, its one error type.
export { plan, planOutcome, type PlanOutcome } from './policy/planner';
export {
  type SandboxKitConfig, type ServiceOptions, type ServiceImageKind, type ImageReference, type KubernetesVersion, type AppArmorOption, type UserNamespaceOption,
  DEFAULT_KUBERNETES_VERSION, MIN_KUBERNETES_VERSION,
} from './policy/config';
export {
  type DeploymentPlan, type SandboxPlan, type ContainerSecurity, type SeccompSetting, type AppArmorSetting, type PodSecurityLevel, type JailCapabilities,
  type MinimumVersions, type AssumptionNote, type StorageBounds,
} from './policy/plan';
export { type SandboxMode, type RequestedMode, SANDBOX_MODES, MODE_BOUNDARY } from './policy/modes';
export {
  type ServiceName, SERVICE_NAMES, type SandboxEngine, type ProfileName, type ServiceComponent, type ResourceRequirements, type ResourceQuantities,
} from './policy/services';
export { type CpuQuantity, type MemoryQuantity } from './policy/quantity';
export { type RemainingRisk, type RiskCategory, RISK_CATEGORIES } from './policy/risks';
export { SandboxConfigError, type ConfigProblem } from './policy/errors';
export { describePlan, describeServicePlan } from './policy/describe';

// The target catalog: every platform fact the planner relies on, with its source.
export { TARGETS } from './targets';
export {
  TARGET_NAMES, type TargetName, type TargetKind, type TargetFacts, type Architecture, ARCHITECTURES, type NodeOs, type ProfileDelivery, type PlatformRulePack,
} from './targets/types';
export { type Fact, type Confidence } from './targets/facts';

// The kit file (sandbox-kit.config.json): load it, or check parts of it, the way the apps do.
export { loadKit, type LoadOptions, type KitInput, DEFAULT_KIT_FILE } from './config/load';
export { type KitFile, type KubernetesSection, type AwsSection, type TargetOptions } from './config/kit-file';
export { checkConfig, checkKubernetesRendererOptions } from './config/validate';
export { type ConfigRule, type RuleSubjects } from './config/rules/rule';
export { CONFIG_RULES } from './config/rules/config';
export { KUBERNETES_RENDERER_RULES } from './config/rules/kubernetes-renderer';

// Kubernetes constructs (cdk8s).
export { SandboxKitChart, type SandboxKitChartProps, type KubernetesEndpoint } from './k8s/chart';
export { CodeExecutor, JsExecutor, type ExecutorProps } from './k8s/executor';
export { AgentSandbox, type AgentSandboxProps } from './k8s/agent-sandbox';
export { type OutsideTheApp } from './k8s/plan-needs';
export { DEFAULT_DEVICE_PLUGIN_IMAGE } from './k8s/agent-sandbox-options';
export { TrustNamespace, type TrustNamespaceProps, type TrustDomain } from './k8s/namespace';
export { SeccompProfileInstaller, type SeccompProfileInstallerProps, OperatorSeccompProfiles, type OperatorSeccompProfilesProps } from './k8s/seccomp-installer';
export { AppArmorProfileLoader, type AppArmorProfileLoaderProps } from './k8s/apparmor-loader';
// The fences and node pieces SandboxKitChart adds, for apps that compose the services themselves.
export { AgentSandboxFences, type AgentSandboxFencesProps } from './k8s/agent-sandbox-fences';
export { SandboxAdmission, type SandboxAdmissionProps } from './k8s/admission/sandbox-admission';
export { TunDevicePlugin, type TunDevicePluginProps, ImagePrepuller, type ImagePrepullerProps } from './k8s/agent-sandbox-nodes';
export { NamespaceFences, type NamespaceFencesProps } from './k8s/quota';
export { referencedProfiles, type ReferencedProfile } from './k8s/profiles';
export {
  type KubernetesRendererOptions, type BackendSelector, type DnsSelector, type NamespaceNames, type AutoscalingOptions, type ComponentResources, type Toleration,
  DEFAULT_NAMESPACES,
} from './k8s/options';
export { type NetworkSettings } from './k8s/network-policy';

// Checks over rendered Kubernetes objects, and the rule units they run (cdk-nag's style).
export { type KubeObject, type PodInManifest, podsOf } from './k8s/manifest';
export { checkPodSecurity, strictestLevel, type PodSecurityViolation } from './k8s/pod-security';
export { apiServerViolations } from './k8s/api-server-rules';
export { platformViolations } from './k8s/platform-rules';
export {
  runRules, type KubernetesRule, type PodRule, type ObjectRule, type RuleContext, type RuleViolation,
  BASELINE_RULES, RESTRICTED_RULES, API_SERVER_RULES, GKE_WARDEN_RULES, EKS_FARGATE_SCHEDULER_RULES, KUBERNETES_PLATFORM_PACKS,
} from './k8s/rules';

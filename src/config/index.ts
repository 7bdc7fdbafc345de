export * from './kit-file';
export * from './load';
export { checkConfig, checkKubernetesRendererOptions } from './validate';
export { checkAwsRendererOptions } from './validate-aws';
export type { ConfigRule, RuleSubjects } from './rules/rule';
export { CONFIG_RULES } from './rules/config';
export { KUBERNETES_RENDERER_RULES } from './rules/kubernetes-renderer';
export { AWS_RENDERER_RULES } from './rules/aws-renderer';
export { SCHEMA_FILE } from './schema';

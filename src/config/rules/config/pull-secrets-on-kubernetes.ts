import { TARGETS } from '../../../targets';
import { ConfigRule } from '../rule';

/** imagePullSecrets name Kubernetes Secrets: on ECS nothing would read them, and the pull would fail later. */
export const pullSecretsOnKubernetes: ConfigRule<'config'> = {
  id: 'pull-secrets-on-kubernetes',
  description: 'imagePullSecrets apply to Kubernetes targets only (ECS pulls with the task execution role).',
  check: (c) => {
    const facts = TARGETS[c.target];
    if (!facts || !c.imagePullSecrets?.length || facts.kind === 'kubernetes') return [];
    return [{
      field: 'imagePullSecrets',
      message: `target "${facts.name}" is not a Kubernetes target: ECS pulls images with the task execution role, not Kubernetes Secrets`,
      alternatives: ['remove imagePullSecrets (use a registry the execution role can read, e.g. an ECR pull-through cache, in imageRegistry)'],
    }];
  },
};

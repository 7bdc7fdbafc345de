import { ConfigRule } from '../rule';
import { agentPostgresCidrs } from './agent-postgres-cidrs';
import { labelKeys } from './label-keys';
import { namespacesDistinct } from './namespaces-distinct';
import { privateCidrsNotEverything } from './private-cidrs-not-everything';
import { tolerationFields } from './toleration-fields';

/** Rules over the Kubernetes chart's options. Add yours here. */
export const KUBERNETES_RENDERER_RULES: readonly ConfigRule<'kubernetes-renderer'>[] = [
  labelKeys,
  privateCidrsNotEverything,
  namespacesDistinct,
  tolerationFields,
  agentPostgresCidrs,
];

import { POD_TEMPLATE_KINDS } from '../../manifest';
import { ObjectRule } from '../rule';

/** A workload's selector matches its pod template's labels. */
export const selectorMatchesTemplate: ObjectRule = {
  id: 'selector-matches-template',
  description: "A workload's selector matches its pod template's labels.",
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkObject: (object) => {
    if (!POD_TEMPLATE_KINDS.includes(object.kind) || object.kind === 'Job') return [];
    const spec = object.spec as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    const have = spec?.template?.metadata?.labels ?? {};
    return Object.entries(spec?.selector?.matchLabels ?? {}).filter(([k, v]) => have[k] !== v)
      .map(([k]) => `spec.template.metadata.labels: Invalid value: \`selector\` does not match template \`labels\` (${k})`);
  },
};

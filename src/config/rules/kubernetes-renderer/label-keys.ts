import { ConfigProblem } from '../../../policy/errors';
import { ConfigRule } from '../rule';

/** The LabelKey pattern (src/k8s/names.ts); the schema checks label values, this checks the keys of label maps. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Label selectors with a malformed key are refused by the API server. */
export const labelKeys: ConfigRule<'kubernetes-renderer'> = {
  id: 'label-keys',
  description: 'Keys of backend.podLabels and nodeSelector are valid label keys.',
  check: (o) => {
    const out: ConfigProblem[] = [];
    const maps: [string, unknown][] = [['backend.podLabels', o.backend?.podLabels], ['nodeSelector', o.nodeSelector]];
    for (const [field, map] of maps) {
      if (!map || typeof map !== 'object') continue;
      for (const key of Object.keys(map)) {
        if (!LABEL_KEY.test(key)) out.push({ field: `${field}.${key}`, message: `"${key}" is not a valid label key`, alternatives: ['[prefix/]name, the name up to 63 alphanumerics, "-", "_", "."', '"app.kubernetes.io/name"'] });
      }
    }
    return out;
  },
};

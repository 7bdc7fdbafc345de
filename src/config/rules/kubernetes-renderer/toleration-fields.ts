import { ConfigProblem } from '../../../policy/errors';
import { ConfigRule } from '../rule';

/** The API server's rules for a toleration: Exists takes no value; Equal needs a key and a value. */
export const tolerationFields: ConfigRule<'kubernetes-renderer'> = {
  id: 'toleration-fields',
  description: 'A toleration with operator Exists has no value; one with operator Equal has a key and a value.',
  check: (o) => {
    const out: ConfigProblem[] = [];
    (Array.isArray(o.tolerations) ? o.tolerations : []).forEach((t, i) => {
      const f = `tolerations[${i}]`;
      const op = t.operator ?? 'Equal';
      if (op === 'Exists' && t.value !== undefined) out.push({ field: `${f}.value`, message: 'must be unset with operator Exists', alternatives: ['remove "value"', 'operator: "Equal"'] });
      if (op === 'Equal' && t.key === undefined) out.push({ field: `${f}.key`, message: 'is required with operator Equal', alternatives: ['a taint key such as "sandbox-kit.io/sandbox"', 'operator: "Exists" to match every taint'] });
      if (op === 'Equal' && t.value === undefined) out.push({ field: `${f}.value`, message: 'is required with operator Equal', alternatives: ['the taint\'s value, such as "true"', 'operator: "Exists"'] });
    });
    return out;
  },
};

import { DEFAULT_BACKEND, DEFAULT_DNS, DEFAULT_NAMESPACES } from '../../../k8s/defaults';
import { NamespaceNames } from '../../../k8s/options';
import { SYSTEM_NAMESPACE } from '../../../seccomp/locations';
import { ConfigProblem } from '../../../policy/errors';
import { ConfigRule } from '../rule';

/**
 * Each trust domain needs a namespace of its own: the namespace carries its Pod Security level
 * and its default-deny NetworkPolicy. The installer's, the backend's and DNS's are taken.
 */
export const namespacesDistinct: ConfigRule<'kubernetes-renderer'> = {
  id: 'namespaces-distinct',
  description: 'The four trust-domain namespaces are distinct and none is the installer, backend or DNS namespace.',
  check: (o) => {
    const out: ConfigProblem[] = [];
    const names = { ...DEFAULT_NAMESPACES, ...(o.namespaces ?? {}) };
    const reserved = new Map<string, string>([
      [SYSTEM_NAMESPACE, 'the profile installer'],
      [o.backend?.namespace ?? DEFAULT_BACKEND.namespace, 'the backend'],
      [o.dns?.namespace ?? DEFAULT_DNS.namespace, 'cluster DNS'],
    ]);
    const seen = new Map<string, string>();
    for (const [role, name] of Object.entries(names) as [keyof NamespaceNames, string][]) {
      if (typeof name !== 'string') continue;
      const field = `namespaces.${role}`;
      if (seen.has(name)) out.push({ field, message: `"${name}" is also the ${seen.get(name)} namespace; each trust domain needs its own`, alternatives: ['distinct names', `"${DEFAULT_NAMESPACES[role]}"`] });
      else if (reserved.has(name)) out.push({ field, message: `"${name}" is reserved for ${reserved.get(name)}`, alternatives: [`"${DEFAULT_NAMESPACES[role]}"`] });
      seen.set(name, role);
    }
    return out;
  },
};

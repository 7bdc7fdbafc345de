import { parseCidr } from '../../../policy/cidr';
import { DEFAULT_PRIVATE_CIDRS } from '../../../k8s/defaults';
import { ConfigRule } from '../rule';

/** The private ranges are carved out of "everything"; a /0 among them would leave user code no egress at all, and hide a mistake. */
export const privateCidrsNotEverything: ConfigRule<'kubernetes-renderer'> = {
  id: 'private-cidrs-not-everything',
  description: 'privateCidrs lists private ranges, not a range that covers every address.',
  check: (o) => (Array.isArray(o.privateCidrs) ? o.privateCidrs : [])
    .map((c, i) => ({ c, i, p: typeof c === 'string' ? parseCidr(c) : undefined }))
    .filter(({ p }) => p?.prefix === 0)
    .map(({ c, i }) => ({ field: `privateCidrs[${i}]`, message: `${c} covers every address; list the private ranges only`, alternatives: [JSON.stringify(DEFAULT_PRIVATE_CIDRS)] })),
};

import { ConfigProblem } from '../../../policy/errors';
import { parseCidr } from '../../../policy/cidr';
import { ConfigRule } from '../rule';

/**
 * Each allowlist entry opens one range on one port or port range: not every address (the
 * internet is open already, and 0.0.0.0/0 would reopen the private ranges and the metadata
 * services), and a port range that runs upwards.
 */
export const egressAllowlistRanges: ConfigRule<'aws-renderer'> = {
  id: 'egress-allowlist-ranges',
  description: 'ecs.egressAllowlist entries name a range narrower than every address, and toPort is at or above port.',
  check: (o) => {
    const out: ConfigProblem[] = [];
    (Array.isArray(o.ecs?.egressAllowlist) ? o.ecs!.egressAllowlist : []).forEach((entry, i) => {
      const f = `ecs.egressAllowlist[${i}]`;
      if (typeof entry.cidr === 'string' && parseCidr(entry.cidr)?.prefix === 0) {
        out.push({ field: `${f}.cidr`, message: `${entry.cidr} is every address: the internet is open already, and this would reopen the private ranges and the metadata services`, alternatives: ['the range of the one destination, e.g. "10.20.0.0/24"'] });
      }
      if (typeof entry.port === 'number' && typeof entry.toPort === 'number' && entry.toPort < entry.port) {
        out.push({ field: `${f}.toPort`, message: `${entry.toPort} is below port ${entry.port}`, alternatives: [`${entry.port}`, 'remove toPort (one port)'] });
      }
    });
    return out;
  },
};

import { isIP } from 'net';
import { METADATA_CIDRS } from '../../../k8s/defaults';
import { addressRange, rangeContains } from '../../../policy/address-math';
import { ConfigProblem } from '../../../policy/errors';
import { ConfigRule } from '../rule';

/**
 * agentSandbox.postgres.cidrs narrows the controller's and proxy's Postgres egress: a range of
 * every address narrows nothing, one inside a metadata endpoint opens that endpoint's port, and
 * ranges that leave out the host the kit file names would cut the controller off its database.
 */
export const agentPostgresCidrs: ConfigRule<'kubernetes-renderer'> = {
  id: 'agent-postgres-cidrs',
  description: 'agentSandbox.postgres.cidrs are narrower than every address, are not a metadata endpoint, and hold postgres.host when it is an IP address.',
  check: (o) => {
    const pg = o.agentSandbox?.postgres;
    const cidrs = Array.isArray(pg?.cidrs) ? pg!.cidrs : [];
    const out: ConfigProblem[] = [];
    const field = 'agentSandbox.postgres.cidrs';
    const metadata = METADATA_CIDRS.map((c) => addressRange(c)!);
    const ranges = cidrs.map((c, i) => {
      // Not a CIDR: the schema has said so (format cidr, the same parser).
      const r = typeof c === 'string' ? addressRange(c) : undefined;
      if (r?.prefix === 0) {
        out.push({ field: `${field}[${i}]`, message: `${c} is every address: it narrows nothing (leaving cidrs out opens the same)`, alternatives: ['the range of the database, e.g. "10.20.0.0/24" or "10.20.0.7/32"'] });
      } else if (r && metadata.some((m) => rangeContains(m, r))) {
        out.push({ field: `${field}[${i}]`, message: `${c} is a cloud metadata endpoint, which no pod of the kit's may reach`, alternatives: ['the range of the database, e.g. "10.20.0.0/24"'] });
      }
      return r;
    });
    const host = typeof pg?.host === 'string' ? pg.host : undefined;
    const known = ranges.filter((r): r is NonNullable<typeof r> => r !== undefined);
    if (host && isIP(host) && known.length === ranges.length && known.length) {
      const at = addressRange(`${host}/${isIP(host) === 4 ? 32 : 128}`);
      if (at && !known.some((r) => rangeContains(r, at))) {
        out.push({ field, message: `postgres.host ${host} lies in none of ${cidrs.join(', ')}: the controller and proxy could not reach their database`, alternatives: [`add "${host}/${isIP(host) === 4 ? 32 : 128}"`, 'the range that holds the host'] });
      }
    }
    return out;
  },
};

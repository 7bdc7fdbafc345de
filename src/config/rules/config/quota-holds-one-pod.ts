import { DEFAULT_SCRATCH_SIZE, EPHEMERAL_STORAGE_ALLOWANCE_MI } from '../../../policy/config';
import { ConfigProblem } from '../../../policy/errors';
import { parseCpu, parseMemory } from '../../../policy/quantity';
import { SERVICE_NAMES, SERVICES } from '../../../policy/services';
import { ConfigRule } from '../rule';

const MI = 1024 ** 2;

/**
 * A quota cap below what one user-code container asks for would refuse every pod of the service:
 * say so from the kit file alone. (What the whole scaling needs, and the agent sandbox's init
 * container and volumes, are checked when the quota is rendered.)
 */
export const quotaHoldsOnePod: ConfigRule<'config'> = {
  id: 'quota-holds-one-pod',
  description: 'services.<name>.quota caps are not below what one user-code container of the service needs (its CPU and memory limits, its ephemeral-storage limit).',
  check: (c) => SERVICE_NAMES.flatMap((s) => {
    const q = c.services?.[s]?.quota;
    if (!q) return [];
    const out: ConfigProblem[] = [];
    const field = `services.${s}.quota`;
    const r = c.services?.[s]?.resources ?? SERVICES[s].resources;
    const check = (key: 'cpu' | 'memory' | 'ephemeralStorage', cap: number | undefined, need: number | undefined, needText: string) => {
      if (cap === undefined || need === undefined || cap >= need) return;
      out.push({ field: `${field}.${key}`, message: `${q[key]} is below what one ${s} pod needs (${needText}): no pod of the service could start`, alternatives: [`"${needText}" or more, times the pods the service runs at once`, `remove ${field}.${key} (the kit sizes the quota)`] });
    };
    check('cpu', q.cpu === undefined ? undefined : parseCpu(String(q.cpu)), parseCpu(String(r.limits?.cpu)), String(r.limits?.cpu));
    check('memory', q.memory === undefined ? undefined : parseMemory(String(q.memory)), parseMemory(String(r.limits?.memory)), String(r.limits?.memory));
    const scratch = parseMemory(String(c.services?.[s]?.scratchSize ?? DEFAULT_SCRATCH_SIZE));
    if (scratch !== undefined) {
      const mi = Math.ceil((SERVICES[s].writablePaths.length * scratch) / MI) + EPHEMERAL_STORAGE_ALLOWANCE_MI;
      check('ephemeralStorage', q.ephemeralStorage === undefined ? undefined : parseMemory(String(q.ephemeralStorage)), mi * MI, `${mi}Mi`);
    }
    return out;
  }),
};

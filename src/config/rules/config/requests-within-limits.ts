import { parseCpu, parseMemory } from '../../../policy/quantity';
import { SERVICE_NAMES } from '../../../policy/services';
import { ConfigRule } from '../rule';

/** A request above its limit cannot be scheduled (Kubernetes refuses it; ECS reserves more than it may use). */
export const requestsWithinLimits: ConfigRule<'config'> = {
  id: 'requests-within-limits',
  description: 'Each service\'s CPU and memory requests must not exceed its limits.',
  check: (c) => SERVICE_NAMES.flatMap((s) => {
    const r = c.services?.[s]?.resources;
    if (!r?.requests || !r.limits) return [];
    const field = `services.${s}.resources.requests`;
    const out = [];
    const cpu = [parseCpu(String(r.requests.cpu)), parseCpu(String(r.limits.cpu))];
    if (cpu[0] !== undefined && cpu[1] !== undefined && cpu[0] > cpu[1]) {
      out.push({ field: `${field}.cpu`, message: `request ${r.requests.cpu} is above the limit ${r.limits.cpu}`, alternatives: [`a request of at most "${r.limits.cpu}"`] });
    }
    const mem = [parseMemory(String(r.requests.memory)), parseMemory(String(r.limits.memory))];
    if (mem[0] !== undefined && mem[1] !== undefined && mem[0] > mem[1]) {
      out.push({ field: `${field}.memory`, message: `request ${r.requests.memory} is above the limit ${r.limits.memory}`, alternatives: [`a request of at most "${r.limits.memory}"`] });
    }
    return out;
  }),
};

import { TARGETS } from '../../../targets';
import { ConfigRule } from '../rule';

/** The node OS must be one the target runs (catalog: TargetFacts.nodeOs). */
export const nodeOsFitsTarget: ConfigRule<'config'> = {
  id: 'node-os-fits-target',
  description: 'nodeOs must be one of the node operating systems the target runs.',
  check: (c) => {
    const facts = TARGETS[c.target];
    if (!facts || c.nodeOs === undefined || facts.nodeOs.includes(c.nodeOs)) return [];
    return [{
      field: 'nodeOs',
      message: facts.nodeOs.length === 0 ? `${facts.displayName} has no nodes you choose an OS for` : `${facts.displayName} does not run "${c.nodeOs}" nodes`,
      alternatives: facts.nodeOs.length ? [`one of ${facts.nodeOs.map((o) => `"${o}"`).join(', ')}`] : ['remove nodeOs'],
    }];
  },
};

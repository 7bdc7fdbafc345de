import { TARGETS } from '../../../targets';
import { ConfigRule } from '../rule';

/**
 * An AppArmor choice means nothing where the nodes run no AppArmor: say so rather than ignore it.
 * The kit's own profile also needs a way to load it on the nodes (catalog: appArmorProfiles).
 */
export const appArmorNeedsAppArmorNodes: ConfigRule<'config'> = {
  id: 'apparmor-needs-apparmor-nodes',
  description: 'appArmor other than "auto" needs nodes that run AppArmor; "kit-profile" also needs the target to load profiles on them.',
  check: (c) => {
    const facts = TARGETS[c.target];
    if (!facts || c.appArmor === undefined || c.appArmor === 'auto') return [];
    const nodeOs = c.nodeOs ?? facts.nodeOs[0];
    const module = facts.securityModule.value;
    const apparmorOs = facts.nodeOs.filter((o) => module[o] === 'apparmor');
    if (nodeOs === undefined || module[nodeOs] !== 'apparmor') {
      return [{
        field: 'appArmor',
        message: `"${c.appArmor}" needs nodes that run AppArmor, but ${nodeOs === undefined ? `${facts.displayName} has no nodes you choose an OS for` : `${nodeOs} nodes on ${facts.displayName} run ${module[nodeOs] ?? 'no Linux security module the kit knows'}`} (${facts.securityModule.source})`,
        alternatives: ['remove appArmor (or "auto")', ...(apparmorOs.length ? [`nodeOs: one of ${apparmorOs.map((o) => `"${o}"`).join(', ')}`] : [])],
      }];
    }
    if (c.appArmor === 'kit-profile' && !facts.appArmorProfiles.value) {
      return [{ field: 'appArmor', message: `"kit-profile" needs a profile loaded on the nodes, which ${facts.displayName} does not allow (${facts.appArmorProfiles.source})`, alternatives: ['remove appArmor (or "auto")'] }];
    }
    return [];
  },
};

import { TARGETS } from '../../../targets';
import { ConfigRule } from '../rule';

/** The profile delivery must be one the target offers (catalog: TargetFacts.profileDelivery). */
export const profileDeliveryFitsTarget: ConfigRule<'config'> = {
  id: 'profile-delivery-fits-target',
  description: 'profileDelivery must be one of the ways the target can put a seccomp profile on its nodes.',
  check: (c) => {
    const facts = TARGETS[c.target];
    if (!facts || c.profileDelivery === undefined || facts.profileDelivery.value.includes(c.profileDelivery)) return [];
    const offered = facts.profileDelivery.value;
    return [{
      field: 'profileDelivery',
      message: `${facts.displayName} cannot deliver a profile by "${c.profileDelivery}" (${facts.profileDelivery.source})`,
      alternatives: offered.length ? [`one of ${offered.map((d) => `"${d}"`).join(', ')}`] : ['remove profileDelivery: no custom profile reaches this target\'s nodes'],
    }];
  },
};

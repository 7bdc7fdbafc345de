import { ConfigRule } from '../rule';

/**
 * A Security Profiles Operator `SeccompProfile` object carries one profile under one name, so it
 * cannot hold a flattened profile per architecture.
 */
export const operatorProfilesOneArchitecture: ConfigRule<'config'> = {
  id: 'operator-profiles-one-architecture',
  description: 'profileDelivery "security-profiles-operator" works with one node architecture only.',
  check: (c) => {
    const archs = c.architectures ?? ['amd64', 'arm64'];
    if (c.profileDelivery !== 'security-profiles-operator' || archs.length <= 1) return [];
    return [{
      field: 'architectures',
      message: `profileDelivery "security-profiles-operator" installs one SeccompProfile object per profile name, which holds one architecture; ${c.architectures ? 'the config lists' : 'the default is'} ${archs.join(', ')}`,
      alternatives: ['architectures: ["amd64"] or ["arm64"]', 'profileDelivery: "daemonset", which installs a file per architecture'],
    }];
  },
};

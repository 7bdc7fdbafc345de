import { ConfigRule } from '../rule';
import { imagePinned } from './image-pinned';
import { pullSecretsOnKubernetes } from './pull-secrets-on-kubernetes';
import { retoolVersionNamed } from './retool-version-named';
import { retoolVersionSupported } from './retool-version-supported';
import { appArmorNeedsAppArmorNodes } from './apparmor-needs-apparmor-nodes';
import { capacityOnEcsFargate } from './capacity-on-ecs-fargate';
import { kitImageNeedsImage } from './kit-image-needs-image';
import { kubernetesVersionOnKubernetesTargets } from './kubernetes-version-on-kubernetes-targets';
import { nodeOsFitsTarget } from './node-os-fits-target';
import { operatorProfilesOneArchitecture } from './operator-profiles-one-architecture';
import { profileDeliveryFitsTarget } from './profile-delivery-fits-target';
import { quotaHoldsOnePod } from './quota-holds-one-pod';
import { requestsWithinLimits } from './requests-within-limits';

/** Rules over one target's config (SandboxKitConfig). Add yours here. */
export const CONFIG_RULES: readonly ConfigRule<'config'>[] = [
  nodeOsFitsTarget,
  kubernetesVersionOnKubernetesTargets,
  profileDeliveryFitsTarget,
  operatorProfilesOneArchitecture,
  appArmorNeedsAppArmorNodes,
  kitImageNeedsImage,
  capacityOnEcsFargate,
  requestsWithinLimits,
  quotaHoldsOnePod,
  retoolVersionNamed,
  retoolVersionSupported,
  imagePinned,
  pullSecretsOnKubernetes,
];

import { DeploymentPlan, SandboxPlan } from '../policy/plan';
import { ProfileName } from '../policy/services';
import { ociProfile, RenderedProfile } from '../seccomp';
import { Architecture, ProfileDelivery } from '../targets/types';
import { PROFILE_CHECKSUM_ANNOTATION } from './labels';

const ociCache = new Map<string, RenderedProfile>();

/** ociProfile, memoized: every chart and pod of a synth run asks for the same few files. */
function renderedOci(profile: ProfileName, arch: Architecture, capabilities: readonly string[]): RenderedProfile {
  const key = `${profile}/${arch}/${[...capabilities].sort().join(',')}`;
  let r = ociCache.get(key);
  if (!r) {
    r = ociProfile(profile, arch, capabilities);
    ociCache.set(key, r);
  }
  return r;
}

/** One Localhost profile that pods of a plan reference. */
export interface ReferencedProfile {
  /** Kit profile. */
  readonly profile: ProfileName;
  /** `localhostProfile`, relative to /var/lib/kubelet/seccomp. */
  readonly localhostProfile: string;
  /** The container's capability set the profile is flattened for. */
  readonly capabilities: readonly string[];
  /** How it reaches the nodes. */
  readonly delivery: ProfileDelivery;
  /** The rendered file per architecture. */
  readonly files: readonly RenderedProfile[];
}

/** The Localhost profile one service's sandbox references, or undefined. */
export function referencedProfile(plan: SandboxPlan): ReferencedProfile | undefined {
  const seccomp = plan.sandbox.seccomp;
  if (seccomp.type !== 'Localhost') return undefined;
  if (!plan.profileDelivery) throw new Error(`${plan.service}: the plan references Localhost profile ${seccomp.localhostProfile} but names no profileDelivery`);
  const capabilities = plan.sandbox.effectiveCapabilities;
  return {
    profile: seccomp.profile,
    localhostProfile: seccomp.localhostProfile,
    capabilities,
    delivery: plan.profileDelivery,
    files: plan.architectures.map((arch: Architecture) => renderedOci(seccomp.profile, arch, capabilities)),
  };
}

/**
 * Every Localhost profile of a deployment, once per path. Two services that reference the
 * same path with different contents cannot both be served: that is an error.
 */
export function referencedProfiles(plan: DeploymentPlan): ReferencedProfile[] {
  const byPath = new Map<string, ReferencedProfile>();
  for (const s of plan.services) {
    const ref = referencedProfile(s);
    if (!ref) continue;
    const seen = byPath.get(ref.localhostProfile);
    if (seen && seen.files.map((f) => f.sha256).join() !== ref.files.map((f) => f.sha256).join()) {
      throw new Error(`${s.service}: ${ref.localhostProfile} is referenced with two different contents (capability sets ${JSON.stringify(seen.capabilities)} and ${JSON.stringify(ref.capabilities)})`);
    }
    if (!seen) byPath.set(ref.localhostProfile, ref);
  }
  return [...byPath.values()];
}

/**
 * Pod annotations with the sha256 of the referenced profile per architecture, so that a
 * profile change changes the pod template and rolls the pods.
 */
export function profileChecksumAnnotations(plan: SandboxPlan): Record<string, string> {
  const ref = referencedProfile(plan);
  if (!ref) return {};
  const out: Record<string, string> = {};
  for (const f of ref.files) out[`${PROFILE_CHECKSUM_ANNOTATION}.${f.arch}`] = f.sha256;
  return out;
}

import { dockerProfile, ociProfile } from '../seccomp';
import { ProfileSource } from './profiles';

/** The kit's own profiles (src/seccomp), byte-identical to profiles/. */
export const KIT_PROFILES: ProfileSource = {
  docker: (profile) => dockerProfile(profile),
  oci: (profile, arch, capabilities) => ociProfile(profile, arch, capabilities),
};

import { isFloatingImage, namesLatest, parseImage } from '../../../policy/images';
import { SERVICE_NAMES } from '../../../policy/services';
import { ConfigRule } from '../rule';

/** A tag that moves changes what runs without a synth: the kit renders no untagged or :latest image. */
export const imagePinned: ConfigRule<'config'> = {
  id: 'image-pinned',
  description: 'services.<name>.image needs a tag other than latest (or a digest), and names one digest at most (in the reference or in imageDigest).',
  check: (c) => SERVICE_NAMES.flatMap((s) => {
    const o = c.services?.[s];
    if (typeof o?.image !== 'string') return [];
    const field = `services.${s}.image`;
    if (isFloatingImage(o.image) || namesLatest(o.image)) {
      return [{
        field,
        message: `${JSON.stringify(o.image)} ${parseImage(o.image).tag === undefined ? 'has no tag, which pulls :latest' : 'names :latest'}, a tag that moves; the kit renders no :latest`,
        alternatives: [`${field}: the same repository with a release tag, e.g. "${parseImage(o.image).repository}:3.334.0-stable"`, `remove ${field} and set retoolVersion (Retool's image of that release)`],
      }];
    }
    if (o.imageDigest !== undefined && parseImage(o.image).digest !== undefined) {
      return [{ field: `services.${s}.imageDigest`, message: `${field} already carries a digest`, alternatives: [`remove services.${s}.imageDigest`, `remove the digest from ${field}`] }];
    }
    return [];
  }),
};

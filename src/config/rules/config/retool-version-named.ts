import { SERVICE_NAMES, SERVICES } from '../../../policy/services';
import { ConfigRule } from '../rule';

/**
 * A service that runs Retool's image needs a release to tag it with: the kit picks none, as
 * Retool's chart does not ("You need to pick a specific tag here"), and never renders `:latest`.
 */
export const retoolVersionNamed: ConfigRule<'config'> = {
  id: 'retool-version-named',
  description: 'retoolVersion (or services.<name>.retoolVersion) is needed for every enabled service that runs Retool\'s image: the kit renders no :latest and picks no release.',
  check: (c) => {
    const missing = SERVICE_NAMES.filter((s) => {
      const o = c.services?.[s];
      return o?.enabled !== false && o?.image === undefined && o?.retoolVersion === undefined && c.retoolVersion === undefined;
    });
    if (!missing.length) return [];
    return [{
      field: 'retoolVersion',
      message: `no Retool release is named, and ${missing.map((s) => SERVICES[s].displayName).join(', ')} run${missing.length === 1 ? 's' : ''} Retool's image, whose tag is the release; the kit renders no :latest`,
      alternatives: [
        'retoolVersion: the release of your Retool backend (its image.tag), e.g. "3.334.0-stable"',
        ...missing.map((s) => `services.${s}.image: an image reference with a tag or digest`),
      ],
    }];
  },
};

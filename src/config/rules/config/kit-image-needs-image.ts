import { SERVICE_NAMES, SERVICES } from '../../../policy/services';
import { ConfigRule } from '../rule';

/** imageKind "kit" with the default image would plan the kit's jail and run it in Retool's image. */
export const kitImageNeedsImage: ConfigRule<'config'> = {
  id: 'kit-image-needs-image',
  description: 'services.<name>.imageKind "kit" needs services.<name>.image: the kit publishes no image, and the default is Retool\'s.',
  check: (c) => SERVICE_NAMES
    .filter((s) => c.services?.[s]?.imageKind === 'kit' && c.services?.[s]?.image === undefined)
    .map((s) => ({
      field: `services.${s}.image`,
      message: `imageKind "kit" runs an image built from the kit's runtime image, which the kit does not publish; the default image is Retool's (${SERVICES[s].repository})`,
      alternatives: [`services.${s}.image: your build of the kit's image (npm run images)`, `remove services.${s}.imageKind (Retool's image)`],
    })),
};

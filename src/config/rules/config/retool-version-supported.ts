import { compareVersions } from '../../../policy/quantity';
import { SERVICE_NAMES } from '../../../policy/services';
import { MIN_EXECUTOR_RELEASE } from '../../../targets/retool';
import { ConfigRule } from '../rule';

const RELEASE = /^([0-9]+\.[0-9]+\.[0-9]+)-(stable|edge)$/;

/** Releases older than the first one Retool tagged its executor images with have no such images. */
export const retoolVersionSupported: ConfigRule<'config'> = {
  id: 'retool-version-supported',
  description: `retoolVersion must be ${MIN_EXECUTOR_RELEASE.value} or newer: older backend releases have no executor images of the same tag (${MIN_EXECUTOR_RELEASE.source}).`,
  check: (c) => {
    const named: [string, string | undefined][] = [['retoolVersion', c.retoolVersion], ...SERVICE_NAMES.map((s): [string, string | undefined] => [`services.${s}.retoolVersion`, c.services?.[s]?.retoolVersion])];
    return named.flatMap(([field, v]) => {
      const m = v === undefined ? null : RELEASE.exec(v);
      // A value that is not a release is the schema's problem.
      if (!m || compareVersions(m[1], MIN_EXECUTOR_RELEASE.value) >= 0) return [];
      return [{
        field,
        message: `release ${v} is older than ${MIN_EXECUTOR_RELEASE.value}, the first whose tag Retool's executor images carry (Retool's chart falls back to executor tag 1.1.0 below it)`,
        alternatives: [`${field}: "${MIN_EXECUTOR_RELEASE.value}-stable" or newer (the release of your backend, upgraded)`],
      }];
    });
  },
};

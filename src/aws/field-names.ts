import { Construct } from 'constructs';
import { ConfigProblem } from '../policy/errors';

/**
 * How the AWS checks (checkEcsPlan, checkEksPlan) name the options they read, so that a problem
 * names what the user wrote: a kit-file path when the options came through the kit file, a
 * construct's prop when the construct is used as a library.
 */
export interface AwsFieldNames {
  /**
   * The name of an option, given its path under the kit file's `aws.renderer` (`ecs.instanceType`,
   * `eks.instanceTypes.arm64`, `buildImages`).
   */
  field(rendererPath: string): string;
  /**
   * Scope of the problems (a construct's path).
   * @default - none: the caller scopes them
   */
  readonly scope?: string;
}

/** Options from the kit file: `aws.renderer.<path>`. */
export const KIT_FILE_FIELDS: AwsFieldNames = { field: (p) => `aws.renderer.${p}` };

/**
 * Options from a construct's props: `<Class>.props.<prop>`, scoped to the construct's path.
 * `props` maps a path under `aws.renderer` (or its first segments) to the prop that carries it
 * (`"ecs": ""` drops the segment); the rest of the path follows the prop
 * (`fargateTaskSizes.js-executor`), and a path not mapped is the prop's name as it is.
 */
export function propFieldNames(construct: Construct, className: string, props: Readonly<Record<string, string>>): AwsFieldNames {
  const prefixes = Object.keys(props).sort((a, b) => b.length - a.length);
  return {
    scope: construct.node.path,
    field: (path) => {
      const prefix = prefixes.find((k) => path === k || path.startsWith(`${k}.`));
      const name = prefix === undefined ? path : `${props[prefix]}${path.slice(prefix.length)}`.replace(/^\./, '');
      return `${className}.props.${name}`;
    },
  };
}

/**
 * The problems of the kit file's checks on `aws.renderer` options (fields `<prefix>.<path>`),
 * named as `names` says.
 */
export function renamed(problems: readonly ConfigProblem[], prefix: string, names: AwsFieldNames): ConfigProblem[] {
  return scoped(problems.map((p) => (p.field.startsWith(`${prefix}.`) ? { ...p, field: names.field(p.field.slice(prefix.length + 1)) } : p)), names);
}

/** Scope problems as the names say (a construct's path), keeping a scope a problem has. */
export function scoped(problems: readonly ConfigProblem[], names: AwsFieldNames): ConfigProblem[] {
  return problems.map((p) => (names.scope && !p.scope ? { ...p, scope: names.scope } : p));
}

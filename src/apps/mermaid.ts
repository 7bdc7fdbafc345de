import { KitCheck } from './kit-check';

/** Placeholder until the diagrams land. */
export function kitMermaid(check: KitCheck): string {
  return check.apps.kubernetes.targets.map((t) => `%% ${t.target}`).join('\n');
}

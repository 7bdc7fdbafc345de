import { setFlagsFromString } from 'v8';

/**
 * Tune V8 for a process that synthesizes once and exits: no optimizing compiler (`--no-opt`).
 * A synth runs each function a few times only; TurboFan's compilations (on background threads)
 * cost more CPU than the optimized code saves before exit: about a tenth of a cold
 * `node lib/apps/k8s.js` in CPU time, with about the same wall time and the same output
 * (docs/kubernetes.md, Synth speed). Called by the entry points only, never on import: a
 * long-lived process that uses the kit as a library keeps its optimizing compiler.
 */
export function tuneForOneShotRun(): void {
  setFlagsFromString('--no-opt');
}

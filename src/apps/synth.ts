import { SandboxConfigError } from '../policy/errors';
import { tuneForOneShotRun } from './one-shot';
import { synthAll } from './synth-all';

/** `npm run synth`: both apps, all or nothing (see synthAll). */
tuneForOneShotRun();
try {
  process.exitCode = synthAll();
} catch (e) {
  if (!(e instanceof SandboxConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
}

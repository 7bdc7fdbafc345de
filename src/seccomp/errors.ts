import { ConfigProblem, SandboxConfigError } from '../policy/errors';

/**
 * Bad seccomp input: an unknown syscall, capability or architecture, or rules that conflict.
 * A SandboxConfigError, so callers handle every kit error the same way; the message names the
 * field, what is wrong and what would work.
 */
export class SeccompProfileError extends SandboxConfigError {
  /** One problem. */
  static one(field: string, message: string, alternatives: readonly string[] = []): SeccompProfileError {
    return new SeccompProfileError('invalid seccomp profile input', [{ field, message, alternatives }]);
  }

  constructor(context: string, problems: readonly ConfigProblem[]) {
    super(context, problems);
    this.name = 'SeccompProfileError';
  }
}

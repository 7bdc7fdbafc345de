/**
 * Prints one plain closing line after jest's own summary, `tests: N passed, N failed, N skipped`,
 * so that CI logs carry a runner-independent count.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;

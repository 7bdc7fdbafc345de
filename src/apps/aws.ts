/**
 * The CDK app behind cdk.json: one stack per target of the kit file's "aws" section.
 * Every plan is computed before any stack exists; a config the kit cannot render exits
 * non-zero with the planner's explanation and writes no cloud assembly.
 */
import { buildAwsApp } from '../aws/app';
import { loadAppInput } from './kit-file';

function main(): void {
  let built;
  try {
    built = buildAwsApp(loadAppInput('aws'));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  built.app.synth();
}

main();

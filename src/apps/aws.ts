/**
 * The CDK app behind cdk.json: one stack per target of the kit file's "aws" section.
 * Every plan is computed before any stack exists; a config the kit cannot render exits
 * non-zero with the planner's explanation and writes no cloud assembly.
 */
import { runAwsApp } from '../aws/app';

process.exitCode = runAwsApp();

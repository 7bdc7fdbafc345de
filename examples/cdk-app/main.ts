// A CDK app that uses sandbox-kit as a library: plan an ECS target, deploy it as one stack.
// `npm install sandbox-kit aws-cdk-lib constructs cdk-nag`, then `npx tsc && npx cdk synth`.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { plan } from 'sandbox-kit';
import { EcsSandboxStack, KIT_PROFILES, resolveAwsOptions } from 'sandbox-kit/aws';

const app = new App();

// ECS on EC2: the executors under NsJail with the kit's seccomp profiles. The agent sandbox
// needs Kubernetes (its controller starts each sandbox as a Job), so it is turned off here.
const ecs = plan({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } });

// Network, cluster, capacity split by what each host imposes, and one ECS service per planned
// service; the endpoints to give Retool's backend are stack outputs.
new EcsSandboxStack(app, 'RetoolSandboxes', {
  plan: ecs,
  options: resolveAwsOptions({}),
  profiles: KIT_PROFILES,
});

// The kit acknowledges, with reasons, the AwsSolutions findings its design implies; anything
// else fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();

// A CDK app that uses sandbox-kit as a library: plan an ECS target, deploy it as one stack.
// `npm install sandbox-kit aws-cdk-lib constructs cdk-nag`, then `npx tsc && npx cdk synth`.
import { App, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { plan } from 'sandbox-kit';
import { EcsSandboxStack } from 'sandbox-kit/aws';

const app = new App();

// ECS on EC2: the executors under NsJail with the kit's seccomp profiles. The agent sandbox
// needs Kubernetes (its controller starts each sandbox as a Job), so it is turned off here.
const ecs = plan({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } });

// Network, cluster, capacity split by what each host imposes, and one ECS service per planned
// service; the endpoints to give Retool's backend are stack outputs. Typed props, checked when
// the stack is created (an instance type of an architecture the plan lacks is refused).
new EcsSandboxStack(app, 'RetoolSandboxes', {
  plan: ecs,
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7I, ec2.InstanceSize.XLARGE),
  maxCapacity: 6,
  logRetention: logs.RetentionDays.ONE_MONTH,
});

// The kit acknowledges, with reasons, the AwsSolutions findings its design implies; anything
// else fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();

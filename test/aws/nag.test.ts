import * as fs from 'fs';
import * as path from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { AwsApp } from '../../src/aws/app';
import { build, kitConfigs } from './support';

/** Every acknowledgement recorded in a construct tree: rule id → reasons. */
function acknowledgements(root: IConstruct): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        // aws-cdk-lib acknowledges some of its own CloudFormation-Validate rules; only cdk-nag's are the kit's.
        if (!id.startsWith('AwsSolutions::')) continue;
        out.set(id, [...(out.get(id) ?? []), reason]);
      }
    }
  }
  return out;
}

// Every stack the kit renders: the default targets and the Fargate example, in one app with
// cdk-nag's AwsSolutionsChecks registered the way the CDK app registers it.
let built: AwsApp;
let synthError: unknown;
beforeAll(() => {
  built = build([...kitConfigs('sandbox-kit.config.json'), ...kitConfigs('examples/ecs-fargate.config.json')]);
  try {
    built.app.synth();
  } catch (e) {
    synthError = e;
  }
});

describe('cdk-nag AwsSolutionsChecks', () => {
  test('the app renders ecs-ec2, eks and ecs-fargate', () => {
    expect(built.stacks.map((s) => s.stackName)).toEqual(['SandboxKit-ecs-ec2', 'SandboxKit-eks', 'SandboxKit-ecs-fargate']);
  });

  test('no stack has an unacknowledged finding, error or warning', () => {
    expect(synthError).toBeUndefined();
    const report = JSON.parse(fs.readFileSync(path.join(built.app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations?: { ruleName: string }[] }[];
    };
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions')!;
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
    // What was suppressed is exactly what the kit acknowledged.
    const acked = new Set([...acknowledgements(built.app).keys()].map((k) => k.replace(/^AwsSolutions::/, '')));
    for (const v of nag.suppressedViolations ?? []) expect(acked).toContain(v.ruleName);
  });

  test('every acknowledgement carries a specific reason, and only reviewed rules are acknowledged', () => {
    const acks = acknowledgements(built.app);
    const rules = [...acks.keys()].map((k) => k.replace(/^AwsSolutions::/, '').replace(/\[.*$/, ''));
    expect(new Set(rules)).toEqual(new Set(['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-AS3', 'AwsSolutions-ECS2', 'AwsSolutions-L1']));
    for (const [id, reasons] of acks) {
      for (const reason of reasons) {
        expect(reason.length).toBeGreaterThanOrEqual(40);
        // A reason names what it is about, not just "suppressed" or "acceptable".
        expect(reason).not.toMatch(/^(ok|suppress|acceptable|n\/a|todo)/i);
      }
      // Acknowledged with the id cdk-nag reports (pack prefix plus rule, with the finding in brackets for IAM).
      expect(id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
    }
  });

  test('acknowledgements stay on the constructs that cause them, not on whole stacks', () => {
    for (const stack of built.stacks) {
      const onStack = stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        && Object.keys(m.data as object).some((id) => id.startsWith('AwsSolutions::')));
      expect(onStack).toEqual([]);
    }
  });

  test('the checks are live: an unacknowledged finding in another stack of the same kind of app fails synth', () => {
    const control = build(kitConfigs('sandbox-kit.config.json', ['ecs-ec2']));
    const extra = new Stack(control.app, 'Control');
    new sns.Topic(extra, 'Plain');
    const vpc = new ec2.Vpc(extra, 'Vpc', { natGateways: 0 });
    new ec2.SecurityGroup(extra, 'Open', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    expect(() => control.app.synth()).toThrow(/AwsSolutions-(SNS2|SNS3|EC23|VPC7)/);
  });
});

import { App, Stack } from 'aws-cdk-lib';
import { ApiObject, App as Cdk8sApp } from 'cdk8s';
import { plan, SandboxKitChart } from '../../src';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FargatePodSecurityGroups } from '../../src/aws/fargate-pod-security-groups';
import { internetIpv4Cidrs } from '../../src/policy/egress';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthKubernetes } from '../../src/apps/k8s';
import { SandboxConfigError } from '../../src/policy/errors';
import { FARGATE_KIT_FILE, KIT_FILE, render, renderKitFile } from './helpers';

const GROUPS = ['sg-0123456789abcdef0', 'sg-0123456789abcdef1', 'sg-0123456789abcdef2'];
const ack = { acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' as const }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } };

test('eks-fargate: a SecurityGroupPolicy gives the user-code pods the named groups (NetworkPolicies do not apply on Fargate)', () => {
  const { objects } = renderKitFile(FARGATE_KIT_FILE)['eks-fargate'];
  const policies = objects.filter((o) => o.kind === 'SecurityGroupPolicy');
  expect(policies).toHaveLength(1);
  expect(policies[0]).toMatchObject({
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    metadata: { namespace: 'sandbox-kit-code-executor' },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'code-executor' } }, securityGroups: { groupIds: GROUPS } },
  });
  // It selects the pods of the code-executor Deployment.
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'code-executor')!;
  const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
  expect(labels['app.kubernetes.io/name']).toBe('code-executor');
});

test('eks-fargate: the chart passes the ids to the CodeExecutor, which brings the SecurityGroupPolicy itself', () => {
  const { chart } = renderKitFile(FARGATE_KIT_FILE)['eks-fargate'];
  const policies = chart.node.findAll().filter(ApiObject.isApiObject).filter((o) => o.kind === 'SecurityGroupPolicy');
  expect(policies.map((o) => o.node.path)).toEqual([expect.stringMatching(/\/CodeExecutor\/SecurityGroupPolicy$/)]);
  expect(policies[0].toJson().spec.securityGroups.groupIds).toEqual(GROUPS);
});

test('a plan edited to hold the agent sandbox on eks-fargate is refused by the chart: the AgentSandbox brings no SecurityGroupPolicy', () => {
  // The planner refuses the agent sandbox on eks-fargate; an eks plan renamed is what reaches the chart.
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { enabled: false }, 'js-executor': { enabled: false } } });
  const edited = { ...eks, target: 'eks-fargate' as const, services: eks.services.map((s) => ({ ...s, target: 'eks-fargate' as const })) };
  expect(() => new SandboxKitChart(new Cdk8sApp(), 'kit', { plan: edited, podSecurityGroupIds: GROUPS, agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } } } }))
    .toThrow(/the eks-fargate plan holds the agent sandbox, which the planner does not plan where NetworkPolicies do not reach the pods/);
});

test('eks-fargate without security groups is refused, with what would work; other targets refuse the option', () => {
  expect(() => render({ target: 'eks-fargate', retoolVersion: '3.334.0-stable', ...ack })).toThrow(/kubernetes\.renderer\.podSecurityGroupIds: NetworkPolicies do not apply to the pods of Amazon EKS on Fargate[\s\S]*FargatePodSecurityGroups/);
  expect(() => render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { podSecurityGroupIds: GROUPS })).toThrow(/podSecurityGroupIds: security groups for pods apply to eks-fargate only/);
});

describe('one kit file holds eks-fargate with the other Kubernetes targets (rendererOverrides)', () => {
  const fargate = JSON.parse(fs.readFileSync(FARGATE_KIT_FILE, 'utf8')) as { kubernetes: { defaults: object; rendererOverrides: Record<string, object> } };
  const base = JSON.parse(fs.readFileSync(KIT_FILE, 'utf8')) as { kubernetes: Record<string, unknown> };
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-mixed-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  /** The repository's kubernetes section with eks-fargate added (its example's choices), changed by `edit`. */
  const kitFile = (name: string, edit: (k: Record<string, unknown>) => void = () => undefined): string => {
    const k: Record<string, unknown> = {
      ...base.kubernetes,
      targets: ['eks', 'gke-standard', 'kubernetes', 'eks-fargate'],
      overrides: { 'eks-fargate': fargate.kubernetes.defaults },
      rendererOverrides: fargate.kubernetes.rendererOverrides,
    };
    edit(k);
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ kubernetes: k }));
    return file;
  };
  const problemsOf = (file: string, outdir: string): { field: string; message: string; scope?: string; alternatives: readonly string[] }[] => {
    try {
      synthKubernetes({ file, outdir, env: {} });
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxConfigError);
      return [...(e as SandboxConfigError).problems];
    }
    throw new Error('synth passed');
  };

  test('all four targets synthesize; only eks-fargate gets the SecurityGroupPolicy', () => {
    const outdir = path.join(dir, 'mixed');
    const result = synthKubernetes({ file: kitFile('mixed'), outdir, env: {} });
    expect(result.files.map((f) => path.basename(f))).toEqual(['eks.k8s.yaml', 'gke-standard.k8s.yaml', 'kubernetes.k8s.yaml', 'eks-fargate.k8s.yaml']);
    const rendered = renderKitFile(kitFile('mixed'));
    expect(Object.keys(rendered)).toEqual(['eks', 'gke-standard', 'kubernetes', 'eks-fargate']);
    const policies = Object.fromEntries(Object.entries(rendered).map(([t, r]) => [t, r.objects.filter((o) => o.kind === 'SecurityGroupPolicy').length]));
    expect(policies).toEqual({ eks: 0, 'gke-standard': 0, kubernetes: 0, 'eks-fargate': 1 });
    // The shared renderer options still reach every target, eks-fargate included.
    expect(rendered['eks-fargate'].chart.options.backend.namespace).toBe('retool');
  });

  test('eks-fargate without ids: one problem naming its rendererOverrides entry, nothing written', () => {
    const outdir = path.join(dir, 'missing');
    const problems = problemsOf(kitFile('missing', (k) => { delete k.rendererOverrides; }), outdir);
    expect(problems).toEqual([expect.objectContaining({ scope: 'kubernetes/eks-fargate', field: 'kubernetes.rendererOverrides.eks-fargate.podSecurityGroupIds', message: expect.stringMatching(/NetworkPolicies do not apply to the pods of Amazon EKS on Fargate/) })]);
    expect(problems[0].alternatives.join(' ')).toMatch(/FargatePodSecurityGroups/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('ids for a target other than eks-fargate are refused where they were given, pointing at eks-fargate\'s entry', () => {
    const perTarget = problemsOf(kitFile('on-eks', (k) => {
      k.rendererOverrides = { ...(k.rendererOverrides as object), eks: { podSecurityGroupIds: GROUPS } };
    }), path.join(dir, 'on-eks'));
    expect(perTarget).toEqual([expect.objectContaining({
      scope: 'kubernetes/eks',
      field: 'kubernetes.rendererOverrides.eks.podSecurityGroupIds',
      message: expect.stringMatching(/apply to eks-fargate only; on eks NetworkPolicies hold the pods' egress/),
      alternatives: expect.arrayContaining(['set them for eks-fargate alone: kubernetes.rendererOverrides.eks-fargate.podSecurityGroupIds in a kit file']),
    })]);
    // Given for every target: each other target refuses them, eks-fargate takes them.
    const shared = problemsOf(kitFile('shared', (k) => {
      delete k.rendererOverrides;
      k.renderer = { ...(k.renderer as object), podSecurityGroupIds: GROUPS };
    }), path.join(dir, 'shared'));
    expect(shared.map((p) => [p.scope, p.field])).toEqual(['eks', 'gke-standard', 'kubernetes'].map((t) => [`kubernetes/${t}`, 'kubernetes.renderer.podSecurityGroupIds']));
  });

  test('a bad value in an override is named at the override', () => {
    const problems = problemsOf(kitFile('bad', (k) => {
      k.rendererOverrides = { 'eks-fargate': { podSecurityGroupIds: ['sg-nothex'] } };
    }), path.join(dir, 'bad'));
    expect(problems.map((p) => p.field)).toEqual(['kubernetes.rendererOverrides.eks-fargate.podSecurityGroupIds[0]']);
  });
});

test('FargatePodSecurityGroups: backend in, DNS to CoreDNS, the IPv4 internet and nothing private out', () => {
  const stack = new Stack(new App(), 'Groups');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const groups = new FargatePodSecurityGroups(stack, 'Pods', {
    vpc,
    clusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Cluster', 'sg-0aaaaaaaaaaaaaaa1'),
    backendSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Backend', 'sg-0bbbbbbbbbbbbbbb2'),
    servicePorts: [3004],
  });
  expect(groups.groupIds).toHaveLength(3);
  const t = Template.fromStack(stack);
  const sgs = t.findResources('AWS::EC2::SecurityGroup') as Record<string, { Properties: { SecurityGroupEgress?: { CidrIp?: string; DestinationSecurityGroupId?: string; FromPort?: number; IpProtocol: string }[]; SecurityGroupIngress?: { SourceSecurityGroupId?: string; FromPort?: number }[] } }>;
  const podsId = Object.keys(sgs).find((id) => /^Pods[0-9A-F]{8}$/.test(id))!;
  const rules = (type: string) => Object.values(t.findResources(type)).map((r) => (r as { Properties: Record<string, unknown> }).Properties)
    .filter((p) => JSON.stringify(p.GroupId).includes(podsId));
  expect(rules('AWS::EC2::SecurityGroupIngress').map((r) => [r.SourceSecurityGroupId, r.FromPort, r.ToPort])).toEqual([['sg-0bbbbbbbbbbbbbbb2', 3004, 3004]]);
  expect(rules('AWS::EC2::SecurityGroupEgress').map((r) => [r.IpProtocol, r.FromPort, r.DestinationSecurityGroupId])).toEqual([['udp', 53, 'sg-0aaaaaaaaaaaaaaa1'], ['tcp', 53, 'sg-0aaaaaaaaaaaaaaa1']]);
  // No inline egress of its own: DNS to CoreDNS is all.
  expect(sgs[podsId].Properties.SecurityGroupEgress ?? []).toEqual([]);
  const internet = Object.entries(sgs).find(([id]) => /EgressInternet/.test(id))![1].Properties;
  expect(internet.SecurityGroupEgress!.map((e) => e.CidrIp).sort()).toEqual(internetIpv4Cidrs().sort());
});

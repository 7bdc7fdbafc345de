import { AWS_RENDERER_RULES, CONFIG_RULES, ConfigRule, KUBERNETES_RENDERER_RULES, RuleSubjects } from '../../src/config';
import { checkAwsRendererOptions } from '../../src/config/validate-aws';
import { checkConfig, checkKubernetesRendererOptions } from '../../src/config/validate';

/** For each rule, a value it passes and one it refuses (with the field it names). */
type Cases<S extends keyof RuleSubjects> = Record<string, { pass: RuleSubjects[S]; fail: RuleSubjects[S]; field: string }>;

const config: Cases<'config'> = {
  'node-os-fits-target': { pass: { target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'ubuntu' }, fail: { target: 'gke-standard', retoolVersion: '3.334.0-stable', nodeOs: 'al2023' }, field: 'nodeOs' },
  'kubernetes-version-on-kubernetes-targets': { pass: { target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.33' }, fail: { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.33' }, field: 'kubernetesVersion' },
  'profile-delivery-fits-target': { pass: { target: 'eks', retoolVersion: '3.334.0-stable', profileDelivery: 'node-user-data' }, fail: { target: 'kubernetes', retoolVersion: '3.334.0-stable', profileDelivery: 'node-user-data' }, field: 'profileDelivery' },
  'operator-profiles-one-architecture': {
    pass: { target: 'kubernetes', retoolVersion: '3.334.0-stable', profileDelivery: 'security-profiles-operator', architectures: ['arm64'] },
    fail: { target: 'kubernetes', retoolVersion: '3.334.0-stable', profileDelivery: 'security-profiles-operator' }, field: 'architectures',
  },
  'apparmor-needs-apparmor-nodes': { pass: { target: 'gke-standard', retoolVersion: '3.334.0-stable', appArmor: 'unconfined' }, fail: { target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'al2023', appArmor: 'kit-profile' }, field: 'appArmor' },
  'kit-image-needs-image': {
    pass: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { imageKind: 'kit', image: 'registry.example.com/sandbox-kit-nsjail:1' } } },
    fail: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { imageKind: 'kit' } } }, field: 'services.code-executor.image',
  },
  'capacity-on-ecs-fargate': { pass: { target: 'ecs-fargate', retoolVersion: '3.334.0-stable', services: { 'js-executor': { capacity: 'ec2' } } }, fail: { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'js-executor': { capacity: 'ec2' } } }, field: 'services.js-executor.capacity' },
  'requests-within-limits': {
    pass: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } } },
    fail: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } } } } },
    field: 'services.js-executor.resources.requests.memory',
  },
  'quota-holds-one-pod': {
    pass: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { quota: { cpu: '8', memory: '24Gi', ephemeralStorage: '10Gi' } } } },
    fail: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { quota: { memory: '4Gi' } } } },
    field: 'services.js-executor.quota.memory',
  },
  'retool-version-named': {
    pass: { target: 'eks', services: { 'code-executor': { retoolVersion: '3.334.0-stable' }, 'js-executor': { image: 'registry.example.com/js:1' }, 'agent-sandbox': { enabled: false } } },
    fail: { target: 'eks', services: { 'code-executor': { retoolVersion: '3.334.0-stable' } } }, field: 'retoolVersion',
  },
  'retool-version-supported': {
    pass: { target: 'eks', retoolVersion: '3.20.15-stable' },
    fail: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { retoolVersion: '3.20.14-stable' } } }, field: 'services.js-executor.retoolVersion',
  },
  'image-pinned': {
    pass: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { image: 'registry.example.com:5000/code-executor:3.334.0-stable' } } },
    fail: { target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { image: 'registry.example.com:5000/code-executor' } } }, field: 'services.code-executor.image',
  },
  'pull-secrets-on-kubernetes': { pass: { target: 'eks', retoolVersion: '3.334.0-stable', imagePullSecrets: ['mirror'] }, fail: { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', imagePullSecrets: ['mirror'] }, field: 'imagePullSecrets' },
};

const kubernetes: Cases<'kubernetes-renderer'> = {
  'label-keys': { pass: { nodeSelector: { 'example.com/pool': 'sandbox' } }, fail: { nodeSelector: { 'example.com/': 'sandbox' } }, field: 'nodeSelector.example.com/' },
  'private-cidrs-not-everything': { pass: { privateCidrs: ['10.0.0.0/8'] }, fail: { privateCidrs: ['10.0.0.0/8', '::/0'] }, field: 'privateCidrs[1]' },
  'namespaces-distinct': { pass: { namespaces: { jsExecutor: 'functions' } }, fail: { backend: { namespace: 'apps' }, namespaces: { jsExecutor: 'apps' } }, field: 'namespaces.jsExecutor' },
  'toleration-fields': { pass: { tolerations: [{ key: 'sandbox', operator: 'Exists' }] }, fail: { tolerations: [{ key: 'sandbox' }] }, field: 'tolerations[0].value' },
  'agent-postgres-cidrs': { pass: { agentSandbox: { postgres: { cidrs: ['10.20.0.0/24'] } } }, fail: { agentSandbox: { postgres: { cidrs: ['10.20.0.0/24', '0.0.0.0/0'] } } }, field: 'agentSandbox.postgres.cidrs[1]' },
};

const vpc = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'] };
const aws: Cases<'aws-renderer'> = {
  'existing-vpc-subnet-per-zone': { pass: { vpc }, fail: { vpc: { ...vpc, privateSubnetIds: ['subnet-0123456789abcdef0'] } }, field: 'vpc.privateSubnetIds' },
  'existing-cluster-needs-vpc': { pass: { vpc, ecs: { clusterName: 'existing' } }, fail: { ecs: { clusterName: 'existing' } }, field: 'ecs.clusterName' },
  'existing-eks-cluster-access': {
    pass: { vpc, eks: { clusterName: 'existing', clusterSecurityGroupId: 'sg-0123456789abcdef0', networkPolicyEnforced: true } },
    fail: { vpc, eks: { clusterName: 'existing', clusterSecurityGroupId: 'sg-0123456789abcdef0' } }, field: 'eks.networkPolicyEnforced',
  },
  'egress-allowlist-ranges': {
    pass: { ecs: { egressAllowlist: [{ cidr: '10.20.0.0/24', port: 5432, toPort: 5433 }] } },
    fail: { ecs: { egressAllowlist: [{ cidr: '10.20.0.0/24', port: 5432, toPort: 5431 }] } }, field: 'ecs.egressAllowlist[0].toPort',
  },
  'capacity-bounds': { pass: { eks: { minSize: 2, maxSize: 6 } }, fail: { eks: { minSize: 3, desiredSize: 2 } }, field: 'eks.desiredSize' },
};

function suite<S extends keyof RuleSubjects>(name: string, rules: readonly ConfigRule<S>[], cases: Cases<S>, check: (v: RuleSubjects[S]) => readonly { field: string }[], prefix = '') {
  describe(name, () => {
    test('every registered rule has a passing and a failing case here', () => {
      expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(cases).sort());
    });
    for (const rule of rules) {
      const c = cases[rule.id];
      test(`${rule.id}: passes a good value, refuses a bad one naming ${c?.field}`, () => {
        expect(rule.check(c.pass)).toEqual([]);
        const found = rule.check(c.fail);
        expect(found.map((p) => p.field)).toEqual([c.field]);
        expect(found[0].alternatives.length).toBeGreaterThan(0);
        // And through the whole check (schema first), the same problem comes out, and only it.
        expect(check(c.pass)).toEqual([]);
        expect(check(c.fail).map((p) => p.field)).toEqual([`${prefix}${c.field}`]);
      });
    }
  });
}

suite('config rules', CONFIG_RULES, config, (v) => checkConfig(v));
suite('Kubernetes renderer rules', KUBERNETES_RENDERER_RULES, kubernetes, (v) => checkKubernetesRendererOptions(v), 'kubernetes.renderer.');
suite('AWS renderer rules', AWS_RENDERER_RULES, aws, (v) => checkAwsRendererOptions(v), 'aws.renderer.');

test('a rule problem on a field the schema already refused is not reported twice', () => {
  const problems = checkConfig({ target: 'gke-standard', retoolVersion: '3.334.0-stable', nodeOs: 'windows' });
  expect(problems.map((p) => p.field)).toEqual(['nodeOs']);
  expect(problems[0].message).toMatch(/is not a value this field takes/);
});

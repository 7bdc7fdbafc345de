import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsApp } from '../../src/aws/app';
import { checkEksPlan } from '../../src/aws/eks-checks';
import { KUBELET_SECCOMP_ROOT } from '../../src/targets';
import { resolveAwsOptions } from '../../src/aws/options';
import { extractProfile } from '../../src/aws/profiles';
import { plan } from '../../src/policy/planner';
import { build, joinText, kitConfigs, profileFile, template } from './support';

let built: AwsApp;
let t: Template;
let userData: Record<string, string>;
beforeAll(() => {
  built = build(kitConfigs('sandbox-kit.config.json', ['eks']), {}, { nag: false });
  t = template(built, 'eks');
  userData = {};
  for (const [id, r] of Object.entries(t.findResources('AWS::EC2::LaunchTemplate'))) {
    userData[id] = joinText((r as { Properties: { LaunchTemplateData: { UserData: unknown } } }).Properties.LaunchTemplateData.UserData);
  }
});

/** The kit chart's manifest (the other manifest is the CoreDNS NetworkPolicy). */
function manifest(): Record<string, unknown>[] {
  const [r] = Object.entries(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(([id]) => !/CoreDnsNetworkPolicy/.test(id)).map(([, x]) => x);
  return JSON.parse((r as { Properties: { Manifest: string } }).Properties.Manifest);
}

describe('eks stack', () => {
  test('the plan is made for node user data delivery, on Kubernetes 1.35', () => {
    const p = built.plans[0];
    expect(p.kubernetesVersion).toBe('1.35');
    for (const s of p.services) {
      expect(s.mode).toBe('seccomp');
      expect(s.profileDelivery).toBe('node-user-data');
    }
  });

  test('cluster: the planned version, private endpoint, control plane logs', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.35',
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
      Logging: { ClusterLogging: { EnabledTypes: Match.arrayWith([{ Type: 'api' }, { Type: 'audit' }]) } },
    });
  });

  test('one managed AL2023 node group per architecture, each on its own launch template', () => {
    t.resourceCountIs('AWS::EKS::Nodegroup', 2);
    for (const [arch, ami, type] of [['amd64', 'AL2023_x86_64_STANDARD', 'm7i.xlarge'], ['arm64', 'AL2023_ARM_64_STANDARD', 'm7g.xlarge']]) {
      t.hasResourceProperties('AWS::EKS::Nodegroup', {
        AmiType: ami,
        InstanceTypes: [type],
        LaunchTemplate: { Id: { Ref: Match.stringLikeRegexp(`Nodes${arch}LaunchTemplate`) }, Version: Match.anyValue() },
      });
    }
  });

  test('node launch templates: IMDSv2 with hop limit 1, encrypted root volume, MIME multipart user data', () => {
    t.allResourcesProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    expect(Object.keys(userData)).toHaveLength(2);
    for (const ud of Object.values(userData)) {
      expect(ud).toMatch(/^Content-Type: multipart\/mixed; boundary=/);
      expect(ud).toContain('Content-Type: text/x-shellscript');
      expect(ud).toContain('set -euo pipefail');
      // EC2 rejects user data over 16 KiB; the shell part travels base64-encoded inside the MIME document.
      const script = ud.slice(ud.indexOf('#!/bin/bash'));
      expect(ud.length - script.length + Math.ceil(script.length / 3) * 4).toBeLessThan(16 * 1024);
    }
  });

  test.each([['amd64', 'nsjail'], ['amd64', 'gvisor'], ['arm64', 'nsjail'], ['arm64', 'gvisor']])(
    '%s nodes: the %s profile written to /var/lib/kubelet/seccomp/sandbox-kit is byte-identical to its flattened file in profiles/',
    (arch, profile) => {
      const ud = Object.entries(userData).find(([id]) => id.includes(`Nodes${arch}`))![1];
      const bytes = extractProfile(ud, `${KUBELET_SECCOMP_ROOT}/sandbox-kit/${profile}.json`);
      expect(bytes).toBeDefined();
      expect(bytes!.equals(profileFile(`${profile}-${arch}.oci.json`))).toBe(true);
    },
  );

  test('the pods (and the agent sandbox pod template) reference exactly the profiles the user data writes', () => {
    // The agent sandbox pod template travels as a JSON string inside the manifest: scan the text.
    const text = JSON.stringify(manifest());
    const referenced = new Set([...text.matchAll(/localhostProfile\W+(sandbox-kit\/[a-z]+\.json)/g)].map((m) => m[1]));
    expect([...referenced].sort()).toEqual(['sandbox-kit/gvisor.json', 'sandbox-kit/nsjail.json']);
    for (const ud of Object.values(userData)) {
      for (const p of referenced) expect(ud).toContain(`gunzip > ${KUBELET_SECCOMP_ROOT}/${p}.tmp`);
    }
  });

  test('the kit chart is attached with no profile installer DaemonSet, after the node groups and the network policy add-on', () => {
    const kinds = manifest().map((o) => o.kind);
    expect(kinds).toContain('Deployment');
    expect(kinds).toContain('NetworkPolicy');
    // The agent sandbox's device plugin and image prepuller only: the node user data writes the profiles.
    expect(manifest().filter((o) => o.kind === 'DaemonSet').map((o) => (o.metadata as { name?: string } | undefined)?.name)).toEqual(['agent-sandbox-device-plugin', 'agent-sandbox-image-prepuller']);
    const [res] = Object.entries(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(([id]) => !/CoreDnsNetworkPolicy/.test(id)).map(([, x]) => x) as { DependsOn: string[] }[];
    expect(res.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Nodesamd64[0-9A-F]{8}$/), expect.stringMatching(/^Nodesarm64[0-9A-F]{8}$/), expect.stringMatching(/^VpcCni/)]));
  });

  test('the VPC CNI enforces NetworkPolicies in strict mode (new pods start denied), and CoreDNS keeps working under it', () => {
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'vpc-cni',
      ConfigurationValues: JSON.stringify({ enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } }),
      ResolveConflicts: 'OVERWRITE',
    });
    const manifests = Object.entries(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as [string, { Properties: { Manifest: unknown }; DependsOn?: string[] }][];
    const dns = manifests.find(([id]) => /CoreDnsNetworkPolicy/.test(id))!;
    const [policy] = JSON.parse(joinText(dns[1].Properties.Manifest)) as { metadata: { namespace: string }; spec: { podSelector: unknown; ingress: { ports: unknown[] }[]; egress: { ports: unknown[] }[] } }[];
    expect(policy.metadata.namespace).toBe('kube-system');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
    expect(policy.spec.ingress).toEqual([{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }]);
    expect(policy.spec.egress).toEqual([{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }, { ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(dns[1].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^VpcCni/)]));
    // The chart follows the CoreDNS policy.
    const chart = manifests.find(([id]) => !/CoreDnsNetworkPolicy/.test(id))!;
    expect(chart[1].DependsOn).toEqual(expect.arrayContaining([dns[0]]));
  });

  test('kubelet podPidsLimit in every node group\'s NodeConfig (nodeadm), from the plans\' pidsLimit', () => {
    for (const ud of Object.values(userData)) {
      expect(ud).toContain('Content-Type: application/node.eks.aws');
      expect(ud).toContain('apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      podPidsLimit: 4096\n');
    }
  });

  test('outputs: the in-cluster endpoints for the *_INGRESS_DOMAIN variables', () => {
    t.hasOutput('CodeExecutorIngressDomain', { Value: Match.stringLikeRegexp('^http://code-executor\\..+\\.svc\\.cluster\\.local$') });
    t.hasOutput('JsExecutorIngressDomain', { Value: Match.stringLikeRegexp('^http://js-executor\\..+local$') });
    t.hasOutput('AgentSandboxControllerIngressDomain', { Value: Match.stringLikeRegexp(':3018$') });
    t.hasOutput('AgentSandboxProxyIngressDomain', { Value: Match.stringLikeRegexp(':3019$') });
  });

  test('a Kubernetes version below what the plan needs is refused', () => {
    const p = plan({ target: 'eks', retoolVersion: '3.334.0-stable', profileDelivery: 'node-user-data' });
    expect(() => checkEksPlan({ ...p, kubernetesVersion: '1.31' }, resolveAwsOptions({})))
      .toThrow('kubernetesVersion: the plan needs Kubernetes 1.35 or newer (user namespaces, procMount), the config says 1.31');
  });

  test('a node instance type of the wrong architecture is refused', () => {
    const p = plan({ target: 'eks', retoolVersion: '3.334.0-stable', profileDelivery: 'node-user-data' });
    expect(() => checkEksPlan(p, resolveAwsOptions({ eks: { instanceTypes: { arm64: 'm7i.xlarge' } } })))
      .toThrow('aws.renderer.eks.instanceTypes.arm64: m7i.xlarge is amd64, not arm64');
  });
});

describe('eks stack on an existing cluster', () => {
  const vpc = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] };
  let existing: AwsApp;
  let e: Template;
  let synthError: unknown;
  beforeAll(() => {
    existing = build(kitConfigs('sandbox-kit.config.json', ['eks']), { vpc, eks: { clusterName: 'prod', clusterSecurityGroupId: 'sg-0123456789abcdef0', networkPolicyEnforced: true } });
    e = template(existing, 'eks');
    try {
      existing.app.synth();
    } catch (err) {
      synthError = err;
    }
  });

  test('no cluster, VPC or add-on is created; node groups join the named cluster', () => {
    e.resourceCountIs('AWS::EKS::Cluster', 0);
    e.resourceCountIs('AWS::EC2::VPC', 0);
    e.resourceCountIs('AWS::EKS::Addon', 0);
    e.resourcePropertiesCountIs('AWS::EKS::Nodegroup', { ClusterName: 'prod' }, 2);
  });

  test('the kit\'s kubectl handler gets cluster admin through an access entry before the chart is applied', () => {
    e.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: 'prod',
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KubectlProviderHandlerServiceRole'), 'Arn'] },
      AccessPolicies: [Match.objectLike({ AccessScope: { Type: 'cluster' } })],
    });
    const [res] = Object.values(e.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as { DependsOn: string[]; Properties: { ClusterName: string } }[];
    expect(res.Properties.ClusterName).toBe('prod');
    expect(res.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^KubectlAccess/)]));
  });

  test('cdk-nag passes with the acknowledgements computed for this provider', () => {
    expect(synthError).toBeUndefined();
  });

  test('without the NetworkPolicy confirmation the existing cluster is refused', () => {
    expect(() => resolveAwsOptions({ vpc, eks: { clusterName: 'prod', clusterSecurityGroupId: 'sg-0123456789abcdef0' } }))
      .toThrow(/aws\.renderer\.eks\.networkPolicyEnforced: the chart admits only the backend through NetworkPolicies/);
  });
});

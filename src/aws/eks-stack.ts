import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { CfnCondition, CfnElement, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkAwsRendererOptions } from '../config/validate-aws';
import { SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { Architecture } from '../targets/types';
import { outputId, planOutputs, stackDescription } from './plan-outputs';
import { checkEksPlan } from './eks-checks';
import { EksSandboxNodes } from './eks-nodes';
import { BuildContextWriter, ServiceImages } from './images';
import { acknowledgeNag } from './nag';
import { AwsRendererOptions, ExistingVpcOptions, ResolvedAwsOptions, SecurityGroupId, withAwsDefaults } from './options';
import { AwsFieldNames, propFieldNames, renamed } from './field-names';
import { KIT_PROFILES } from './kit-profiles';
import { SandboxNetwork } from './network';
import { ProfileSource } from './profiles';

/** A chart to attach, with the endpoints it serves (src/k8s `SandboxKitChart`). */
export interface AttachableChart extends Construct {
  /** In-cluster URLs for the backend. */
  readonly endpoints: readonly { readonly env: string; readonly url: string }[];
}

/** Builds the kit's cdk8s chart for a plan whose images are already resolved. */
export type ChartFactory = (plan: DeploymentPlan) => AttachableChart;

/**
 * An existing EKS cluster the stack adds its node groups, kubectl handler and chart to, named by
 * attributes so that synth needs no lookup.
 */
export interface ExistingEksCluster {
  /** Name of the cluster. */
  readonly clusterName: string;
  /** Its cluster security group, which the kit's kubectl handler joins to reach a private endpoint. */
  readonly clusterSecurityGroupId: SecurityGroupId;
  /**
   * Confirms that the cluster's VPC CNI enforces NetworkPolicies (`enableNetworkPolicy`), which
   * the chart relies on to admit only the backend; the kit does not reconfigure the add-on of a
   * cluster it does not own. Must be true.
   */
  readonly networkPolicyEnforced: boolean;
}

/**
 * What a caller chooses for {@link EksSandboxStack} (aws-cdk-lib's Options/Props split): the same
 * choices as the kit file's `aws.renderer` for eks, typed, and checked by the same schema and
 * rules when the stack is created.
 */
export interface EksSandboxStackOptions {
  /**
   * An existing VPC for the cluster and nodes, named by ids (synth makes no lookup). Required with
   * `existingCluster` (the cluster's VPC).
   * @default - a new VPC (2 AZs, one NAT gateway, flow logs)
   */
  readonly vpc?: ExistingVpcOptions;
  /**
   * An existing cluster to add the node groups and the chart to. The plan's `kubernetesVersion`
   * must be the cluster's (synth cannot look it up).
   * @default - a new cluster, whose VPC CNI enforces NetworkPolicies in strict mode
   */
  readonly existingCluster?: ExistingEksCluster;
  /**
   * Kubernetes API endpoint access of a cluster the kit creates. `private` runs the kubectl
   * handler inside the VPC.
   * @default "private"
   */
  readonly endpointAccess?: 'private' | 'public-and-private';
  /**
   * Node instance type per architecture; one managed node group per architecture of the plan,
   * each type of its architecture.
   * @default - m7i.xlarge (amd64), m7g.xlarge (arm64)
   */
  readonly instanceTypes?: Partial<Record<Architecture, ec2.InstanceType>>;
  /**
   * Minimum nodes per node group.
   * @default 1
   */
  readonly minSize?: number;
  /**
   * Desired nodes per node group at creation.
   * @default - 2, or minSize if larger
   */
  readonly desiredSize?: number;
  /**
   * Maximum nodes per node group.
   * @default - 4, or desiredSize if larger
   */
  readonly maxSize?: number;
  /**
   * Retention of the VPC flow logs of a VPC the kit creates.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Build the runtime images with the kit (DockerImageAsset, at `cdk deploy`) instead of pulling
   * the plan's images; one architecture only.
   * @default false
   */
  readonly buildImages?: boolean;
  /**
   * Writes the runtime images' build context, when `buildImages` is true.
   * @default - none: buildImages must be false
   */
  readonly buildContext?: BuildContextWriter;
  /**
   * The chart to attach with `addCdk8sChart` (`kitChart(options)` gives the kit's).
   * @default - no chart: the stack holds the cluster and node groups only
   */
  readonly chart?: ChartFactory;
  /**
   * The kit's seccomp profiles, written to the nodes by their launch templates.
   * @default KIT_PROFILES
   */
  readonly profiles?: ProfileSource;
}

/** Props of {@link EksSandboxStack}: the caller's choices, the plan, and the stack's own props. */
export interface EksSandboxStackProps extends EksSandboxStackOptions, StackProps {
  /** Plan of `eks`, made with `profileDelivery: 'node-user-data'` (`awsPlanConfig` gives that config). */
  readonly plan: DeploymentPlan;
}

/** Problems name EksSandboxStack's props (`EksSandboxStack.props.instanceTypes.arm64`), scoped to its path. */
function eksStackPropNames(scope: Construct): AwsFieldNames {
  return propFieldNames(scope, 'EksSandboxStack', {
    'eks': '',
    'eks.clusterName': 'existingCluster.clusterName',
    'eks.clusterSecurityGroupId': 'existingCluster.clusterSecurityGroupId',
    'eks.networkPolicyEnforced': 'existingCluster.networkPolicyEnforced',
    'logRetentionDays': 'logRetention',
  });
}

/**
 * The options the stack reads, from its typed props: checked by the kit file's schema and rules
 * for `aws.renderer` and by checkEksPlan (one SandboxConfigError naming every bad prop), defaults
 * applied.
 */
function resolveProps(scope: Construct, props: EksSandboxStackProps): ResolvedAwsOptions {
  const names = eksStackPropNames(scope);
  const c = props.existingCluster;
  const raw: AwsRendererOptions = {
    vpc: props.vpc,
    logRetentionDays: props.logRetention as number | undefined as AwsRendererOptions['logRetentionDays'],
    buildImages: props.buildImages,
    eks: {
      instanceTypes: props.instanceTypes && Object.fromEntries(Object.entries(props.instanceTypes).map(([a, t]) => [a, t.toString()])),
      minSize: props.minSize,
      desiredSize: props.desiredSize,
      maxSize: props.maxSize,
      endpointAccess: props.endpointAccess,
      clusterName: c?.clusterName,
      clusterSecurityGroupId: c?.clusterSecurityGroupId,
      networkPolicyEnforced: c?.networkPolicyEnforced,
    },
  };
  // Drop the unset props, as a kit file would leave them out.
  const clean = JSON.parse(JSON.stringify(raw)) as AwsRendererOptions;
  const problems = renamed(checkAwsRendererOptions(clean, 'props'), 'props', names);
  if (problems.length) throw new SandboxConfigError(`EksSandboxStack ${scope.node.path}`, problems);
  const options = withAwsDefaults(clean);
  checkEksPlan(props.plan, options, names);
  return options;
}

/**
 * The `eks` target: an EKS cluster (aws-eks-v2), one managed node group per architecture whose
 * launch template installs the kit's flattened profiles, and the kit's chart.
 */
export class EksSandboxStack extends Stack {
  /** The cluster (created, or the existing one named in the options). */
  public readonly cluster: eks.ICluster;
  /** Node groups by architecture. */
  public readonly nodegroups: Readonly<Partial<Record<Architecture, eks.Nodegroup>>>;
  /** The VPC CNI add-on, configured to enforce NetworkPolicies in strict mode (a cluster the kit creates). */
  public readonly networkPolicyAddon?: eks.Addon;
  /** The NetworkPolicy that lets CoreDNS work under strict mode (a cluster the kit creates). */
  public readonly clusterDnsPolicy?: eks.KubernetesManifest;
  /** On an existing cluster: the access entry of the kit's kubectl handler. */
  public readonly kubectlAccess?: eks.AccessEntry;
  /** Launch templates by architecture. */
  public readonly launchTemplates: Readonly<Partial<Record<Architecture, ec2.LaunchTemplate>>>;

  constructor(scope: Construct, id: string, props: EksSandboxStackProps) {
    const { plan } = props;
    super(scope, id, { ...props, description: props.description ?? stackDescription(plan) });
    // Refuse before any construct stages an asset.
    const options = resolveProps(this, props);
    const version = plan.kubernetesVersion!;
    // NetworkPolicies admit the backend on EKS: no backend security group, no ECS endpoints.
    const network = new SandboxNetwork(this, 'Network', { vpc: options.vpc, flowLogRetention: options.logRetentionDays as logs.RetentionDays, vpcEndpoints: false, withBackend: false });
    const vpc = network.vpc;
    const privateSubnets = [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }];
    const kubectlLayer = new KubectlV35Layer(this, 'KubectlLayer');
    let kubectl: Construct;
    if (options.eks.clusterName) {
      // An existing cluster: the kit adds node groups, its kubectl handler (with a cluster-admin
      // access entry, as aws-eks-v2 grants its own clusters) and the chart, and changes nothing else.
      const attrs = { clusterName: options.eks.clusterName, vpc, clusterSecurityGroupId: options.eks.clusterSecurityGroupId };
      const ref = eks.Cluster.fromClusterAttributes(this, 'ClusterRef', attrs);
      const provider = new eks.KubectlProvider(this, 'KubectlProvider', { cluster: ref, kubectlLayer, privateSubnets: vpc.privateSubnets });
      this.kubectlAccess = new eks.AccessEntry(this, 'KubectlAccess', {
        cluster: ref,
        principal: provider.role!.roleArn,
        accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })],
      });
      this.cluster = eks.Cluster.fromClusterAttributes(this, 'Cluster', { ...attrs, kubectlProvider: provider });
      kubectl = provider;
    } else {
      const cluster = new eks.Cluster(this, 'Cluster', {
        version: eks.KubernetesVersion.of(version),
        vpc,
        vpcSubnets: privateSubnets,
        defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
        defaultCapacity: 0,
        endpointAccess: options.eks.endpointAccess === 'private' ? eks.EndpointAccess.PRIVATE : eks.EndpointAccess.PUBLIC_AND_PRIVATE,
        clusterLogging: [
          eks.ClusterLoggingTypes.API,
          eks.ClusterLoggingTypes.AUDIT,
          eks.ClusterLoggingTypes.AUTHENTICATOR,
          eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
          eks.ClusterLoggingTypes.SCHEDULER,
        ],
        kubectlProviderOptions: {
          kubectlLayer,
          // With a private endpoint the handler runs in the VPC, behind the cluster security group.
          privateSubnets: options.eks.endpointAccess === 'private' ? vpc.privateSubnets : undefined,
        },
      });
      this.cluster = cluster;
      acknowledgeNag(cluster.node.findChild('Role'), 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]', 'The EKS cluster service role requires the AWS managed AmazonEKSClusterPolicy (EKS user guide, "Amazon EKS cluster IAM role").');
      // The chart admits only the backend through NetworkPolicies, which the VPC CNI enforces only
      // when asked to; strict mode starts every pod denied until its policies are in place, so a
      // new sandbox pod has no moment with open egress (standard mode allows everything until then).
      this.networkPolicyAddon = new eks.Addon(this, 'VpcCni', {
        cluster,
        addonName: 'vpc-cni',
        configurationValues: VPC_CNI_CONFIGURATION,
      });
      // The cluster bootstraps a self-managed vpc-cni; the managed add-on takes it over.
      (this.networkPolicyAddon.node.defaultChild as eks.CfnAddon).resolveConflicts = 'OVERWRITE';
      // Strict mode denies pods no policy selects, CoreDNS included: give it what it serves and uses.
      this.clusterDnsPolicy = cluster.addManifest('CoreDnsNetworkPolicy', coreDnsNetworkPolicy());
      this.clusterDnsPolicy.node.addDependency(this.networkPolicyAddon);
      kubectl = cluster.node.findChild('KubectlProvider');
    }
    acknowledgeKubectlFindings(kubectl);

    const nodes = new EksSandboxNodes(this, 'Nodes', {
      cluster: this.cluster,
      plan,
      profiles: props.profiles ?? KIT_PROFILES,
      instanceTypes: Object.fromEntries(Object.entries(options.eks.instanceTypes).map(([arch, type]) => [arch, new ec2.InstanceType(type)])),
      minSize: options.eks.minSize,
      desiredSize: options.eks.desiredSize,
      maxSize: options.eks.maxSize,
    });
    const nodegroups = nodes.nodegroups;
    this.nodegroups = nodegroups;
    this.launchTemplates = nodes.launchTemplates;

    if (props.chart) {
      const images = new ServiceImages(this, { buildImages: options.buildImages, buildContext: props.buildContext, architecture: plan.services[0]?.architectures[0] ?? 'amd64' });
      // The image reference is the only field that changes: every security setting is the plan's.
      const chart = props.chart({ ...plan, services: plan.services.map((s) => ({ ...s, image: images.imageUri(s) })) });
      const manifest = this.cluster.addCdk8sChart('SandboxKit', chart);
      // Profiles must be on the nodes before the first sandbox pod starts.
      for (const ng of Object.values(nodegroups)) manifest.node.addDependency(ng);
      if (this.networkPolicyAddon) manifest.node.addDependency(this.networkPolicyAddon);
      if (this.clusterDnsPolicy) manifest.node.addDependency(this.clusterDnsPolicy);
      if (this.kubectlAccess) manifest.node.addDependency(this.kubectlAccess);
      for (const e of chart.endpoints) {
        new CfnOutput(this, outputId(e.env), { value: e.url, description: `Set ${e.env} on the backend (in the cluster) to this.` });
      }
    }
    planOutputs(this, plan);
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
  }
}

/**
 * The vpc-cni add-on configuration of a cluster the kit creates: NetworkPolicies enforced
 * (enableNetworkPolicy) in strict mode (NETWORK_POLICY_ENFORCING_MODE), per the EKS user guide
 * "Restrict Pod network traffic with Kubernetes network policies".
 */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } } as const;

/**
 * CoreDNS under strict mode: DNS from any pod in, DNS (its upstream, the VPC resolver) and the
 * API server (443) out. Kubelet probes are admitted by the VPC CNI itself.
 */
export function coreDnsNetworkPolicy(): Record<string, unknown> {
  const dns = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'sandbox-kit-coredns', namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'sandbox-kit' } },
    spec: {
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: dns }],
      egress: [{ ports: dns }, { ports: [{ protocol: 'TCP', port: 443 }] }],
    },
  };
}

/** Findings in the kubectl provider aws-eks-v2 creates; each is that module's design. */
function acknowledgeKubectlFindings(kubectl: Construct): void {
  const stack = Stack.of(kubectl);
  const handler = kubectl.node.findChild('Handler');
  const handlerId = stack.resolve((handler.node.defaultChild as CfnElement).logicalId) as string;
  const ecrPublic = stack.resolve((handler.node.findChild('HasEcrPublic') as CfnCondition).logicalId) as string;
  const lambdaPolicies: Record<string, string> = {
    'service-role/AWSLambdaBasicExecutionRole': 'lets the kubectl handler and its provider framework write their CloudWatch logs',
    'service-role/AWSLambdaVPCAccessExecutionRole': 'lets the kubectl handler run in the VPC, which a private cluster endpoint requires',
    'AmazonEC2ContainerRegistryReadOnly': 'lets the kubectl handler pull Helm charts from ECR, as aws-eks-v2 grants it',
  };
  for (const [policy, why] of Object.entries(lambdaPolicies)) {
    acknowledgeNag(kubectl, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`, `aws-eks-v2's kubectl provider: the AWS managed ${policy} ${why}.`);
  }
  acknowledgeNag(kubectl, `AwsSolutions-IAM4[Policy::{"Fn::If":["${ecrPublic}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]`,
    'aws-eks-v2 attaches ECR Public read-only to the kubectl handler only in partitions that have ECR Public, for public Helm charts.');
  acknowledgeNag(kubectl, `AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`, 'The custom resource provider framework invokes every version of its own kubectl handler function, and nothing else.');
  acknowledgeNag(kubectl, 'AwsSolutions-L1', 'aws-eks-v2 picks the kubectl handler runtime (the latest Python it supports) so that its bundled handler code runs; the kit does not override it.');
}

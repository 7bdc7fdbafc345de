import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { checkAwsRendererOptions } from '../config/validate-aws';
import { SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { Architecture } from '../targets/types';
import { nodeProfiles } from './eks-checks';
import { eksNodeUserData } from './eks-user-data';
import { instanceArchitecture } from './instance-architecture';
import { KIT_PROFILES } from './kit-profiles';
import { propFieldNames, renamed } from './field-names';
import { acknowledgeNag } from './nag';
import { AwsRendererOptions, withAwsDefaults } from './options';
import { ProfileSource } from './profiles';

/** What a caller chooses for {@link EksSandboxNodes}; the same choices as `aws.renderer.eks`, typed. */
export interface EksSandboxNodesOptions {
  /**
   * Instance type per architecture; each must be of its architecture.
   * @default - m7i.xlarge (amd64), m7g.xlarge (arm64)
   */
  readonly instanceTypes?: Partial<Record<Architecture, ec2.InstanceType>>;
  /**
   * Minimum nodes per node group.
   * @default 1
   */
  readonly minSize?: number;
  /**
   * Desired nodes per node group.
   * @default - 2, or minSize if larger
   */
  readonly desiredSize?: number;
  /**
   * Maximum nodes per node group.
   * @default - 4, or desiredSize if larger
   */
  readonly maxSize?: number;
  /**
   * The kit's seccomp profiles, written by the launch template's user data.
   * @default KIT_PROFILES
   */
  readonly profiles?: ProfileSource;
}

/** Props of {@link EksSandboxNodes}: the caller's choices, the cluster and the plan. */
export interface EksSandboxNodesProps extends EksSandboxNodesOptions {
  /** The cluster the node groups join (created, or imported with `Cluster.fromClusterAttributes`). */
  readonly cluster: eks.ICluster;
  /** The plan of an `eks` target, made with `profileDelivery: 'node-user-data'` (the nodes hold its profiles). */
  readonly plan: DeploymentPlan;
}

/**
 * The nodes an `eks` plan runs on: one managed node group per architecture of the plan, each with
 * a launch template whose user data writes the plan's flattened seccomp profiles and sets the
 * kubelet's pod PID limit, IMDSv2 with a hop limit of 1 (pods cannot reach the node role), and an
 * encrypted root volume. Node labels name the profiles they hold.
 */
export class EksSandboxNodes extends Construct {
  /** Node groups by architecture. */
  public readonly nodegroups: Readonly<Partial<Record<Architecture, eks.Nodegroup>>>;
  /** Launch templates by architecture. */
  public readonly launchTemplates: Readonly<Partial<Record<Architecture, ec2.LaunchTemplate>>>;

  constructor(scope: Construct, id: string, props: EksSandboxNodesProps) {
    super(scope, id);
    const { plan } = props;
    const architectures = plan.services[0]?.architectures ?? ['amd64'];
    // The same schema and rules as the kit file's aws.renderer.eks: one error naming every bad prop.
    const raw: AwsRendererOptions = JSON.parse(JSON.stringify({
      eks: {
        instanceTypes: props.instanceTypes && Object.fromEntries(Object.entries(props.instanceTypes).map(([a, t]) => [a, t.toString()])),
        minSize: props.minSize, desiredSize: props.desiredSize, maxSize: props.maxSize,
      },
    }));
    const names = propFieldNames(this, 'EksSandboxNodes', { 'eks': '' });
    const problems = renamed(checkAwsRendererOptions(raw, 'props'), 'props', names);
    const resolved = withAwsDefaults(raw).eks;
    for (const arch of architectures) {
      const type = resolved.instanceTypes[arch];
      if (instanceArchitecture(type) !== arch) problems.push({ field: names.field(`eks.instanceTypes.${arch}`), scope: names.scope, message: `${type} is ${instanceArchitecture(type)}, not ${arch}`, alternatives: [arch === 'arm64' ? 'm7g.xlarge' : 'm7i.xlarge'] });
    }
    let profiles: ReturnType<typeof nodeProfiles> = [];
    try {
      profiles = nodeProfiles(plan);
    } catch (e) {
      problems.push({ field: names.field('plan'), scope: names.scope, message: (e as Error).message, alternatives: ['a plan made with profileDelivery: "node-user-data"'] });
    }
    if (problems.length) throw new SandboxConfigError(`EksSandboxNodes ${this.node.path}`, problems);

    const nodegroups: Partial<Record<Architecture, eks.Nodegroup>> = {};
    const templates: Partial<Record<Architecture, ec2.LaunchTemplate>> = {};
    for (const arch of architectures) {
      const launchTemplate = new ec2.LaunchTemplate(this, `${arch}-LaunchTemplate`, {
        userData: eksNodeUserData(profiles, arch, props.profiles ?? KIT_PROFILES, { podPidsLimit: Math.max(...plan.services.map((s) => s.pidsLimit)) }),
        requireImdsv2: true,
        // Pods (not on the host network) cannot reach the node role's credentials.
        httpPutResponseHopLimit: 1,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(50, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
      });
      templates[arch] = launchTemplate;
      const ng = nodegroups[arch] = new eks.Nodegroup(this, arch, {
        cluster: props.cluster,
        amiType: arch === 'arm64' ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD : eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
        instanceTypes: [new ec2.InstanceType(resolved.instanceTypes[arch])],
        minSize: resolved.minSize,
        desiredSize: resolved.desiredSize,
        maxSize: resolved.maxSize,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        launchTemplateSpec: { id: launchTemplate.launchTemplateId!, version: launchTemplate.latestVersionNumber },
        labels: { 'sandbox-kit.dev/seccomp-profiles': profiles.map((p) => p.profile).join('.') || 'none' },
      });
      for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']) {
        acknowledgeNag(ng.role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`, `EKS managed node groups need ${policy} on the node role (EKS user guide, "Amazon EKS node IAM role"); the kit adds nothing else.`);
      }
    }
    this.nodegroups = nodegroups;
    this.launchTemplates = templates;
  }
}

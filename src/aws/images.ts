import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { SandboxPlan } from '../policy/plan';
import { ServiceName } from '../policy/services';
import { Architecture } from '../targets/types';

/**
 * Writes a Docker build context for a service's runtime image and returns its directory
 * (src/images provides it). Called at synth; the image is built at `cdk deploy`.
 */
export type BuildContextWriter = (plan: SandboxPlan) => string;

/** How the stacks get each service's image. */
export interface ImageOptions {
  /** Build images with the kit instead of pulling `plan.image`. */
  readonly buildImages: boolean;
  /** Build context writer; required when `buildImages` is true. */
  readonly buildContext?: BuildContextWriter;
  /** Architecture of the hosts that run the images (an asset is built for one). */
  readonly architecture: Architecture;
}

/**
 * The container image of a service: a DockerImageAsset built from the kit's build context when
 * asked (synth needs no Docker; the build runs at deploy), else the plan's image reference.
 */
export class ServiceImages {
  private readonly assets = new Map<ServiceName, ecrAssets.DockerImageAsset>();

  constructor(private readonly scope: Construct, private readonly options: ImageOptions) {
    if (options.buildImages && !options.buildContext) {
      throw new Error('aws.renderer.buildImages is true but no image build context writer is available (src/images); set buildImages: false to use the configured image references');
    }
  }

  /** ECS image of a service. */
  public ecsImage(plan: SandboxPlan): ecs.ContainerImage {
    const asset = this.asset(plan);
    return asset ? ecs.ContainerImage.fromDockerImageAsset(asset) : ecs.ContainerImage.fromRegistry(plan.image);
  }

  /** Image URI of a service (for Kubernetes manifests). */
  public imageUri(plan: SandboxPlan): string {
    return this.asset(plan)?.imageUri ?? plan.image;
  }

  private asset(plan: SandboxPlan): ecrAssets.DockerImageAsset | undefined {
    if (!this.options.buildImages || !this.options.buildContext) return undefined;
    let asset = this.assets.get(plan.service);
    if (!asset) {
      asset = new ecrAssets.DockerImageAsset(this.scope, `Image-${plan.service}`, {
        directory: this.options.buildContext(plan),
        platform: this.options.architecture === 'arm64' ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
      });
      this.assets.set(plan.service, asset);
    }
    return asset;
  }
}

import { InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { Architecture } from '../targets/types';

/** The node architecture of an EC2 instance type, as aws-cdk-lib reads it (Graviton families carry a "g"). */
export function instanceArchitecture(instanceType: string): Architecture {
  return new InstanceType(instanceType).architecture === InstanceArchitecture.ARM_64 ? 'arm64' : 'amd64';
}

import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NodeProfile } from './eks-checks';
import { Architecture } from '../targets/types';
import { ProfileSource, writeProfileCommands } from './profiles';

/** The shell part: writes each flattened profile for this node architecture, failing on a bad byte. */
export function nodeProfileCommands(profiles: readonly NodeProfile[], arch: Architecture, source: ProfileSource): string[] {
  return [
    'set -euo pipefail',
    ...profiles.flatMap((p) => [
      `# ${p.profile}, flattened for ${arch} and capabilities [${p.capabilities.join(', ')}] (containerd drops Docker-format conditions)`,
      ...writeProfileCommands(source.oci(p.profile, arch, p.capabilities), p.path),
    ]),
  ];
}

/** Kubelet settings the kit puts in the nodes' NodeConfig. */
export interface NodeKubeletSettings {
  /** `podPidsLimit`: most processes (threads included) of one pod. */
  readonly podPidsLimit: number;
}

/** The nodeadm NodeConfig part: kubelet settings merged with the cluster's own NodeConfig. */
export function nodeConfigDocument(kubelet: NodeKubeletSettings): string {
  return [
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  kubelet:',
    '    config:',
    `      podPidsLimit: ${kubelet.podPidsLimit}`,
    '',
  ].join('\n');
}

/**
 * AL2023 node user data: a MIME multipart document. nodeadm reads the `application/node.eks.aws`
 * part (merged with the NodeConfig EKS adds for a managed node group): the kubelet's pod PID limit.
 * The shell part installs the kit's profiles before kubelet starts pods.
 */
export function eksNodeUserData(profiles: readonly NodeProfile[], arch: Architecture, source: ProfileSource, kubelet: NodeKubeletSettings): ec2.MultipartUserData {
  const shell = ec2.UserData.forLinux();
  shell.addCommands(...nodeProfileCommands(profiles, arch, source));
  const multipart = new ec2.MultipartUserData();
  multipart.addPart(ec2.MultipartBody.fromRawBody({ contentType: 'application/node.eks.aws', body: nodeConfigDocument(kubelet) }));
  multipart.addUserDataPart(shell, ec2.MultipartBody.SHELL_SCRIPT, true);
  return multipart;
}

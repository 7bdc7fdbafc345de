import { KubernetesRule } from '../rule';
import { daemonsets } from './daemonsets';
import { hostNetwork } from './host-network';
import { hostPath } from './host-path';
import { runtimeClass } from './runtime-class';
import { localhostSeccomp } from './localhost-seccomp';
import { privileged } from './privileged';
import { capabilities } from './capabilities';
import { hostPort } from './host-port';
import { volumeType } from './volume-type';

/** The EKS Fargate scheduler's refusals (docs/platforms.md#eks-fargate). */
export const EKS_FARGATE_SCHEDULER_RULES: readonly KubernetesRule[] = [
  daemonsets,
  hostNetwork,
  runtimeClass,
  localhostSeccomp,
  privileged,
  capabilities,
  hostPort,
  hostPath,
  volumeType,
];

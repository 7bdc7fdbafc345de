/**
 * Public sources of the catalog's facts, one place for each URL. docs/platforms.md says the same
 * in prose, per target.
 */
export const SOURCES = {
  k8sPriorityQuota: 'https://kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default',
  gkeCriticalPodsQuota: 'https://github.com/openservicemesh/osm/issues/4408 (GKE\'s kube-system ResourceQuota gcp-critical-pods), https://github.com/open-policy-agent/gatekeeper/issues/1120',
  k8sSeccomp: 'https://kubernetes.io/docs/reference/node/seccomp/',
  k8sUserNamespaces: 'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/',
  k8sPodSecurity: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  psaProcMount: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_procMount.go',
  containerdUserNamespaces: 'https://github.com/containerd/containerd/blob/main/docs/user-namespaces/README.md',
  containerdDefaultCaps: 'containerd pkg/oci/spec.go (default Unix capabilities)',
  mobyDefaultCaps: 'moby oci/caps/defaults.go',
  bottlerocketUserns: 'https://github.com/bottlerocket-os/bottlerocket/issues/3904',
  eksBestPracticesRuntime: 'https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html',
  eksFargate: 'https://docs.aws.amazon.com/eks/latest/userguide/fargate.html',
  nodeadm: 'https://awslabs.github.io/amazon-eks-ami/nodeadm/',
  securityProfilesOperator: 'https://github.com/kubernetes-sigs/security-profiles-operator',
  fargateCapabilityRejections: 'https://github.com/frappe/helm/issues/182, https://github.com/aws/containers-roadmap/issues/2162',
  fargateVolumeRejection: 'https://github.com/freegroup/kube-s3/issues/14',
  ecsContainerDefinition: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
  ecsKernelCapabilities: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html',
  ecsTaskDefinition: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html',
  ecsAgentNoSeccomp: 'https://github.com/aws/amazon-ecs-agent/issues/896, https://github.com/aws/containers-roadmap/issues/356',
  fargateNoSeccomp: 'https://github.com/aws/containers-roadmap/issues/1957',
  fargateNoAppArmor: 'https://github.com/aws/containers-roadmap/issues/2128',
  fargateDefaultCaps: 'https://github.com/aws/containers-roadmap/issues/409',
  dockerdReference: 'https://docs.docker.com/reference/cli/dockerd/ (seccomp-profile)',
  gkeAutopilotSecurity: 'https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security',
  gkeSeccomp: 'https://cloud.google.com/kubernetes-engine/docs/concepts/seccomp-in-gke',
  gkeSandbox: 'https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods',
  gkeAllowlists: 'https://cloud.google.com/kubernetes-engine/docs/how-to/autopilot-privileged-allowlists',
  wardenCapabilities: 'GKE Warden autogke-default-linux-capabilities message, https://github.com/CrowdStrike/falcon-helm/issues/310',
  wardenMessages: 'GKE Warden messages (autogke-*), https://github.com/CrowdStrike/falcon-helm/issues/310',
  ubuntuUserns: 'https://github.com/google/nsjail/issues/236',
  sgUnfiltered: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html (traffic security groups do not filter: Amazon DNS, DHCP, instance metadata, ECS task metadata, Time Sync)',
  ecsBlockImds: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html (ECS_AWSVPC_BLOCK_IMDS)',
  vpcCniNetworkPolicy: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html (enableNetworkPolicy, NETWORK_POLICY_ENFORCING_MODE)',
  eksPodSecurityGroups: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html (SecurityGroupPolicy; Fargate pods)',
  gkeCloudDns: 'https://cloud.google.com/kubernetes-engine/docs/how-to/cloud-dns (pods resolve through the metadata server, 169.254.169.254:53); https://github.com/tektoncd/operator/issues/4000',
  gkeNodeLocalDns: 'https://cloud.google.com/kubernetes-engine/docs/how-to/nodelocal-dns-cache (on by default on Autopilot and Standard >= 1.34.1-gke.3720000)',
  nodeLocalDns: 'kubernetes/kubernetes cluster/addons/dns/nodelocaldns/README.md (link-local 169.254.20.10 by default, host network)',
  kubeletPidLimit: 'https://kubernetes.io/docs/concepts/policy/pid-limiting/',
  gkeNodeSystemConfig: 'https://cloud.google.com/kubernetes-engine/docs/how-to/node-system-config (kubeletConfig.podPidsLimit)',
  ecsTaskPidsLimit: 'aws/amazon-ecs-agent README.md (ECS_TASK_PIDS_LIMIT: pids.max of the task cgroup)',
  containerdAppArmor: 'containerd contrib/apparmor (LoadDefaultProfile runs the host\'s apparmor_parser); moby/profiles apparmor/template.go',
  retoolAppArmorLoader: 'tryretool/retool-helm PR #353 (templates/apparmor_nsjail_daemonset.yaml: nsenter -t 1 -m -- apparmor_parser -r)',
} as const;

/** The repository's own page for a target or topic: docs/platforms.md#<anchor>. */
export function platformsDoc(anchor: string): string {
  return `docs/platforms.md#${anchor}`;
}

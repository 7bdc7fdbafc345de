/**
 * The agent sandbox's contract with Retool's image, written by hand from what Retool's own chart
 * gives it (tryretool/retool-helm charts/retool/templates/deployment_agent_sandbox.yaml,
 * agent_sandbox_prepuller.yaml, agent_sandbox_device_plugin.yaml and values.yaml rr.agentSandbox,
 * chart 6.11.21; the init container as retool-helm#379 changed it), not read from the kit's code.
 * Each row is what the rendered output must carry, per target. Deliberate departures are listed
 * at the end with their reason, each checked against the output too.
 */
import { KubeObject } from '../../src/k8s/manifest';
import { referencedProfile } from '../../src/k8s/profiles';
import { agentSandboxDepartures } from '../../src/policy/departures';
import { render } from '../k8s/helpers';
import { Destination, egressAllowed } from '../k8s/netpol';

const RELEASE = '3.334.0-stable';
const NS = 'sandbox-kit-agent';
const TARGETS = ['eks', 'gke-standard', 'kubernetes'] as const;

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } };
type Container = {
  name: string; image: string; command?: string[]; env?: Env[]; ports?: { containerPort: number }[];
  securityContext: Record<string, unknown> & { capabilities?: { add?: string[]; drop?: string[] } };
  livenessProbe?: { httpGet: { path: string } }; readinessProbe?: { httpGet: { path: string } }; startupProbe?: unknown;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = Record<string, unknown> & { containers: Container[]; initContainers?: Container[]; volumes?: Record<string, unknown>[] };

/** Variables each role reads, from the contract (conditional ones left out). */
const CONTROLLER_ENV = [
  'NODE_ENV', 'AGENT_SANDBOX_ROLE', 'CONTROLLER_PORT', 'STATE_BACKEND', 'AGENT_SANDBOX_POSTGRES_URL', 'AGENT_SANDBOX_POSTGRES_SCHEMA',
  'K8S_NAMESPACE', 'JOB_NAME_PREFIX', 'JOB_APP_LABEL', 'EXECUTOR_SERVICE_NAME', 'PREWARM_POOL_SIZE', 'MAX_TOTAL_JOBS',
  'MAX_CONCURRENT_CREATES', 'JOB_RETENTION_SECONDS', 'PER_USER_CONCURRENCY_PAID', 'DEPLOYED_IMAGE_TAG', 'JOB_TEMPLATE_CONFIGMAP',
  'DAEMONSET_NAME', 'AGENT_SANDBOX_JWT_PUBLIC_KEY',
];
const PROXY_ENV = [
  'NODE_ENV', 'AGENT_SANDBOX_ROLE', 'PROXY_PORT', 'STATE_BACKEND', 'AGENT_SANDBOX_POSTGRES_URL', 'BACKEND_URL',
  'AGENT_SANDBOX_ENCRYPTION_KEY', 'AGENT_SANDBOX_JWT_PUBLIC_KEY', 'EXECUTOR_PORT', 'EXECUTOR_SERVICE_NAME', 'K8S_NAMESPACE',
];
/** The sandbox container's variables, exactly (network on). */
const SANDBOX_ENV = [
  'NODE_ENV', 'EXECUTOR_PORT', 'POD_NAME', 'POD_UID', 'POD_IP', 'SANDBOX_NETWORK_ENABLED', 'SANDBOX_IDLE_TIMEOUT_MS',
  'SANDBOX_GLOBAL_LIFETIME_MS', 'SANDBOX_READY_TIMEOUT_MS', 'AGENT_SANDBOX_JWT_PUBLIC_KEY', 'SANDBOX_HTTP_PROXY',
];
/** The Role's (apiGroup, resource, verb) grants, and the names the controller uses where Retool names them. */
const ROLE: readonly [string, string, string, string?][] = [
  ...['get', 'list', 'watch', 'create', 'delete'].map((v) => ['batch', 'jobs', v] as [string, string, string]),
  ...['get', 'list', 'watch'].map((v) => ['', 'pods', v] as [string, string, string]),
  ['', 'configmaps', 'get', 'agent-sandbox-job-template'],
  ['apps', 'daemonsets', 'get', 'agent-sandbox-image-prepuller'], ['apps', 'daemonsets', 'list'], ['apps', 'daemonsets', 'watch'],
  ...['get', 'list', 'watch', 'update', 'patch'].map((v) => ['apps', 'deployments', v, 'agent-sandbox'] as [string, string, string, string]),
  ['apps', 'deployments/scale', 'get', 'agent-sandbox'], ['apps', 'deployments/scale', 'patch', 'agent-sandbox'],
];

/** Deliberate departures from Retool's settings, each with its reason (also in docs/kubernetes.md and explain). */
export const DEPARTURES: readonly { what: string; retool: string; kit: string; reason: string }[] = [
  { what: 'sandbox pods hostUsers', retool: 'not set (host user namespace)', kit: 'false where the target allows', reason: 'uid 0 of the init container and any escape from the sandbox land on an unprivileged host uid' },
  { what: 'sandbox seccomp profile', retool: 'Localhost retool/gvisor-seccomp.json', kit: 'Localhost sandbox-kit/gvisor.json', reason: 'the kit\'s profile: Docker\'s default plus what runsc needs, flattened per architecture and capability set' },
  { what: 'rootfs-etc-copy seccomp', retool: 'pod default', kit: 'the sandbox profile, flattened with no capability', reason: 'with DAC_READ_SEARCH (older form) open_by_handle_at stays denied' },
  { what: 'controller, proxy and prepuller seccomp', retool: 'not set', kit: 'RuntimeDefault', reason: 'Pod Security restricted in the one namespace' },
  { what: 'DaemonSets on the host network', retool: 'hostNetwork: true', kit: 'not set', reason: 'the prepuller pulls through the kubelet and the device plugin speaks over a unix socket: neither needs the host network' },
  { what: 'sandbox ServiceAccount', retool: 'default', kit: 'agent-sandbox-sandbox, no token', reason: 'no pod of the namespace shares the controller\'s identity' },
  { what: 'enableServiceLinks', retool: 'default (true)', kit: 'false', reason: 'no variables about other Services leak into user code' },
  { what: 'ephemeral-storage', retool: 'not bounded', kit: 'request 512Mi, limit tmp + rootfs + 512Mi', reason: 'no sandbox fills the node\'s disk' },
  { what: 'replicas of controller and proxy', retool: '1', kit: 'the plan\'s replicas (2)', reason: 'leader election in Postgres lets two run; one node loss keeps the service' },
  { what: 'Role get on configmaps and daemonsets', retool: 'any name', kit: 'the job template and the prepuller only', reason: 'get narrowed to the names the controller reads (JOB_TEMPLATE_CONFIGMAP, DAEMONSET_NAME)' },
];

/**
 * The departures of the agent sandbox's fences (networkPolicy in Retool's chart, rendered only
 * when asked; the kit always renders its own): `explain` lists them for the rendered plan under
 * these settings, and each is asserted against the rendered objects below.
 */
export const FENCE_DEPARTURES: readonly { what: string; setting: string; retool: string; kit: string; reason: string }[] = [
  {
    what: 'DNS egress', setting: 'DNS egress of the sandbox, controller and proxy',
    retool: 'the kube-dns pods of kube-system only (rr.agentSandbox.networkPolicy.dnsSelector)',
    kit: 'also where the target\'s resolver is: on GKE Cloud DNS at 169.254.169.254:53 and NodeLocal DNSCache at 169.254.20.10:53, port 53 only',
    reason: 'GKE pods resolve through the metadata server or NodeLocal DNSCache, not the kube-dns pods; a selector alone breaks DNS there',
  },
  {
    what: 'Postgres egress', setting: 'controller and proxy egress to Postgres',
    retool: 'none (the controller reaches 443 and 6443 only, the proxy no private range)',
    kit: 'the Postgres port, to agentSandbox.postgres.cidrs or (unset) any address but the metadata endpoints',
    reason: 'both keep their state and leader election in Postgres (STATE_BACKEND=postgres), which usually sits in the cluster or the VPC',
  },
  {
    what: 'sandbox PriorityClass', setting: 'sandbox PriorityClass',
    retool: 'none in the Job template',
    kit: 'sandbox-kit-agent-sandbox: value 0, preemptionPolicy Never, with a ResourceQuota scoped to it',
    reason: 'a sandbox never preempts anything, and the quota counts the sandbox pods alone',
  },
];

describe.each(TARGETS)('%s', (target) => {
  const { objects } = render({ target, retoolVersion: RELEASE });
  const get = (kind: string, name: string): KubeObject => {
    const o = objects.find((x) => x.kind === kind && x.metadata?.name === name && x.metadata?.namespace === NS);
    if (!o) throw new Error(`no ${kind} ${NS}/${name}`);
    return o;
  };
  const pod = (name: string) => (get('Deployment', name).spec as { template: { spec: PodSpec } }).template.spec;
  const envNames = (c: Container) => (c.env ?? []).map((e) => e.name);
  const job = JSON.parse((get('ConfigMap', 'agent-sandbox-job-template').data as Record<string, string>)['job-template.json']) as {
    apiVersion: string; kind: string; metadata: { labels: Record<string, string> };
    spec: { backoffLimit: number; ttlSecondsAfterFinished: number; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: PodSpec } };
  };
  const sandboxPod = job.spec.template.spec;
  const sandbox = sandboxPod.containers[0];

  test.each([
    ['agent-sandbox-controller', 3018, CONTROLLER_ENV, true, { cpu: '250m', memory: '256Mi' }, { cpu: '500m', memory: '512Mi' }],
    ['agent-sandbox-proxy', 3019, PROXY_ENV, false, { cpu: '250m', memory: '256Mi' }, { cpu: '1', memory: '512Mi' }],
  ] as const)('%s: port %d, Retool\'s variables, probes /livez and /health, uid 1001, token only on the controller, resources', (name, port, env, token, requests, limits) => {
    const spec = pod(name);
    const [c] = spec.containers;
    expect(c.ports?.map((p) => p.containerPort)).toEqual([port]);
    expect((get('Service', name).spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toEqual([port]);
    expect(envNames(c)).toEqual(expect.arrayContaining([...env]));
    expect(c.env?.find((e) => e.name === 'AGENT_SANDBOX_ROLE')?.value).toBe(name.endsWith('controller') ? 'controller' : 'proxy');
    expect([c.livenessProbe?.httpGet.path, c.readinessProbe?.httpGet.path]).toEqual(['/livez', '/health']);
    expect(c.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(spec.automountServiceAccountToken).toBe(token);
    expect(c.resources.requests).toMatchObject(requests);
    expect(c.resources.limits).toMatchObject(limits);
    expect(c.image).toBe(`tryretool/agent-sandbox-service:${RELEASE}`);
  });

  test('the controller finds its namespace, its template, its Service and its image tag', () => {
    const env = Object.fromEntries((pod('agent-sandbox-controller').containers[0].env ?? []).map((e) => [e.name, e]));
    expect(env.K8S_NAMESPACE.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    expect(env.JOB_TEMPLATE_CONFIGMAP.value).toBe('agent-sandbox-job-template');
    expect(env.EXECUTOR_SERVICE_NAME.value).toBe('agent-sandbox-pods');
    expect(env.DEPLOYED_IMAGE_TAG.value).toBe(RELEASE);
    expect(env.DAEMONSET_NAME.value).toBe('agent-sandbox-image-prepuller');
    expect(env.STATE_BACKEND.value).toBe('postgres');
    expect(env.AGENT_SANDBOX_POSTGRES_SCHEMA.value).toBe('agent_executor');
    expect([env.PREWARM_POOL_SIZE.value, env.MAX_TOTAL_JOBS.value, env.MAX_CONCURRENT_CREATES.value, env.JOB_RETENTION_SECONDS.value, env.PER_USER_CONCURRENCY_PAID.value]).toEqual(['5', '50', '3', '300', '5']);
  });

  test('Secrets by reference: JWT public key, encryption key, Postgres URL', () => {
    const ref = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.key;
    const proxy = pod('agent-sandbox-proxy').containers[0];
    expect([ref(proxy, 'AGENT_SANDBOX_JWT_PUBLIC_KEY'), ref(proxy, 'AGENT_SANDBOX_ENCRYPTION_KEY')]).toEqual(['jwt-public-key', 'encryption-key']);
    expect(ref(pod('agent-sandbox-controller').containers[0], 'AGENT_SANDBOX_JWT_PUBLIC_KEY')).toBe('jwt-public-key');
    expect(ref(sandbox, 'AGENT_SANDBOX_JWT_PUBLIC_KEY')).toBe('jwt-public-key');
    for (const c of [proxy, pod('agent-sandbox-controller').containers[0], sandbox]) {
      for (const e of c.env ?? []) expect([e.name, /KEY|PASSWORD|POSTGRES_URL/.test(e.name) ? e.value : undefined]).toEqual([e.name, undefined]);
    }
  });

  test('the Role grants what the controller does, in the controller\'s namespace; nothing cluster-wide', () => {
    const role = get('Role', 'agent-sandbox-controller') as KubeObject & { rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
    for (const [group, resource, verb, name] of ROLE) {
      const granted = role.rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb) && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
      expect([group, resource, verb, name, granted]).toEqual([group, resource, verb, name, true]);
    }
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
  });

  test('the Job template: a batch/v1 Job per sandbox, labels, backoffLimit 0, ttl 300, Never, no token, do-not-disrupt, subdomain', () => {
    expect([job.apiVersion, job.kind]).toEqual(['batch/v1', 'Job']);
    for (const labels of [job.metadata.labels, job.spec.template.metadata.labels]) expect(labels).toMatchObject({ 'retoolService': 'agent-sandbox', 'app.kubernetes.io/name': 'agent-sandbox' });
    expect([job.spec.backoffLimit, job.spec.ttlSecondsAfterFinished]).toEqual([0, 300]);
    expect(sandboxPod).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, subdomain: 'agent-sandbox-pods' });
    expect(job.spec.template.metadata.annotations).toMatchObject({ 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    const svc = get('Service', 'agent-sandbox-pods').spec as { clusterIP: string; selector: Record<string, string>; ports: { port: number }[] };
    expect([svc.clusterIP, svc.selector, svc.ports.map((p) => p.port)]).toEqual(['None', { retoolService: 'agent-sandbox' }, [3017]]);
  });

  test('the sandbox container: the placeholder tag, port 3017, uid 1001, drop ALL, read-only root, no probes, exactly its variables, resources', () => {
    expect(sandbox.image).toBe('tryretool/agent-sandbox-service:__IMAGE_TAG__');
    expect(sandbox.ports?.map((p) => p.containerPort)).toEqual([3017]);
    expect(sandbox.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(sandbox.securityContext.capabilities?.add).toBeUndefined();
    expect([sandbox.livenessProbe, sandbox.readinessProbe, sandbox.startupProbe]).toEqual([undefined, undefined, undefined]);
    expect(envNames(sandbox)).toEqual(SANDBOX_ENV);
    expect(sandbox.env?.find((e) => e.name === 'SANDBOX_HTTP_PROXY')?.value).toBe('http://agent-sandbox-proxy:3019');
    expect(sandbox.resources.requests).toMatchObject({ cpu: '1', memory: '2Gi' });
    expect(sandbox.resources.limits).toMatchObject({ cpu: '2', memory: '4Gi' });
  });

  test('the four volumes, mounted where the image expects them', () => {
    expect(sandboxPod.volumes).toEqual(expect.arrayContaining([
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '20Gi' } },
      { name: 'rootfs-appjob', emptyDir: { sizeLimit: '2Gi' } },
      { name: 'rootfs-etc', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } },
    ]));
    expect(sandbox.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'run', mountPath: '/run' }, { name: 'tmp', mountPath: '/tmp' },
      { name: 'rootfs-appjob', mountPath: '/opt/sandbox-env/rootfs/app/job' }, { name: 'rootfs-etc', mountPath: '/opt/sandbox-env/rootfs/etc' },
    ]));
  });

  test('rootfs-etc-copy as after retool-helm#379: same image, uid 1001, no capability, /etc/shadow skipped', () => {
    const [init] = sandboxPod.initContainers ?? [];
    expect(init.name).toBe('rootfs-etc-copy');
    expect(init.image).toBe(sandbox.image);
    expect(init.securityContext).toMatchObject({ runAsUser: 1001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(init.securityContext.capabilities?.add).toBeUndefined();
    expect(init.command?.join(' ')).toMatch(/! -name shadow/);
    expect(init.volumeMounts).toEqual([{ name: 'rootfs-etc', mountPath: '/mnt/etc' }]);
  });

  test('/dev/net/tun for pasta from the device plugin (smarter-devices/net_tun, devicematch ^net/tun$), pinned by digest', () => {
    expect(sandbox.resources.limits['smarter-devices/net_tun']).toBe('1');
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'agent-sandbox-device-plugin')!;
    expect((cm.data as Record<string, string>)['conf.yaml']).toMatch(/devicematch: \^net\/tun\$\n\s+nummaxdevices: 130/);
    const ds = objects.find((o) => o.kind === 'DaemonSet' && o.metadata?.name === 'agent-sandbox-device-plugin')!;
    const spec = (ds.spec as { template: { spec: PodSpec & { priorityClassName?: string } } }).template.spec;
    expect(spec.containers[0].image).toMatch(/^ghcr\.io\/smarter-project\/smarter-device-manager:v1\.20\.12@sha256:[0-9a-f]{64}$/);
    expect(spec.priorityClassName).toBe('system-node-critical');
    const quota = objects.filter((o) => o.kind === 'ResourceQuota' && o.metadata?.name === 'agent-sandbox-device-plugin-priority');
    // GKE admits critical PriorityClasses only in namespaces with a quota for them.
    expect(quota.length).toBe(target === 'gke-standard' ? 1 : 0);
  });

  test('the image prepuller in the controller\'s namespace, with the release tag', () => {
    const ds = get('DaemonSet', 'agent-sandbox-image-prepuller');
    const spec = (ds.spec as { template: { spec: PodSpec } }).template.spec;
    expect(spec.initContainers?.[0].image).toBe(`tryretool/agent-sandbox-service:${RELEASE}`);
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('the deliberate departures hold in the output', () => {
    expect(DEPARTURES.every((d) => d.reason.length > 20)).toBe(true);
    expect(sandboxPod.hostUsers).toBe(false);
    expect((sandboxPod.securityContext as { seccompProfile: { localhostProfile: string } }).seccompProfile.localhostProfile).toBe('sandbox-kit/gvisor.json');
    expect(sandboxPod.initContainers?.[0].securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' });
    expect(pod('agent-sandbox-controller').containers[0].securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    for (const name of ['agent-sandbox-image-prepuller']) expect((get('DaemonSet', name).spec as { template: { spec: PodSpec } }).template.spec.hostNetwork).toBeUndefined();
    expect(sandboxPod.serviceAccountName).toBe('agent-sandbox-sandbox');
    expect(sandboxPod.enableServiceLinks).toBe(false);
    expect(sandbox.resources.limits['ephemeral-storage']).toBe(`${20 * 1024 + 2 * 1024 + 512}Mi`);
  });

  describe('the fences\' departures: listed by explain, and holding in the output', () => {
    const { chart } = render({ target, retoolVersion: RELEASE });
    const listed = agentSandboxDepartures(chart.plan.services.find((s) => s.service === 'agent-sandbox')!);
    const labels = (c: 'sandbox' | 'controller' | 'proxy') => ({ namespace: NS, labels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': c, ...(c === 'sandbox' ? { retoolService: 'agent-sandbox' } : {}) } });
    const reaches = (c: 'sandbox' | 'controller' | 'proxy', d: Destination) => egressAllowed(objects, labels(c), d);
    const gke = target === 'gke-standard';
    const holds: Record<string, () => void> = {
      'DNS egress': () => {
        for (const c of ['sandbox', 'controller', 'proxy'] as const) {
          expect(reaches(c, { ip: '10.0.5.5', port: 53, protocol: 'UDP', pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } })).toBe(true);
          for (const protocol of ['UDP', 'TCP'] as const) {
            expect([c, protocol, reaches(c, { ip: '169.254.169.254', port: 53, protocol })]).toEqual([c, protocol, gke]);
            expect([c, protocol, reaches(c, { ip: '169.254.20.10', port: 53, protocol })]).toEqual([c, protocol, gke]);
          }
          // Port 53 only: the metadata server's HTTP stays closed.
          expect(reaches(c, { ip: '169.254.169.254', port: 80, protocol: 'TCP' })).toBe(false);
        }
      },
      'Postgres egress': () => {
        for (const c of ['controller', 'proxy'] as const) expect([c, reaches(c, { ip: '10.0.12.7', port: 5432, protocol: 'TCP' })]).toEqual([c, true]);
        expect(reaches('controller', { ip: '10.0.12.7', port: 5433, protocol: 'TCP' })).toBe(false);
        expect(reaches('sandbox', { ip: '10.0.12.7', port: 5432, protocol: 'TCP' })).toBe(false);
      },
      'sandbox PriorityClass': () => {
        const pc = objects.find((o) => o.kind === 'PriorityClass' && o.metadata?.name === 'sandbox-kit-agent-sandbox') as KubeObject & { value: number; preemptionPolicy: string; globalDefault: boolean };
        expect([pc.value, pc.preemptionPolicy, pc.globalDefault]).toEqual([0, 'Never', false]);
        expect(sandboxPod.priorityClassName).toBe('sandbox-kit-agent-sandbox');
        const quota = get('ResourceQuota', 'sandbox-kit-user-code').spec as { scopeSelector: { matchExpressions: { scopeName: string; operator: string; values: string[] }[] } };
        expect(quota.scopeSelector.matchExpressions).toEqual([{ scopeName: 'PriorityClass', operator: 'In', values: ['sandbox-kit-agent-sandbox'] }]);
      },
    };

    test('explain lists each of them, and nothing else of the fences', () => {
      expect(listed.map((d) => d.setting)).toEqual(FENCE_DEPARTURES.map((d) => d.setting));
      expect(FENCE_DEPARTURES.every((d) => d.reason.length > 20 && holds[d.what])).toBe(true);
      expect(listed.every((d) => d.why.length > 20 && d.retool && d.kit)).toBe(true);
    });

    test.each(FENCE_DEPARTURES.map((d) => [d.what, d] as const))('%s', (what) => holds[what]());
  });
});

test('the older rootfs-etc-copy: uid 0 with DAC_READ_SEARCH only, open_by_handle_at still denied, and the namespace says why it is privileged', () => {
  const { objects, plan } = render({ target: 'eks', retoolVersion: RELEASE, agentSandbox: { rootfsEtcCopy: 'dac-read-search' } });
  // The init container references the sandbox's Localhost file, flattened for a container with no
  // capability: Docker's rule that allows open_by_handle_at with CAP_DAC_READ_SEARCH is not in it.
  const ref = referencedProfile(plan.services.find((x) => x.service === 'agent-sandbox')!)!;
  expect(ref.capabilities).toEqual([]);
  for (const f of ref.files) {
    const oci = JSON.parse(f.content) as { defaultAction: string; syscalls: { names: string[]; action: string }[] };
    expect(oci.defaultAction).not.toBe('SCMP_ACT_ALLOW');
    expect(oci.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && r.names.includes('open_by_handle_at'))).toEqual([]);
  }
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'agent-sandbox-job-template')!;
  const init = (JSON.parse((cm.data as Record<string, string>)['job-template.json']) as { spec: { template: { spec: PodSpec } } }).spec.template.spec.initContainers![0];
  expect(init.securityContext).toMatchObject({ runAsUser: 0, capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] } });
  const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === NS)!;
  expect(ns.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
  expect(ns.metadata?.annotations?.['sandbox-kit.io/pod-security-reason']).toMatch(/DAC_READ_SEARCH/);
});

test('negative control: with Retool\'s DNS peers (kube-dns only) on a target with no resolver address (eks), the DNS departure is not listed and no link-local resolver is open', () => {
  const { chart, objects } = render({ target: 'eks', retoolVersion: RELEASE }, { agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } } }, dns: { k8sAppLabels: ['kube-dns'] } });
  const listed = agentSandboxDepartures(chart.plan.services.find((s) => s.service === 'agent-sandbox')!);
  expect(listed.map((d) => d.setting)).toEqual(FENCE_DEPARTURES.slice(1).map((d) => d.setting));
  const sandboxLabels = { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox', 'retoolService': 'agent-sandbox' };
  expect(egressAllowed(objects, { namespace: NS, labels: sandboxLabels }, { ip: '169.254.169.254', port: 53, protocol: 'UDP' })).toBe(false);
});

test('with agentSandbox.postgres.cidrs the Postgres departure names the ranges, and the egress holds to them', () => {
  const { chart, objects } = render({ target: 'kubernetes', retoolVersion: RELEASE }, { agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' }, cidrs: ['10.20.0.0/24'] } } });
  const pg = agentSandboxDepartures(chart.plan.services.find((s) => s.service === 'agent-sandbox')!).find((d) => d.setting === FENCE_DEPARTURES[1].setting)!;
  expect(pg.kit).toBe('TCP 5432 to 10.20.0.0/24');
  const controller = { namespace: NS, labels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'controller' } };
  expect(egressAllowed(objects, controller, { ip: '10.20.0.9', port: 5432, protocol: 'TCP' })).toBe(true);
  expect(egressAllowed(objects, controller, { ip: '10.0.12.7', port: 5432, protocol: 'TCP' })).toBe(false);
});

test('a CharDevice hostPath instead of the device plugin, on request', () => {
  const { objects } = render({ target: 'eks', retoolVersion: RELEASE, agentSandbox: { tunDevice: 'host-path' } });
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'agent-sandbox-job-template')!;
  const spec = (JSON.parse((cm.data as Record<string, string>)['job-template.json']) as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  expect(spec.volumes).toContainEqual({ name: 'dev-tun', hostPath: { path: '/dev/net/tun', type: 'CharDevice' } });
  expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'dev-tun', mountPath: '/dev/net/tun' });
  expect(objects.filter((o) => o.metadata?.name === 'agent-sandbox-device-plugin')).toEqual([]);
});

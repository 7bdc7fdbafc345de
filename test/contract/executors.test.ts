import { allContainers, podsOf } from '../../src/k8s/manifest';
import { render } from '../k8s/helpers';

/**
 * What Retool's chart gives code-executor and js-executor (tryretool/retool-helm charts/retool
 * 6.11.21: deployment_code_executor.yaml, deployment_js_executor.yaml, values.yaml), written by
 * hand, not from the kit's code, and what the rendered eks output must carry. Deliberate
 * departures, each with its reason (explain and docs say the same):
 * - capabilities: drop ALL + SETUID, SETGID only; NET_ADMIN/NET_RAW would lift Pod Security to privileged;
 * - DISABLE_IPTABLES_SECURITY_CONFIGURATION=true: the kit's NetworkPolicy blocks 169.254/16 and 192.168/16 instead;
 * - NetworkPolicies (none in Retool's chart): default deny, backend ingress only;
 * - the kit's flattened seccomp profile instead of nsjail-seccomp.json;
 * - read-only root with an emptyDir /tmp, allowPrivilegeEscalation false;
 * - js-executor: hostUsers false and procMount Unmasked (its jail mounts a procfs);
 * - no DEPLOYMENT_TEMPLATE_* telemetry variables (they name Retool's own template).
 */
const CONTRACT = [
  { service: 'code-executor', port: 3004, liveness: '/api/checkHealth', readiness: '/api/checkHealth', env: { NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024' }, image: /^tryretool\/code-executor-service:\d+\.\d+\.\d+-stable$/, requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  { service: 'js-executor', port: 3000, liveness: '/api/health', readiness: '/api/readiness', env: { NODE_ENV: 'production' }, image: /^tryretool\/js-executor-service:\d+\.\d+\.\d+-stable$/, requests: { cpu: '2', memory: '6Gi' }, limits: { cpu: '2', memory: '6Gi' } },
] as const;

describe('executors meet Retool\'s contract on eks (Kubernetes 1.35)', () => {
  const { objects } = render({ target: 'eks', retoolVersion: '3.334.0-stable' });
  test.each(CONTRACT)('$service', (c) => {
    const pod = podsOf(objects).find((p) => p.source === `Deployment/sandbox-kit-${c.service}/${c.service}`)!;
    const spec = pod.spec as unknown as Record<string, unknown>;
    type Ctr = { securityContext: { runAsUser: number; capabilities: unknown }; ports: unknown; livenessProbe: unknown; readinessProbe: unknown; startupProbe?: unknown; env: { name: string; value: string }[]; image: string; resources: { requests: Record<string, string>; limits: Record<string, string> }; volumeMounts: unknown };
    const [ctr] = allContainers(pod.spec) as unknown as Ctr[];
    // Starts as root: the entrypoint drops to retool_user with runuser (SETUID, SETGID).
    expect([ctr.securityContext.runAsUser, ctr.securityContext.capabilities]).toEqual([0, { add: ['SETUID', 'SETGID'], drop: ['ALL'] }]);
    expect(spec.hostUsers).toBe(false);
    expect(ctr.ports).toEqual([{ name: 'http', containerPort: c.port, protocol: 'TCP' }]);
    expect(ctr.livenessProbe).toEqual({ httpGet: { path: c.liveness, port: 'http' }, initialDelaySeconds: 30, timeoutSeconds: 10, failureThreshold: 3 });
    expect(ctr.readinessProbe).toEqual({ httpGet: { path: c.readiness, port: 'http' }, initialDelaySeconds: 30, timeoutSeconds: 10, periodSeconds: 10, successThreshold: 5 });
    expect(ctr.startupProbe).toBeUndefined();
    const env = Object.fromEntries(ctr.env.map((e) => [e.name, e.value]));
    expect(env).toEqual({ ...c.env, DISABLE_IPTABLES_SECURITY_CONFIGURATION: 'true' });
    expect(spec.terminationGracePeriodSeconds).toBe(391);
    expect(ctr.image).toMatch(c.image);
    expect({ cpu: ctr.resources.requests.cpu, memory: ctr.resources.requests.memory }).toEqual(c.requests);
    expect({ cpu: ctr.resources.limits.cpu, memory: ctr.resources.limits.memory }).toEqual(c.limits);
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === c.service)!.spec as { ports: { port: number; targetPort: string }[] };
    expect(svc.ports.map((p) => [p.port, p.targetPort])).toEqual([[80, 'http']]);
    expect(ctr.volumeMounts).toEqual([{ name: 'writable-0', mountPath: '/tmp' }]);
  });
});

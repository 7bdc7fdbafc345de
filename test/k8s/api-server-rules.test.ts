import { App, Chart } from 'cdk8s';
import { Deployment, Volume } from 'cdk8s-plus-28';
import { apiServerViolations } from '../../src/k8s/api-server-rules';
import { KubeObject, PodSpecJson } from '../../src/k8s/manifest';
import { FARGATE_KIT_FILE, KIT_FILE, render, renderKitFile } from './helpers';

function deployment(spec: Partial<PodSpecJson>, container: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'bad', namespace: 'x' },
    spec: {
      selector: { matchLabels: { app: 'bad' } },
      template: {
        metadata: { labels: { app: 'bad' } },
        spec: { containers: [{ name: 'c', image: 'i', securityContext: container }], ...spec },
      },
    },
  };
}
const rules = (o: KubeObject) => apiServerViolations([o]).map((v) => v.rule);

describe('API server rules the schema does not see', () => {
  test('a clean pod passes', () => {
    expect(rules(deployment({}, { privileged: false, allowPrivilegeEscalation: false }))).toEqual([]);
  });

  test.each<[string, KubeObject, string]>([
    ['privileged: true with allowPrivilegeEscalation: false', deployment({}, { privileged: true, allowPrivilegeEscalation: false }), 'privileged-escalation'],
    ['CAP_SYS_ADMIN with allowPrivilegeEscalation: false', deployment({}, { allowPrivilegeEscalation: false, capabilities: { add: ['CAP_SYS_ADMIN'] } }), 'sys-admin-escalation'],
    ['procMount Unmasked without hostUsers: false', deployment({}, { procMount: 'Unmasked' }), 'proc-mount-host-users'],
    ['procMount with an unknown value', deployment({ hostUsers: false }, { procMount: 'Masked' }), 'proc-mount-value'],
    ['hostUsers: false with hostNetwork', deployment({ hostUsers: false, hostNetwork: true }), 'host-users-host-namespaces'],
    ['hostUsers: false with hostPID', deployment({ hostUsers: false, hostPID: true }), 'host-users-host-namespaces'],
    ['hostUsers: false with hostIPC', deployment({ hostUsers: false, hostIPC: true }), 'host-users-host-namespaces'],
    ['Localhost seccomp without a path', deployment({}, { seccompProfile: { type: 'Localhost' } }), 'localhost-profile-path'],
    ['a path on a RuntimeDefault profile', deployment({ securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'x.json' } } }), 'localhost-profile-path'],
    ['an absolute Localhost path', deployment({}, { seccompProfile: { type: 'Localhost', localhostProfile: '/var/lib/kubelet/seccomp/x.json' } }), 'localhost-profile-path'],
    ['AppArmor Localhost without a path', deployment({}, { appArmorProfile: { type: 'Localhost' } }), 'localhost-profile-path'],
    ['runAsNonRoot with uid 0 (kubelet)', deployment({ securityContext: { runAsUser: 0 } }, { runAsNonRoot: true }), 'run-as-non-root'],
    ['a mount of a missing volume', deployment({}, {}), 'volume-mount-name'],
  ])('rejects %s', (name, obj, rule) => {
    if (name === 'a mount of a missing volume') {
      const spec = (obj.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
      spec.containers[0].volumeMounts = [{ name: 'nope', mountPath: '/x' }];
    }
    expect(rules(obj)).toContain(rule);
  });

  test('rejects a selector that does not match the template labels', () => {
    const o = deployment({});
    (o.spec as { selector: unknown }).selector = { matchLabels: { app: 'other' } };
    expect(rules(o)).toContain('selector-matches-template');
  });

  test('catches the combination cdk8s-plus emits for privileged: true', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new Deployment(chart, 'd', {
      containers: [{ image: 'x', securityContext: { privileged: true, ensureNonRoot: false }, volumeMounts: [{ path: '/tmp', volume: Volume.fromEmptyDir(chart, 'v', 'tmp') }] }],
    });
    const objects = chart.toJson() as KubeObject[];
    expect(apiServerViolations(objects).map((v) => v.rule)).toContain('privileged-escalation');
  });

  test('every manifest the kit renders passes (privileged mode included)', () => {
    const all = [
      ...Object.values(renderKitFile(KIT_FILE)), ...Object.values(renderKitFile(FARGATE_KIT_FILE)),
      render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' }, 'js-executor': { mode: 'privileged' } } }),
    ];
    for (const r of all) expect([r.plan.target, apiServerViolations(r.objects)]).toEqual([r.plan.target, []]);
    const priv = all[all.length - 1].objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'code-executor')!;
    const sc = (priv.spec as { template: { spec: PodSpecJson } }).template.spec.containers[0].securityContext!;
    expect(sc).toMatchObject({ privileged: true, allowPrivilegeEscalation: true, seccompProfile: { type: 'Unconfined' }, runAsUser: 0 });
  });
});

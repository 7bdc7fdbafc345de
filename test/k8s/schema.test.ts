import * as admission from 'kubernetes-models/admissionregistration.k8s.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as scheduling from 'kubernetes-models/scheduling.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import { embeddedPods, KubeObject } from '../../src/k8s/manifest';
import { FARGATE_KIT_FILE, KIT_FILE, render, renderKitFile } from './helpers';

type Validating = new (data: object) => { validate(): void };
const MODELS: Record<string, Record<string, unknown>> = {
  'v1': core,
  'apps/v1': apps,
  'admissionregistration.k8s.io/v1': admission,
  'autoscaling/v2': autoscaling,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'rbac.authorization.k8s.io/v1': rbac,
  'scheduling.k8s.io/v1': scheduling,
};

/** Security Profiles Operator CRDs are not in kubernetes-models: checked by hand against SPO's v1beta1 fields. */
function validateSeccompProfile(o: KubeObject): void {
  const spec = o.spec as { defaultAction?: unknown; architectures?: unknown; syscalls?: unknown };
  expect(o.apiVersion).toBe('security-profiles-operator.x-k8s.io/v1beta1');
  expect(typeof o.metadata?.name).toBe('string');
  expect(typeof o.metadata?.namespace).toBe('string');
  expect(spec.defaultAction).toMatch(/^SCMP_ACT_/);
  expect(Array.isArray(spec.architectures)).toBe(true);
  for (const s of spec.syscalls as { names: string[]; action: string }[]) {
    expect(s.names.length).toBeGreaterThan(0);
    expect(s.action).toMatch(/^SCMP_ACT_/);
  }
}

/**
 * The VPC resource controller's SecurityGroupPolicy CRD is not in kubernetes-models: checked by
 * hand against its v1beta1 fields (aws/amazon-vpc-resource-controller-k8s
 * apis/vpcresources/v1beta1/securitygrouppolicy_types.go: podSelector or serviceAccountSelector,
 * securityGroups.groupIds, at most 5).
 */
function validateSecurityGroupPolicy(o: KubeObject): void {
  const spec = o.spec as { podSelector?: { matchLabels?: Record<string, string> }; securityGroups?: { groupIds?: string[] } };
  expect(o.apiVersion).toBe('vpcresources.k8s.aws/v1beta1');
  expect(typeof o.metadata?.namespace).toBe('string');
  expect(Object.keys(spec.podSelector?.matchLabels ?? {}).length).toBeGreaterThan(0);
  const ids = spec.securityGroups?.groupIds ?? [];
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThanOrEqual(5);
  for (const id of ids) expect(id).toMatch(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/);
}

function validateAll(objects: readonly KubeObject[]): number {
  let n = 0;
  for (const o of [...objects, ...embeddedPods(objects)]) {
    if (o.kind === 'SecurityGroupPolicy') {
      validateSecurityGroupPolicy(o);
      n++;
      continue;
    }
    if (o.kind === 'SeccompProfile') {
      validateSeccompProfile(o);
      n++;
      continue;
    }
    const Model = MODELS[o.apiVersion]?.[o.kind] as Validating | undefined;
    if (!Model) throw new Error(`no kubernetes-models class for ${o.apiVersion} ${o.kind}: add it to MODELS`);
    try {
      new Model(o).validate();
    } catch (e) {
      throw new Error(`${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}: ${(e as Error).message}`, { cause: e });
    }
    n++;
  }
  return n;
}

const rendered = { ...renderKitFile(KIT_FILE), ...renderKitFile(FARGATE_KIT_FILE) };

describe.each(Object.keys(rendered))('%s', (target) => {
  test('every object (and the embedded sandbox pod template) validates against the OpenAPI schema', () => {
    expect(validateAll(rendered[target].objects)).toBeGreaterThan(5);
  });
});

test('optional objects validate too: HPA, SPO objects, privileged mode, pre-1.30 AppArmor annotations', () => {
  const variants = [
    render({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64'], profileDelivery: 'security-profiles-operator' }, { autoscaling: { 'js-executor': { maxReplicas: 5 } } }),
    render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' } } }),
    render({ target: 'kubernetes', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.29', userNamespaces: 'off', services: { 'code-executor': { imageKind: 'kit', image: 'registry.example.com/code-executor-on-sandbox-kit:1' }, 'agent-sandbox': { enabled: false } } }),
  ];
  const kinds = new Set(variants.flatMap((v) => v.objects.map((o) => o.kind)));
  expect([...kinds]).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'SeccompProfile']));
  for (const v of variants) validateAll(v.objects);
});

test('the schema check itself rejects a bad object', () => {
  const bad: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Permissive' } } }] } } } };
  expect(() => validateAll([bad])).toThrow(/appArmorProfile/);
});

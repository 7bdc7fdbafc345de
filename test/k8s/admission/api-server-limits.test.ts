import { ADMISSION_POLICY_LIMITS, SANDBOX_ADMISSION_POLICIES_MEASURED } from '../../../src/targets';
import { SandboxKitConfig } from '../../../src/policy/config';
import { sandboxUnderTest } from './template-under-test';

/**
 * The sandbox admission policies against the API server's limits, from the measurement with
 * Kubernetes' own code recorded in the target catalog (src/targets/admission-policy.ts): what is
 * rendered now must still be what was measured (no more validations, about the same size), and
 * stay far inside the per-object size limit and the runtime CEL budget.
 */
const LIMITS = ADMISSION_POLICY_LIMITS.value;
const MEASURED = SANDBOX_ADMISSION_POLICIES_MEASURED.value;

const RENDERINGS: readonly (readonly [string, SandboxKitConfig])[] = [
  ['eks', { target: 'eks', retoolVersion: '3.334.0-stable' }],
  ['gke-standard, kubernetes', { target: 'gke-standard', retoolVersion: '3.334.0-stable' }],
  ['gke-standard, kubernetes', { target: 'kubernetes', retoolVersion: '3.334.0-stable' }],
  ['eks, agentSandbox.tunDevice host-path', { target: 'eks', retoolVersion: '3.334.0-stable', agentSandbox: { tunDevice: 'host-path' } } as SandboxKitConfig],
];

describe.each(RENDERINGS.map(([m, c]) => [`${c.target}${m.includes('host-path') ? ' (tun host-path)' : ''}`, m, c] as const))('%s', (_name, rendering, config) => {
  const { policies } = sandboxUnderTest(config);

  describe.each([['Job', policies.job], ['Pod', policies.pod]] as const)('%s policy', (admits, policy) => {
    const measured = MEASURED.find((m) => m.rendering === rendering && m.admits === admits);
    // As Go's encoder writes it (kubectl's request, and the measurement): <, > and & escaped as \u00XX.
    const bytes = Buffer.byteLength(JSON.stringify(policy).replace(/[<>&]/g, '\\u0000'));

    test('was measured with Kubernetes\' code, and has not grown since (else measure again)', () => {
      expect(measured).toBeDefined();
      expect(policy.spec.validations.length).toBeLessThanOrEqual(measured!.validations);
      expect(Math.abs(bytes - measured!.jsonBytes) / measured!.jsonBytes).toBeLessThan(0.01);
    });

    test('fits in one etcd write, with room to spare', () => {
      expect(bytes * 4).toBeLessThan(LIMITS.etcdMaxRequestBytes);
    });

    test('every validation at the measured costliest still spends under a tenth of the runtime budget', () => {
      const costliest = Math.max(...MEASURED.map((m) => m.costliestValidation));
      expect(policy.spec.validations.length * costliest * 10).toBeLessThan(LIMITS.runtimeBudget);
    });
  });
});

test('the measured costs are within the limits, and add up (a total between one and n times the costliest)', () => {
  for (const m of MEASURED) {
    expect(m.costliestValidation).toBeLessThan(LIMITS.perCallLimit);
    expect(m.runtimeCost).toBeLessThan(LIMITS.runtimeBudget);
    expect(m.runtimeCost).toBeGreaterThanOrEqual(m.costliestValidation);
    expect(m.runtimeCost).toBeLessThanOrEqual(m.validations * m.costliestValidation);
  }
  expect(LIMITS.etcdMaxRequestBytes).toBeLessThan(LIMITS.maxRequestBytes);
});

import { TargetName } from '../../src/targets/types';
import { render } from './helpers';
import { K8S_EGRESS_ROWS as ROWS, tcp, udp } from '../security/tables';
import { egressAllowed } from './netpol';

/**
 * Where user code may send packets, read from the rendered NetworkPolicies (test/k8s/netpol.ts),
 * per target: the attack table behind docs/security.md's network rows. Each row is one
 * destination an attacker in a sandbox would try.
 */
const executors = { namespace: 'sandbox-kit-code-executor', labels: { 'app.kubernetes.io/name': 'code-executor', 'app.kubernetes.io/component': 'main' } };
const objectsOf = Object.fromEntries((['eks', 'gke-standard', 'kubernetes'] as const).map((t) => [t, render({ target: t, retoolVersion: '3.334.0-stable' }).objects]));

describe.each(Object.keys(objectsOf))('%s: code-executor egress', (target) => {
  const objects = objectsOf[target];
  test.each(ROWS.filter(([, , expect]) => expect[target as TargetName] !== undefined).map(([name, d, e]) => [name, d, e[target as TargetName]!] as const))(
    '%s', (_name, d, allowed) => {
      expect(egressAllowed(objects, executors, d)).toBe(allowed);
    });
});

test('NodeLocal DNSCache on another target when the kit file says the cluster runs it (port 53 only)', () => {
  const { objects } = render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { dns: { nodeLocalDnsCache: true } });
  expect(egressAllowed(objects, executors, udp('169.254.20.10', 53))).toBe(true);
  expect(egressAllowed(objects, executors, tcp('169.254.20.10', 53))).toBe(true);
  expect(egressAllowed(objects, executors, tcp('169.254.20.10', 8080))).toBe(false);
  expect(egressAllowed(objects, executors, udp('169.254.169.254', 53))).toBe(false);
});

test('negative control: without the kit\'s policies the pod may go anywhere (the reading is not vacuous)', () => {
  const objects = objectsOf.eks.filter((o) => o.kind !== 'NetworkPolicy');
  expect(egressAllowed(objects, executors, tcp('169.254.169.254', 80))).toBe(true);
});

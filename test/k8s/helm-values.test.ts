import { helmValues, helmValuesYaml } from '../../src/k8s/helm-values';
import { render } from './helpers';

// Keys of Retool's chart (tryretool/retool-helm charts/retool/values.yaml, 6.11.21): rr.agentSandbox.enabled,
// rr.jsExecutor.enabled, the top-level env map (read by the main backend, the workflows backend and the
// workers) and environmentSecrets (name + secretKeyRef).
const eks = render({ target: 'eks', retoolVersion: '3.334.0-stable' });

test('the chart\'s own agent sandbox and js-executor are off; the backend gets the kit\'s URLs', () => {
  const v = helmValues({ endpoints: eks.chart.endpoints, agentSandboxSecret: 'retool-agent-sandbox' }) as { rr: Record<string, { enabled: boolean }>; env: Record<string, string> };
  expect(v.rr).toEqual({ jsExecutor: { enabled: false }, agentSandbox: { enabled: false } });
  expect(v.env).toMatchObject({
    AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN: 'http://agent-sandbox-controller.sandbox-kit-agent.svc.cluster.local:3018',
    AGENT_SANDBOX_PROXY_INGRESS_DOMAIN: 'http://agent-sandbox-proxy.sandbox-kit-agent.svc.cluster.local:3019',
    RR_AGENT_PUBSUB_BACKEND: 'postgres',
  });
});

test('the agent keys reach the backend by reference only', () => {
  const v = helmValues({ endpoints: eks.chart.endpoints, agentSandboxSecret: 'retool-agent-sandbox' }) as { environmentSecrets: { name: string; secretKeyRef: { name: string; key: string } }[] };
  expect(v.environmentSecrets).toEqual([
    { name: 'AGENT_SANDBOX_JWT_PRIVATE_KEY', secretKeyRef: { name: 'retool-agent-sandbox', key: 'jwt-private-key' } },
    { name: 'AGENT_SANDBOX_JWT_PUBLIC_KEY', secretKeyRef: { name: 'retool-agent-sandbox', key: 'jwt-public-key' } },
    { name: 'AGENT_SANDBOX_ENCRYPTION_KEY', secretKeyRef: { name: 'retool-agent-sandbox', key: 'encryption-key' } },
  ]);
  expect(helmValuesYaml({ endpoints: eks.chart.endpoints, agentSandboxSecret: 'retool-agent-sandbox' }, 'eks')).toMatch(/^# sandbox-kit: values for Retool's Helm chart/);
});

test('without the agent sandbox, nothing of it', () => {
  const r = render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } });
  const v = helmValues({ endpoints: r.chart.endpoints }) as { rr: Record<string, unknown>; env: Record<string, string>; environmentSecrets?: unknown };
  expect(v.rr.agentSandbox).toBeUndefined();
  expect(Object.keys(v.env).filter((k) => k.startsWith('AGENT_') || k.startsWith('RR_AGENT'))).toEqual([]);
  expect(v.environmentSecrets).toBeUndefined();
});

test('the backend runs the kit\'s release, and the chart\'s own code-executor is scaled to zero', () => {
  // Chart 6.11.21 renders its code-executor whenever workflows are on (no switch of its own), so
  // replicaCount 0 is the only way to keep it from running beside the kit's.
  const v = helmValues({ endpoints: eks.chart.endpoints, release: '3.334.0-stable' }) as { image?: { tag: string }; codeExecutor?: { replicaCount: number } };
  expect(v.image).toEqual({ tag: '3.334.0-stable' });
  expect(v.codeExecutor).toEqual({ replicaCount: 0 });
  const unpinned = helmValues({ endpoints: eks.chart.endpoints }) as { image?: unknown };
  expect(unpinned.image).toBeUndefined();
});

import { App, Chart } from 'cdk8s';
import { AgentSandboxFences } from '../../src/k8s/agent-sandbox-fences';
import { KubeObject } from '../../src/k8s/manifest';
import { defaultDenyPolicy } from '../../src/k8s/network-policy';
import { resolveRendererOptions } from '../../src/k8s/options';
import { AGENT_PATH_ROWS, AgentEnd } from '../security/tables';
import { connectionAllowed, PodRef } from './netpol';

/**
 * The agent sandbox's connections (AGENT_PATH_ROWS, docs/security.md) read from the rendered
 * NetworkPolicies: the source's egress and the destination's ingress must both allow it.
 */
const NS = 'sandbox-kit-agent';
const selectors = {
  sandbox: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox' },
  controller: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'controller' },
  proxy: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'proxy' },
};

function rendered(): KubeObject[] {
  const chart = new Chart(new App(), 'fences');
  const network = resolveRendererOptions({});
  defaultDenyPolicy(chart, 'Deny', NS);
  new AgentSandboxFences(chart, 'Fences', { namespace: NS, network, selectors, ports: { sandbox: 3017, controller: 3018, proxy: 3019 }, backendPort: 3000, postgresPort: 5432 });
  return chart.toJson() as KubeObject[];
}

const network = resolveRendererOptions({});
function end(e: AgentEnd): PodRef {
  if (typeof e === 'object') return { namespace: 'elsewhere', labels: {}, ip: e.ip };
  if (e === 'backend') return { namespace: network.backend.namespace, labels: { ...network.backend.podLabels } };
  if (e === 'kube-dns') return { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
  return { namespace: NS, labels: { ...selectors[e], ...(e === 'sandbox' ? { retoolService: 'agent-sandbox' } : {}) } };
}

const objects = rendered();

test.each(AGENT_PATH_ROWS.map((r) => [r[0], r] as const))('%s', (_name, [, from, to, port, protocol, allowed]) => {
  // An address outside the cluster has no policy of its own: only the source's egress counts.
  expect(connectionAllowed(objects, end(from), end(to), port, protocol)).toBe(allowed);
});

test('negative control: without the fences, a sandbox reaches the controller', () => {
  const open = objects.filter((o) => o.kind !== 'NetworkPolicy');
  expect(connectionAllowed(open, end('sandbox'), end('controller'), 3018)).toBe(true);
});

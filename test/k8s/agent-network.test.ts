import { KubeObject } from '../../src/k8s/manifest';
import { resolveRendererOptions } from '../../src/k8s/options';
import { AGENT_PATH_ROWS, AgentEnd } from '../security/tables';
import { connectionAllowed, PodRef } from './netpol';
import { render } from './helpers';

/**
 * The agent sandbox's connections (AGENT_PATH_ROWS, docs/security.md) read from the rendered
 * NetworkPolicies: the source's egress and the destination's ingress must both allow it.
 */
const NS = 'sandbox-kit-agent';
// The kit's selectors (AGENT_SANDBOX_LABELS and the workloads' selectorLabels).
const selectors = {
  sandbox: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox' },
  controller: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'controller' },
  proxy: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'proxy' },
};

const network = resolveRendererOptions({});
function end(e: AgentEnd): PodRef {
  if (typeof e === 'object') return { namespace: 'elsewhere', labels: {}, ip: e.ip };
  if (e === 'backend') return { namespace: network.backend.namespace, labels: { ...network.backend.podLabels } };
  if (e === 'kube-dns') return { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
  return { namespace: NS, labels: { ...selectors[e], ...(e === 'sandbox' ? { retoolService: 'agent-sandbox' } : {}) } };
}

const rendered: Record<string, KubeObject[]> = Object.fromEntries(['eks', 'gke-standard', 'kubernetes'].map((t) => [t, render({ target: t as 'eks', retoolVersion: '3.334.0-stable' }).objects]));

describe.each(Object.keys(rendered))('%s', (target) => {
  test.each(AGENT_PATH_ROWS.map((r) => [r[0], r] as const))('%s', (_name, [, from, to, port, protocol, allowed]) => {
    // An address outside the cluster has no policy of its own: only the source's egress counts.
    expect(connectionAllowed(rendered[target], end(from), end(to), port, protocol)).toBe(allowed);
  });
});

test('the rendered sandbox pods carry the labels these rows select them by', () => {
  const cm = rendered.eks.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'agent-sandbox-job-template')!;
  const job = JSON.parse((cm.data as Record<string, string>)['job-template.json']);
  expect(job.spec.template.metadata.labels).toEqual(expect.objectContaining(end('sandbox').labels));
});

test('negative control: without the fences, a sandbox reaches the controller', () => {
  const open = rendered.eks.filter((o) => o.kind !== 'NetworkPolicy');
  expect(connectionAllowed(open, end('sandbox'), end('controller'), 3018)).toBe(true);
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthAll } from '../../src/apps/synth-all';
import { KubeObject } from '../../src/k8s/manifest';
import { describeServicePlan } from '../../src/policy/describe';
import { POSTGRES_ROWS } from '../security/tables';
import { EXAMPLE_AGENT_SANDBOX, render } from './helpers';
import { egressAllowed } from './netpol';

/**
 * The controller's and proxy's egress to Postgres (agentSandbox.postgres.cidrs): narrowed to the
 * kit file's ranges on the Postgres port when it names them; otherwise open to any address on that
 * port, and explain says so as a risk. Read from the rendered NetworkPolicies.
 */
const NS = 'sandbox-kit-agent';
const component = (c: 'controller' | 'proxy') => ({ namespace: NS, labels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': c } });
const CIDRS = ['10.20.0.0/24', 'fd20::/64'];
const withCidrs = render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { agentSandbox: { ...EXAMPLE_AGENT_SANDBOX, postgres: { ...EXAMPLE_AGENT_SANDBOX.postgres, cidrs: CIDRS } } });
const without = render({ target: 'eks', retoolVersion: '3.334.0-stable' });
const policy = (objects: readonly KubeObject[], name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === name) as KubeObject & { spec: { egress: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports?: { port: number; protocol: string }[] }[] } };
const postgresRule = (objects: readonly KubeObject[], name: string) => policy(objects, name).spec.egress.filter((r) => r.ports?.some((p) => p.port === 5432));

describe.each(['agent-sandbox-controller', 'agent-sandbox-proxy'])('%s', (name) => {
  test('with cidrs: one rule, those ranges only, on the Postgres port', () => {
    expect(postgresRule(withCidrs.objects, name)).toEqual([{ to: CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 5432, protocol: 'TCP' }] }]);
  });
  test('without: one rule on the Postgres port, to every address but the metadata endpoints', () => {
    const [rule] = postgresRule(without.objects, name);
    expect(rule.to?.map((t) => t.ipBlock?.cidr)).toEqual(['0.0.0.0/0', '2000::/3']);
    expect(rule.to?.[0].ipBlock?.except).toContain('169.254.169.254/32');
  });
});

describe.each(POSTGRES_ROWS.map((r) => [r[0], r] as const))('%s', (_name, [, from, ip, port, open]) => {
  test.each([['cidrs unset', without.objects, open.unset], ['cidrs set', withCidrs.objects, open.set]] as const)('%s', (_case, objects, allowed) => {
    expect(egressAllowed(objects, component(from), { ip, port, protocol: 'TCP' })).toBe(allowed);
  });
});

test('the host fields\' port is the port opened, and a range that holds a metadata endpoint keeps it cut out', () => {
  const pg = { host: 'db.internal', port: 6432, database: 'retool', user: 'retool', passwordSecret: { name: 'pg' }, cidrs: ['169.254.0.0/16'] };
  const { objects } = render({ target: 'gke-standard', retoolVersion: '3.334.0-stable' }, { agentSandbox: { secretName: 'retool-agent-sandbox', postgres: pg } });
  const rules = policy(objects, 'agent-sandbox-controller').spec.egress.filter((r) => r.ports?.some((p) => p.port === 6432));
  expect(rules).toEqual([{ to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }], ports: [{ port: 6432, protocol: 'TCP' }] }]);
  expect(egressAllowed(objects, component('controller'), { ip: '169.254.169.254', port: 6432, protocol: 'TCP' })).toBe(false);
  expect(egressAllowed(objects, component('controller'), { ip: '169.254.10.1', port: 6432, protocol: 'TCP' })).toBe(true);
});

test('with urlSecret, postgres.port is the port opened (the URL in the Secret names it; the kit cannot read it), and explain names that port', () => {
  const { objects, chart } = render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { agentSandbox: { ...EXAMPLE_AGENT_SANDBOX, postgres: { ...EXAMPLE_AGENT_SANDBOX.postgres, port: 6432 } } });
  for (const from of ['controller', 'proxy'] as const) {
    expect(egressAllowed(objects, component(from), { ip: '10.20.0.7', port: 6432, protocol: 'TCP' })).toBe(true);
    expect(egressAllowed(objects, component(from), { ip: '10.20.0.7', port: 5432, protocol: 'TCP' })).toBe(false);
  }
  const agent = chart.plan.services.find((s) => s.service === 'agent-sandbox')!;
  expect(agent.agent?.network?.postgres).toEqual({ port: 6432, cidrs: [] });
  expect(describeServicePlan(agent)).toMatch(/Postgres egress open to any address on port 6432 /);
});

test('explain: without cidrs the open port is a remaining risk naming the field; with them, no such risk', () => {
  const risk = /Postgres egress open to any address on port 5432 .*set agentSandbox\.postgres\.cidrs .* to close it/;
  const agent = (r: typeof without) => r.chart.plan.services.find((s) => s.service === 'agent-sandbox')!;
  expect(describeServicePlan(agent(without))).toMatch(risk);
  expect(agent(without).risks.map((r) => r.sentence).join('\n')).toMatch(risk);
  expect(describeServicePlan(agent(withCidrs))).not.toMatch(/Postgres egress open/);
  expect(agent(withCidrs).agent?.network?.postgres).toEqual({ port: 5432, cidrs: CIDRS });
});

test('bad input: a cidrs entry that is no CIDR, and every other problem, in one error; nothing written', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-pg-'));
  try {
    fs.writeFileSync(path.join(root, 'sandbox-kit.config.json'), JSON.stringify({
      kubernetes: {
        targets: ['eks'],
        defaults: { retoolVersion: '3.334.0-stable', services: { 'code-executor': { quota: { memory: '1Gi' } } } },
        renderer: { agentSandbox: { ...EXAMPLE_AGENT_SANDBOX, postgres: { ...EXAMPLE_AGENT_SANDBOX.postgres, cidrs: ['db.internal', '10.20.0.0/24', '0.0.0.0/0'] } } },
      },
    }));
    let log = '';
    const code = synthAll({ root, env: {}, cdkCommand: ['false'], log: (t) => { log += t; } });
    expect(code).toBe(1);
    expect(fs.readdirSync(root)).toEqual(['sandbox-kit.config.json']);
    expect(log).toContain('kubernetes.renderer.agentSandbox.postgres.cidrs[0]: "db.internal" is not an IPv4 or IPv6 CIDR');
    expect(log).toMatch(/kubernetes\.renderer\.agentSandbox\.postgres\.cidrs\[2\]: 0\.0\.0\.0\/0 is every address/);
    expect(log).toContain('services.code-executor.quota.memory: 1Gi is below');
    expect(log).toContain('sandbox-kit: nothing written.');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

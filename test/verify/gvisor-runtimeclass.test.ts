import { SandboxPlan } from '../../src/policy/plan';
import { nsjailRunKey } from '../../src/verify/expectations';
import { directRunKey, GvisorCell, gvisorResultsTable, verifyUnderGvisor } from '../../src/verify/gvisor-runtime';
import { Scenario, scenarios } from '../../src/verify/matrix';
import { hostArchitecture } from '../../src/verify/node-runtime';
import { runscKey } from '../../src/verify/expectations';
import { describeWithNsjail, runscBinaries, runscProblem, STRICT } from './helpers';

/**
 * gVisor as the RuntimeClass, for real: every plan whose mode is gvisor-runtimeclass runs its
 * pod's container under `runsc run` (each runsc release), and inside it what the service does.
 * No plan may promise a sandbox that cannot start there; what the planner refuses must indeed
 * fail there. The measurements behind the planner's gVisor decisions (src/targets/gvisor-runtime.ts).
 */
const ARCH = hostArchitecture();
const byId = (id: string): Scenario => {
  const s = scenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
const GVISOR_SCENARIOS: Scenario[] = [
  byId('gke-autopilot'),
  byId('gke-autopilot (kit image)'),
  {
    id: 'gke-standard (gvisor-runtimeclass requested)',
    config: { target: 'gke-standard', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'gvisor-runtimeclass' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
    note: 'code-executor under a GKE Sandbox node pool, requested explicitly',
  },
];

describeWithNsjail('the platform\'s gVisor (runtimeClassName: gvisor) run with runsc run, every runsc release', (nsjail) => {
  const releases = runscBinaries();
  const all: GvisorCell[] = [];
  afterAll(() => {
    if (all.length) console.log(gvisorResultsTable(all));
  });

  test('every provisioned runsc release takes part', () => {
    const problem = runscProblem();
    if (problem && STRICT) throw new Error(problem);
    expect(releases.length).toBeGreaterThan(0);
  });

  describe.each(GVISOR_SCENARIOS.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    let cells: GvisorCell[] = [];
    beforeAll(() => {
      cells = verifyUnderGvisor(scenario, { arch: ARCH, nsjail, runsc: releases });
      all.push(...cells);
    });
    test('every cell agrees with the plan under every runsc release', () => {
      expect(cells.length).toBeGreaterThan(0);
      for (const c of cells) {
        for (const [release, r] of Object.entries(c.results)) {
          expect({ cell: `${c.service} (${c.mode}) runsc ${release}`, error: r.error, disagreements: r.disagreements })
            .toEqual({ cell: `${c.service} (${c.mode}) runsc ${release}`, error: undefined, disagreements: [] });
        }
      }
    });
  });

  test('what the planner decided rests on these runs: NsJail (defaults and the kit\'s jail) and nested runsc fail; the unprivileged mode and the kit\'s rlimits-only jail run', () => {
    const cell = (scenario: string, service: string) => all.find((c) => c.scenario === scenario && c.service === service);
    for (const release of releases.map((r) => r.release)) {
      const unpriv = cell('gke-autopilot', 'code-executor')!.results[release].outcomes;
      expect([unpriv[directRunKey('python')]?.ok, unpriv[directRunKey('javascript')]?.ok, unpriv[nsjailRunKey('stock', 'python')]?.ok]).toEqual([true, true, false]);
      const kit = cell('gke-autopilot (kit image)', 'code-executor')!.results[release].outcomes;
      expect([kit[nsjailRunKey('kit', 'python')]?.ok, kit[nsjailRunKey('kit', 'python')]?.facts?.inet]).toEqual([true, 97]);
      const js = cell('gke-autopilot', 'js-executor')!.results[release].outcomes;
      expect([js[nsjailRunKey('stock', 'javascript')]?.ok, js[nsjailRunKey('kit', 'javascript')]?.ok]).toEqual([false, false]);
      const agent = cell('gke-autopilot', 'agent-sandbox')!.results[release].outcomes;
      expect(releases.map((r) => agent[runscKey(r.release)]?.ok)).toEqual(releases.map(() => false));
    }
  });

  test('negative control: a plan that promises NsJail inside gVisor (as the kit did before these runs) fails the check', () => {
    const scenario = byId('gke-autopilot (kit image)');
    // The old plan: gvisor-runtimeclass with NsJail creating its namespaces inside the Sentry.
    const promise = (p: SandboxPlan): SandboxPlan => ({ ...p, insideGvisor: undefined, env: {}, jail: { namespaces: true, procfs: 'new', cgroups: false } });
    const cells = verifyUnderGvisor(scenario, { arch: ARCH, nsjail, runsc: releases.slice(-1), plans: (sut) => (sut.plan ? promise(sut.plan) : undefined) });
    const ce = cells.find((c) => c.service === 'code-executor')!;
    const [r] = Object.values(ce.results);
    expect(r.disagreements.map((d) => d.split(':')[0]).sort()).toEqual([
      nsjailRunKey('kit', 'javascript'), nsjailRunKey('kit', 'python'), nsjailRunKey('stock', 'javascript'), nsjailRunKey('stock', 'python'),
    ].sort());
  });
});

import { ENTRYPOINT_DROP_KEY, entrypointDropOf, afterDrop, RETOOL_USER } from '../../src/verify/entrypoint';
import { nsjailRunKey } from '../../src/verify/expectations';
import { runInNodeContainer } from '../../src/verify/container';
import { CellResult, Scenario, scenarios, verifyService } from '../../src/verify/matrix';
import { hostArchitecture, nodeContainerConfig } from '../../src/verify/node-runtime';
import { servicesUnderTest, ServiceUnderTest } from '../../src/verify/rendered';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithNsjail } from './helpers';

/**
 * Retool's executor images start as root; their entrypoint drops to retool_user with `runuser`
 * and the service then runs NsJail. On a real kernel, in the container built from the rendered
 * executor settings: the drop works (uid/gid 1001, no capability left) and NsJail then starts
 * with its defaults (a fresh procfs in every jail, as Retool's image does), and the syscall probe,
 * run after the same drop, agrees with the plan. The behavioural matrix does the same drop in
 * every cell whose rendered executor starts as root (src/verify/entrypoint.ts).
 */
const ARCH = hostArchitecture();
const byId = (id: string): Scenario => {
  const s = scenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};

/** The executors a scenario runs with Retool's image and NsJail. */
function retoolExecutors(s: Scenario): ServiceUnderTest[] {
  return servicesUnderTest(s.config, s.renderer).filter((x) => x.plan && x.plan.imageKind === 'retool' && entrypointDropOf(x.plan, { ...x.container.security, runAsUser: 0 }));
}

/**
 * How Retool's chart starts the executors (retool-helm #379): as root, every capability dropped
 * but SETUID and SETGID ("for the drop to retool_user at startup"), everything else as rendered.
 */
function startedAsRetoolDoes(sec: RenderedSecurity): RenderedSecurity {
  if (sec.privileged) return { ...sec, runAsUser: 0, runAsGroup: 0 };
  return { ...sec, runAsUser: 0, runAsGroup: 0, capabilitiesDrop: ['ALL'], capabilitiesAdd: [...new Set([...sec.capabilitiesAdd, 'SETUID', 'SETGID'])] };
}

function withSecurity(sut: ServiceUnderTest, security: RenderedSecurity): ServiceUnderTest {
  return { ...sut, container: { ...sut.container, security } };
}

function expectDropAndNsjail(cell: CellResult): void {
  expect({ cell: `${cell.scenario} ${cell.service}`, error: cell.error, disagreements: cell.disagreements })
    .toEqual({ cell: `${cell.scenario} ${cell.service}`, error: undefined, disagreements: [] });
  expect(cell.outcomes[ENTRYPOINT_DROP_KEY]?.facts).toMatchObject({ uid: RETOOL_USER.uid, gid: RETOOL_USER.gid, capEff: 0, capPrm: 0 });
  const runs = cell.expectations.map((e) => e.probe).filter((p) => p.startsWith('nsjail_'));
  expect(runs).toContain(nsjailRunKey('stock', 'javascript'));
  for (const r of runs) expect({ run: r, ok: cell.outcomes[r]?.ok }).toEqual({ run: r, ok: true });
}

describeWithNsjail('Retool\'s entrypoint on a real kernel: runuser to retool_user, then NsJail', (nsjail) => {
  // eks: containerd, seccomp profile, user namespace, unmasked /proc; ecs-ec2: dockerd, privileged.
  describe.each(['eks', 'ecs-ec2'].map((id) => [id, byId(id)] as const))('%s', (_id, scenario) => {
    const executors = retoolExecutors(scenario);

    test('there are executors on Retool\'s image that run NsJail', () => {
      expect(executors.map((e) => e.service).sort()).toEqual(['code-executor', 'js-executor']);
    });

    test.each(executors.map((e) => [e.service, e] as const))('%s as rendered: the entrypoint can drop where the container starts as root, and NsJail then starts', (_service, sut) => {
      const security = sut.container.security;
      if (entrypointDropOf(sut.plan, security)) {
        expectDropAndNsjail(verifyService(scenario, sut, { arch: ARCH, nsjail }));
      } else {
        // Started as a non-root user, Retool's entrypoint cannot drop: runuser refuses.
        const run = runInNodeContainer(nodeContainerConfig(security, { arch: ARCH }), afterDrop(RETOOL_USER, ['/bin/true']), { accounts: [RETOOL_USER] });
        expect({ uid: security.runAsUser, exit: run.run.exitCode === 0, stderr: run.run.stderr }).toEqual({ uid: security.runAsUser, exit: false, stderr: expect.stringMatching(/runuser: may not be used by non-root users/) });
      }
    });

    test.each(executors.map((e) => [e.service, e] as const))('%s started as Retool\'s chart starts it (root; drop ALL, add SETUID and SETGID), the rest as rendered: runuser drops to uid 1001 with no capability, and NsJail starts with its defaults (the fresh procfs Retool\'s image mounts)', (_service, sut) => {
      const cell = verifyService(scenario, withSecurity(sut, startedAsRetoolDoes(sut.container.security)), { arch: ARCH, nsjail });
      expectDropAndNsjail(cell);
    });
  });

  test('negative control: without SETUID and SETGID the drop fails, and the suite reports it', () => {
    const sut = retoolExecutors(byId('eks')).find((e) => e.service === 'js-executor')!;
    const sec = startedAsRetoolDoes(sut.container.security);
    const cell = verifyService(byId('eks'), withSecurity(sut, { ...sec, capabilitiesAdd: sec.capabilitiesAdd.filter((c) => c !== 'SETUID' && c !== 'SETGID') }), { arch: ARCH, nsjail });
    // runuser cannot change its groups: the probe, which runs after the drop, never starts.
    expect(cell.error).toMatch(/runuser: cannot set groups: Operation not permitted/);
    expect(cell.outcomes[ENTRYPOINT_DROP_KEY]).toBeUndefined();
  });
});

import { NSJAIL_NEWAPI_STEPS } from '../../src/verify/expectations';
import { localhostFileWithout, dockerFileWithout, hostArchitecture } from '../../src/verify/node-runtime';
import { scenarios, verifyScenario } from '../../src/verify/matrix';
import { describeWithRunc } from './helpers';

/**
 * The suite must catch a broken profile: with needed syscalls removed from the file the node
 * holds, the same verification that passes for the committed profile reports disagreements.
 */
const ARCH = hostArchitecture();
const scenario = (id: string) => {
  const s = scenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
/** The new-API steps from `first` to the end (a fatal failure skips the rest, which then disagree). */
const newapiFrom = (first: string): string[] => NSJAIL_NEWAPI_STEPS.slice(NSJAIL_NEWAPI_STEPS.indexOf(first as typeof NSJAIL_NEWAPI_STEPS[number]));

describeWithRunc('a broken profile makes the verification fail', () => {
  test('eks: nsjail profile without pivot_root (Localhost file, containerd)', () => {
    const cells = verifyScenario(scenario('eks'), { arch: ARCH, profileFiles: { nsjail: localhostFileWithout('nsjail', ARCH, ['pivot_root']) } });
    const nsjail = cells.filter((c) => c.service !== 'agent-sandbox');
    expect(nsjail.map((c) => c.service)).toEqual(['code-executor', 'js-executor']);
    for (const c of nsjail) {
      expect(c.disagreements.map((d) => d.split(':')[0])).toEqual(['pivot_root', 'umount2', 'newapi_pivot_root', 'newapi_umount2']);
      expect(c.disagreements[0]).toMatch(/got EPERM/);
    }
  });

  test('eks: nsjail profile without the new mount API (as before mnt_newapi.cc was known): only the new-API path breaks', () => {
    const without = ['fsopen', 'fsconfig', 'fsmount', 'move_mount', 'open_tree', 'mount_setattr'];
    const cells = verifyScenario(scenario('eks'), { arch: ARCH, profileFiles: { nsjail: localhostFileWithout('nsjail', ARCH, without) } });
    const c = cells.find((x) => x.service === 'code-executor');
    expect(c?.disagreements.map((d) => d.split(':')[0])).toEqual(newapiFrom('newapi_fsopen_tmpfs'));
    expect(c?.disagreements[0]).toMatch(/got EPERM/);
  });

  test('ecs-ec2 (kit image): nsjail daemon profile without mount (Docker format, resolved by dockerd)', () => {
    const cells = verifyScenario(scenario('ecs-ec2 (kit image)'), { arch: ARCH, profileFiles: { nsjail: dockerFileWithout('nsjail', ['mount']) } });
    const c = cells.find((x) => x.service === 'js-executor');
    // mount_proc: the plan expects EPERM (procfs none on ECS), the broken jail never gets there.
    // The new-API path needs mount(2) too, for private propagation, and stops there.
    expect(c?.disagreements.map((d) => d.split(':')[0])).toEqual([
      'mount_private', 'mount_tmpfs', 'mount_bind', 'mount_bind_ro', 'sethostname', 'mount_proc', 'pivot_root', 'umount2',
      ...newapiFrom('newapi_mount_private'),
    ]);
  });
});

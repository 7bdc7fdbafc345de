import { plan } from '../../src';
import { DEFAULT_IMAGE_CONFIGS, renderNsjailConfig, renderNsjailConfigs } from '../../src/images';
import { addProbeFile, containerToolPath, runInNodeContainer } from '../../src/verify/container';
import { nsjailRunKey, ProbeOutcome } from '../../src/verify/expectations';
import { scenarios, verifyScenario } from '../../src/verify/matrix';
import { hostArchitecture, nodeContainerConfig } from '../../src/verify/node-runtime';
import { ProbeCommand, SANDBOX_MARKER, SANDBOX_PROGRAMS } from '../../src/verify/real-nsjail';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithNsjail } from './helpers';

/**
 * Every NsJail configuration the kit generates compiles (kafel policy included) and runs its
 * program under the real NsJail (amd64 here; the aarch64 names are checked in
 * test/images/kafel-tables.test.ts). They run in a privileged container, the most permissive
 * place, so that only the configuration itself can fail; each runs in its own target's
 * container in behaviour.test.ts. And the suite catches a broken policy.
 */
const ARCH = hostArchitecture();

/** A privileged container as containerd builds it (root, every capability, no filter, cgroups writable). */
const PRIVILEGED: RenderedSecurity = {
  runtime: 'containerd', privileged: true, capabilitiesAdd: [], capabilitiesDrop: [], seccomp: { type: 'Unconfined' },
  procMount: 'Default', hostUsers: true, runAsUser: 0, runAsGroup: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: true,
};

function allConfigs(): { id: string; language: 'python' | 'javascript'; text: string }[] {
  const plans = [
    ...DEFAULT_IMAGE_CONFIGS.flatMap((c) => plan(c).services),
    ...plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' }, 'js-executor': { mode: 'privileged' }, 'agent-sandbox': { enabled: false } } }).services,
  ];
  const out = plans.flatMap((p) => renderNsjailConfigs(p).map((c) => ({ id: `${p.target}/${p.service}/${c.language} (${p.mode}${p.insideGvisor ? `, ${p.insideGvisor} inside gVisor` : ''})`, language: c.language, text: c.text })));
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' }).services[0];
  out.push({ id: 'eks/code-executor/javascript (seccomp, egress)', language: 'javascript', text: renderNsjailConfig(eks, 'javascript', { network: { mode: 'egress', allow: [{ cidr: '10.0.0.0/8', ports: [443] }] } }).text });
  return out;
}

/** Runs configurations under NsJail in one privileged container; outcome by id. */
function runConfigs(nsjail: string, configs: readonly { id: string; language: 'python' | 'javascript'; text: string }[], tag: string): Record<string, ProbeOutcome> {
  const commands: ProbeCommand[] = configs.map((c, i) => ({
    id: c.id,
    argv: [containerToolPath(nsjail), '--config', addProbeFile(`${tag}-${i}.cfg`, c.text, 0o644)],
    stdin: SANDBOX_PROGRAMS[c.language],
    marker: SANDBOX_MARKER,
  }));
  const file = addProbeFile(`${tag}.json`, JSON.stringify(commands), 0o644);
  const run = runInNodeContainer<Record<string, ProbeOutcome>>(nodeContainerConfig(PRIVILEGED, { arch: ARCH }), ['/usr/bin/python3', '/probe/probe.py', 'exec-runs', file], { tools: [nsjail], timeoutMs: 300000 });
  if (!run.output) throw new Error(`the probe printed nothing: exit ${run.run.exitCode}: ${run.run.stderr.slice(-500)}`);
  return run.output;
}

/** The policy as it was before the kafel tables: the kernel's name umount2, which kafel does not know. */
const brokenPolicy = (text: string): string => text.replace(/([{ ,])umount([,} ])/, '$1umount2$2');

describeWithNsjail('the kit\'s NsJail configurations under the real NsJail (amd64)', (nsjail) => {
  const configs = allConfigs();
  let outcomes: Record<string, ProbeOutcome> = {};
  beforeAll(() => {
    outcomes = runConfigs(nsjail, configs, 'all-configs');
  });

  test('there are configurations of every kind: namespaces, without procfs, rlimits only, inside gVisor, privileged, egress', () => {
    expect(configs.length).toBeGreaterThanOrEqual(20);
    for (const kind of ['(seccomp)', 'rlimits-seccomp', 'rlimits-seccomp inside gVisor', '(privileged)', 'egress']) expect(configs.some((c) => c.id.includes(kind))).toBe(true);
  });

  test.each(configs.map((c) => [c.id]))('%s compiles and runs its program', (id) => {
    expect({ id, ...outcomes[id], facts: undefined }).toEqual({ id, ok: true, errno: 0, errname: '', facts: undefined });
  });

  test('negative control: a policy with a name kafel does not know (umount2, the kernel\'s name) stops NsJail before it runs anything', () => {
    const eks = configs.find((c) => c.id.startsWith('eks/code-executor/python (seccomp)'));
    expect(eks?.text).toMatch(/[{ ,]umount[,} ]/);
    const broken = runConfigs(nsjail, [{ id: 'broken', language: 'python', text: brokenPolicy(eks!.text) }], 'broken-policy');
    expect(broken.broken.ok).toBe(false);
    expect(broken.broken.detail).toMatch(/Could not compile policy/);
    expect(broken.broken.detail).toMatch(/Undefined identifier .umount2'/);
  });

  test('negative control: the behavioural matrix reports the broken policy as a disagreement in the cell that runs it', () => {
    // The kit's image runs the kit's configurations (Retool's image, starting as root, runs its own after its drop).
    const eks = scenarios().find((s) => s.id === 'eks (kit image)');
    const cells = verifyScenario(eks!, { arch: ARCH, nsjail, nsjailConfigText: (t) => brokenPolicy(t) });
    const ce = cells.find((c) => c.service === 'code-executor');
    expect(ce?.disagreements.map((d) => d.split(':')[0])).toEqual([nsjailRunKey('kit', 'python'), nsjailRunKey('kit', 'javascript')]);
    expect(ce?.disagreements[0]).toMatch(/Could not compile policy/);
  });
});

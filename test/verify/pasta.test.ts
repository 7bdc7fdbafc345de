import * as fs from 'fs';
import * as path from 'path';
import { profileDefinition } from '../../src/seccomp/build';
import { PROVEN_BY_PASTA, UNPROVEN_ADDITIONS } from '../../src/verify/known-gaps';
import { profileFileWith } from '../../src/verify/minimality';
import { hostArchitecture } from '../../src/verify/node-runtime';
import { probePasta } from '../../src/verify/pasta';
import { servicesUnderTest } from '../../src/verify/rendered';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithRunc, STRICT } from './helpers';

/**
 * pasta, the agent sandbox's network, under the gvisor profile on a real kernel: in the agent
 * sandbox's container as eks renders it (its user, no capabilities, user namespace), with
 * /dev/net/tun as a device plugin hands it over, pasta builds its namespaces and runs a command
 * that sees the pod's address. Then without each gvisor addition that runsc itself does not need:
 * the ones pasta needs are proven by this test (their `provenBy`), the others stay unproven,
 * kept as Retool's requirement.
 */
const ARCH = hostArchitecture();
const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', 'profiles', `gvisor-${ARCH}.oci.json`), 'utf8');
const PASTA = '/usr/bin/pasta';
const missing = fs.existsSync(PASTA) ? undefined : `missing ${PASTA} (Debian: apt-get install passt)`;
if (missing && !STRICT) {
  console.log(`skipping the pasta tests: ${missing} (.ci/run installs it)`);
}

function renderedAgentSandbox(): RenderedSecurity {
  const sut = servicesUnderTest({ target: 'eks', retoolVersion: '3.334.0-stable' }).find((s) => s.service === 'agent-sandbox');
  if (!sut) throw new Error('eks renders no agent sandbox');
  return sut.container.security;
}

(missing && !STRICT ? describe.skip : describeWithRunc)('pasta (the agent sandbox\'s network) under the gvisor profile', () => {
  beforeAll(() => {
    if (missing) throw new Error(missing);
  });

  test('with the committed profile, as the rendered user with no capabilities, pasta runs its command in its namespaces with the pod\'s address', () => {
    const security = renderedAgentSandbox();
    expect({ caps: security.capabilitiesAdd, drop: security.capabilitiesDrop, hostUsers: security.hostUsers }).toEqual({ caps: [], drop: ['ALL'], hostUsers: false });
    const r = probePasta(committed, { arch: ARCH, security });
    expect(r).toEqual({ ok: true, detail: expect.stringContaining('10.88.0.2/24') });
  });

  // Every gvisor addition runsc does not need (unproven, or proven by this test).
  const candidates = [...Object.keys(UNPROVEN_ADDITIONS.gvisor), ...PROVEN_BY_PASTA.gvisor].sort();
  test('the additions tried are those runsc does not need', () => {
    expect(candidates).toEqual(['clone3', 'ptrace', 'sethostname', 'setns', 'unshare']);
  });

  test.each(candidates.map((c) => [c]))('without %s: pasta fails exactly when the addition is proven by this test', (syscall) => {
    const content = profileFileWith('gvisor', profileDefinition('gvisor').additions.filter((a) => a.syscall !== syscall), ARCH);
    const r = probePasta(content, { arch: ARCH, security: renderedAgentSandbox() });
    console.log(`pasta without ${syscall}: ${r.ok ? 'runs' : 'fails'}: ${r.detail}`);
    expect({ syscall, pastaRuns: r.ok }).toEqual({ syscall, pastaRuns: !PROVEN_BY_PASTA.gvisor.includes(syscall) });
  });

  test('what pasta needs, measured: unshare (its user namespace) and setns (it joins the namespace it made)', () => {
    expect([...PROVEN_BY_PASTA.gvisor].sort()).toEqual(['setns', 'unshare']);
  });
});

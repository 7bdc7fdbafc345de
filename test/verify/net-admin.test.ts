import { spawnSync } from 'child_process';
import { IPTABLES_IN_POD_USERNS, POD_NETNS_OWNER } from '../../src/targets';
import { runInRunc } from '../../src/verify/runc';
import { USERNS_MAPPING, hostArchitecture } from '../../src/verify/node-runtime';
import { iptablesProblem, IptablesReport, probeIptables } from '../../src/verify/net-admin';
import { servicesUnderTest } from '../../src/verify/rendered';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithRunc, STRICT } from './helpers';

/**
 * NET_ADMIN under hostUsers: false, on a real kernel: Retool's iptables step (its
 * `-m owner --uid-owner retool_user` DROP rules for 169.254.0.0/16 and 192.168.0.0/16, with
 * iptables-legacy as Retool documents them, and iptables-nft) in the container built from the
 * executor's rendered settings, started as Retool's chart starts it. The network namespace is
 * owned by the container's user namespace, as containerd >= 2.0 creates a pod's
 * (POD_NETNS_OWNER), or, as a control, by the host's. The measured facts are the catalog's
 * IPTABLES_IN_POD_USERNS; the planner decides from them whether to grant NET_ADMIN.
 */
const ARCH = hostArchitecture();
const PROBLEM = iptablesProblem();

/** code-executor as eks renders it (seccomp profile, user namespace, unmasked /proc). */
function renderedExecutor(): RenderedSecurity {
  const sut = servicesUnderTest({ target: 'eks', retoolVersion: '3.334.0-stable' }).find((s) => s.service === 'code-executor');
  if (!sut) throw new Error('eks renders no code-executor');
  return sut.container.security;
}

/** As Retool's chart starts the executors (root; drop ALL, add SETUID, SETGID and `caps`), the rest as rendered. */
function startedWith(caps: readonly string[], over: Partial<RenderedSecurity> = {}): RenderedSecurity {
  const sec = renderedExecutor();
  return { ...sec, runAsUser: 0, runAsGroup: 0, capabilitiesDrop: ['ALL'], capabilitiesAdd: [...new Set([...sec.capabilitiesAdd, 'SETUID', 'SETGID', ...caps])], ...over };
}

function probe(security: RenderedSecurity, options: { netnsOwner?: 'container-userns' | 'host-userns'; writableRun?: boolean } = {}): IptablesReport {
  const r = probeIptables({ arch: ARCH, security, ...options });
  if (!r.report) throw new Error(`the iptables probe printed nothing: ${r.error}`);
  console.log(`iptables probe (${security.hostUsers ? 'host users' : 'userns'}, ${options.netnsOwner ?? 'container-userns'} owns the netns, caps ${security.capabilitiesAdd.join(',')}, /run ${options.writableRun === false ? 'read-only' : 'writable'}):\n${JSON.stringify(r.report, null, 1)}`);
  return r.report;
}

/** Retool's rules hold: retool_user's packets to 192.168.0.0/16 dropped, root's and loopback's not. */
const HOLDS = { user_to_192: 'dropped', root_to_192: 'ECONNREFUSED', user_to_loopback: 'ECONNREFUSED' };

const describeIfTools = PROBLEM && !STRICT ? describe.skip : describeWithRunc;
if (PROBLEM && !STRICT) {
  console.log(`skipping the NET_ADMIN tests: ${PROBLEM} (.ci/run installs them)`);
}

describeIfTools('NET_ADMIN under hostUsers: false: Retool\'s iptables step on a real kernel', () => {
  beforeAll(() => {
    if (PROBLEM) throw new Error(PROBLEM);
  });

  test('the rendered executor runs in a user namespace (hostUsers: false), where the catalog says the pod\'s user namespace owns its network namespace', () => {
    expect(renderedExecutor().hostUsers).toBe(false);
    expect(POD_NETNS_OWNER.value).toBe('pod-user-namespace');
    expect(POD_NETNS_OWNER.source).toMatch(/containerd\/containerd\/pull\/10607/);
  });

  test('netns owned by the container\'s user namespace, NET_ADMIN and NET_RAW: both iptables load the owner rules, and they drop retool_user\'s traffic only', () => {
    const r = probe(startedWith(['NET_ADMIN', 'NET_RAW']));
    expect([r.link_up.ok, r.address.ok]).toEqual([true, true]);
    expect([r.legacy_owner_169.ok, r.legacy_owner_192.ok, r.nft_owner_169.ok, r.nft_owner_192.ok]).toEqual([true, true, true, true]);
    expect(r.legacy_connect).toEqual(HOLDS);
    expect(r.nft_connect).toEqual(HOLDS);
    expect(IPTABLES_IN_POD_USERNS.value.ownerMatch).toBe(true);
  });

  test('NET_ADMIN without NET_RAW: iptables-nft works, iptables-legacy (Retool\'s documented commands) is refused', () => {
    const r = probe(startedWith(['NET_ADMIN']));
    expect([r.nft_owner_169.ok, r.nft_owner_192.ok]).toEqual([true, true]);
    expect(r.nft_connect).toEqual(HOLDS);
    expect(r.legacy_owner_192.ok).toBe(false);
    expect(r.legacy_owner_192.detail).toMatch(/Permission denied/);
    expect([...IPTABLES_IN_POD_USERNS.value.legacyNeeds]).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect([...IPTABLES_IN_POD_USERNS.value.nftNeeds]).toEqual(['NET_ADMIN']);
  });

  test('without NET_ADMIN (SETUID and SETGID only): nothing on the network can be changed', () => {
    const r = probe(startedWith([]));
    expect([r.link_up.ok, r.address.ok, r.legacy_owner_192.ok, r.nft_owner_192.ok]).toEqual([false, false, false, false]);
    expect(r.link_up.detail).toMatch(/Operation not permitted/);
  });

  test('read-only /run: iptables-legacy cannot take its lock file, iptables-nft needs none', () => {
    const r = probe(startedWith(['NET_ADMIN', 'NET_RAW']), { writableRun: false });
    expect(r.legacy_owner_192.ok).toBe(false);
    expect(r.legacy_owner_192.detail).toContain(`can't open lock file ${IPTABLES_IN_POD_USERNS.value.legacyLockFile}`);
    expect(r.nft_owner_192.ok).toBe(true);
  });

  test('control: a network namespace owned by the host\'s user namespace: even NET_ADMIN and NET_RAW change nothing there', () => {
    const r = probe(startedWith(['NET_ADMIN', 'NET_RAW']), { netnsOwner: 'host-userns' });
    expect([r.link_up.ok, r.address.ok, r.legacy_owner_192.ok, r.nft_owner_192.ok]).toEqual([false, false, false, false]);
    expect(r.nft_owner_192.detail).toMatch(/Permission denied/);
  });

  test('control: runc cannot even mount sysfs for a user-namespaced container in a network namespace the host\'s user namespace owns (why containerd creates it inside)', () => {
    const name = `sandbox-kit-sysfs-${process.pid}`;
    expect(spawnSync('ip', ['netns', 'add', name]).status).toBe(0);
    try {
      const run = runInRunc({ args: ['/bin/true'], userNamespace: { uidMappings: USERNS_MAPPING, gidMappings: USERNS_MAPPING }, maskedPaths: [], readonlyPaths: [] }, {
        patchSpec: (s) => ({ ...s, linux: { ...s.linux, namespaces: s.linux.namespaces.map((n) => (n.type === 'network' ? { type: n.type, path: `/run/netns/${name}` } : n)) } }),
      });
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toMatch(/error mounting \\?"sysfs\\?" to rootfs at \\?"\/sys\\?".*operation not permitted/);
    } finally {
      spawnSync('ip', ['netns', 'del', name]);
    }
  });

  test('without a user namespace (hostUsers: true: Kubernetes before 1.33, ECS), NET_ADMIN and NET_RAW: the rules load and hold', () => {
    const r = probe(startedWith(['NET_ADMIN', 'NET_RAW'], { hostUsers: true }));
    expect([r.legacy_owner_192.ok, r.nft_owner_192.ok]).toEqual([true, true]);
    expect(r.legacy_connect).toEqual(HOLDS);
  });
});

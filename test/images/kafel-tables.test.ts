import { spawnSync } from 'child_process';
import { plan } from '../../src';
import {
  DEFAULT_IMAGE_CONFIGS, JAIL_DENIED_SYSCALLS, KAFEL_ALIASES, KAFEL_TABLES, kafelIdentifier, renderNsjailConfig, renderNsjailConfigs,
} from '../../src/images';
import { parseKafelTable } from '../../src/images/kafel-extract';

/**
 * kafel (the policy language NsJail bundles) knows syscalls only by the names of its own
 * per-architecture tables, kept as data in src/images/data/kafel-syscalls.json. One generated
 * configuration serves amd64 and arm64 images, so every name it uses must be in both tables
 * and stand for the kernel syscall the kit means there (libseccomp's resolver is the kernel's
 * word). Real NsJail compiles the amd64 side in test/verify/nsjail-configs.test.ts.
 */

/** Every configuration the kit generates: the runtime image's, privileged ones, and one with every option. */
function allConfigs(): { path: string; text: string }[] {
  const plans = [
    ...DEFAULT_IMAGE_CONFIGS.flatMap((c) => plan(c).services),
    ...plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' }, 'js-executor': { mode: 'privileged' }, 'agent-sandbox': { enabled: false } } }).services,
  ];
  const out = plans.flatMap((p) => renderNsjailConfigs(p).map((c) => ({ path: `${c.path} (${p.mode})`, text: c.text })));
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' }).services[0];
  out.push({ path: 'eks code-executor javascript, egress', text: renderNsjailConfig(eks, 'javascript', { network: { mode: 'egress', allow: [{ cidr: '10.0.0.0/8', ports: [443] }] } }).text });
  return out;
}

/** The syscall identifiers of a kafel policy in a config (names and SYSCALL[n], without argument names). */
export function policyIdentifiers(text: string): string[] {
  const policy = [...text.matchAll(/^seccomp_string: "(.*)"$/gm)].map((m) => m[1]).join('\n');
  // Drop argument conditions ({ flags & ... }) and argument names ((domain, type, protocol)).
  const body = policy.replace(/\{[^{}]*\}/g, (inner) => (/[=&|<>!]/.test(inner) ? '' : inner)).replace(/\([^()]*\)/g, '');
  return [...body.matchAll(/(?:^|[{,\s])(SYSCALL\[\d+\]|[a-z_][a-z0-9_]*)(?=\s*[,}(])/g)].map((m) => m[1])
    .filter((n) => !['sandbox_kit'].includes(n));
}

describe('kafel syscall tables (data from kafel, bundled in NsJail 3.6-75-gd6454b4)', () => {
  test('record their kafel commit, the NsJail commit that bundles it, and each source file with its sha256', () => {
    expect(KAFEL_TABLES.commit).toBe('18f207428068a50f2c35706c5d0b21f53c769016');
    expect(KAFEL_TABLES.bundledIn).toContain('d6454b4640b6d8699b532a8afa37e4d67e477078');
    expect(Object.keys(KAFEL_TABLES.arches).sort()).toEqual(['aarch64', 'x86_64']);
    for (const t of Object.values(KAFEL_TABLES.arches)) {
      expect(t.file).toMatch(/^src\/syscalls\/(amd64|aarch64)_syscalls\.c$/);
      expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.keys(t.syscalls).length).toBeGreaterThan(300);
    }
    // Spot checks that the extraction kept numbers with names.
    expect(KAFEL_TABLES.arches.x86_64.syscalls).toMatchObject({ read: 0, clone: 56, umount: 166, clone3: 435 });
    expect(KAFEL_TABLES.arches.aarch64.syscalls).toMatchObject({ read: 63, clone: 220, umount: 39, clone3: 435 });
    expect(KAFEL_TABLES.arches.x86_64.syscalls.umount2).toBeUndefined();
  });

  test('the extractor reads kafel\'s table format', () => {
    const entries = Array.from({ length: 250 }, (_, i) => `    {"sys_${i}",\n     ${i},\n     {\n         [ARG_0] = {"fd", 4},\n     }},`).join('\n');
    expect(parseKafelTable(`static struct syscall_descriptor x[] = {\n${entries}\n};`)).toMatchObject({ sys_0: 0, sys_249: 249 });
    expect(() => parseKafelTable('{"read", 0,')).toThrow(/only 1 entries/);
  });

  const configs = allConfigs();
  test.each(configs.map((c) => [c.path, c.text]))('%s: every syscall the policy names is in kafel\'s x86_64 and aarch64 tables', (_p, text) => {
    const ids = policyIdentifiers(text);
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) {
      if (id.startsWith('SYSCALL[')) continue;
      for (const [arch, t] of Object.entries(KAFEL_TABLES.arches)) expect({ id, arch, known: t.syscalls[id] !== undefined }).toEqual({ id, arch, known: true });
    }
  });
});

const RESOLVER = 'scmp_sys_resolver';
const resolver = spawnSync('sh', ['-c', `command -v ${RESOLVER}`]).status === 0;
if (!resolver && process.env.SANDBOX_KIT_STRICT_TOOLS === '1') throw new Error(`SANDBOX_KIT_STRICT_TOOLS=1 but ${RESOLVER} is missing: apt-get install seccomp`);
if (!resolver) console.log(`skipping the kafel/kernel number checks: ${RESOLVER} not found (apt-get install seccomp)`);

(resolver ? describe : describe.skip)('kafel\'s names stand for the kernel syscalls the kit means (libseccomp\'s resolver)', () => {
  const kernelNames = [...JAIL_DENIED_SYSCALLS, 'clone', 'clone3', 'socket'];
  const resolve = (arch: string, name: string): number => Number(spawnSync(RESOLVER, ['-a', arch, name], { encoding: 'utf8' }).stdout.trim());

  test.each(['x86_64', 'aarch64'] as const)('%s: each name the policy writes has the kernel syscall\'s number in kafel\'s table', (arch) => {
    for (const kernel of kernelNames) {
      const id = kafelIdentifier(kernel);
      const number = id.startsWith('SYSCALL[') ? Number(/\d+/.exec(id)?.[0]) : KAFEL_TABLES.arches[arch].syscalls[id];
      expect({ kernel, id, number }).toEqual({ kernel, id, number: resolve(arch, kernel) });
    }
  });

  test('the aliases (kafel names the kernel calls otherwise) carry the kernel\'s numbers', () => {
    for (const [kernel, a] of Object.entries(KAFEL_ALIASES)) {
      for (const [arch, n] of Object.entries(a.numbers)) expect({ kernel, arch, n }).toEqual({ kernel, arch, n: resolve(arch, kernel) });
    }
  });
});

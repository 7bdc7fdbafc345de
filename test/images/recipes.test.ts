import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { plan } from '../../src';
import {
  buildCommand, checkRecipe, gvisorDockerfile, IMAGE_VERSIONS, imageContextFiles,
  ImageVersions, KAFEL_TABLES, nsjailDockerfile, parseDockerInstructions, placeholderPins, RecipeRule, versionLiterals,
  writeImageContext,
} from '../../src/images';

const V = IMAGE_VERSIONS;
const DOCKERFILES: Array<[string, string]> = [
  ['nsjail', nsjailDockerfile(V)],
  ['gvisor', gvisorDockerfile(V)],
];

function rulesBroken(dockerfile: string): RecipeRule[] {
  return [...new Set(checkRecipe(dockerfile, V).map((p) => p.rule))];
}

/** A passing recipe to break one rule at a time. */
const GOOD = [
  `FROM ${V.base.name}@${V.base.digest.value} AS build`,
  'RUN set -eux; apt-get update; apt-get install -y --no-install-recommends curl; rm -rf /var/lib/apt/lists/*',
  'RUN set -eux; curl -fsSLo f https://example.org/f; sha512sum -c f.sha512',
  `FROM ${V.base.name}@${V.base.digest.value}`,
  'COPY --from=build /f /f',
  'USER 1000:1000',
  '',
].join('\n');

describe('recipe rules, checked on the generated Dockerfiles', () => {
  test.each(DOCKERFILES)('%s: no rule broken', (_kind, text) => {
    expect(checkRecipe(text, V)).toEqual([]);
  });

  test.each(DOCKERFILES)('%s: every FROM is the pinned base by digest, or an earlier stage', (_kind, text) => {
    const froms = parseDockerInstructions(text).filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2); // multi-stage
    for (const f of froms) expect(f.args).toMatch(/^debian:bookworm-slim@sha256:[0-9a-f]{64}( AS [a-z-]+)?$/);
    expect(V.base.digest.value).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test.each(DOCKERFILES)('%s: the final stage runs as numeric non-root uid:gid', (_kind, text) => {
    const ins = parseDockerInstructions(text);
    const lastFrom = ins.map((i) => i.keyword).lastIndexOf('FROM');
    const users = ins.slice(lastFrom).filter((i) => i.keyword === 'USER');
    expect(users.map((u) => u.args)).toEqual(['1000:1000']);
    expect(ins[ins.length - 1].keyword).toBe('ENTRYPOINT'); // USER is not undone after it
  });

  test.each(DOCKERFILES)('%s: apt installs without recommends and leaves no lists', (_kind, text) => {
    const runs = parseDockerInstructions(text).filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'));
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.args).toContain('apt-get install -y --no-install-recommends');
      expect(r.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
    expect(text).not.toMatch(/\bpip3? install|\bnpm install|:latest|\/latest\//);
  });

  test('nsjail: built from the pinned commit (the one the tests run), refusing any other commit or kafel; only run-time libraries in the final stage', () => {
    const text = nsjailDockerfile(V);
    expect(V.nsjail).toMatchObject({ describe: '3.6-75-gd6454b4', commit: { value: 'd6454b4640b6d8699b532a8afa37e4d67e477078' } });
    expect(text).toContain(`git fetch -q --depth 1 ${V.nsjail.repository} ${V.nsjail.commit.value}`);
    expect(text).toContain(`if [ "$actual" != "${V.nsjail.commit.value}" ]; then`);
    // The kafel whose syscall tables the kit's policies are written against.
    expect(V.nsjail.kafelCommit.value).toBe(KAFEL_TABLES.commit);
    expect(text).toContain(`if [ "$kafel" != "${V.nsjail.kafelCommit.value}" ]; then`);
    expect(text).toContain('test -x /usr/bin/prlimit');
    const ins = parseDockerInstructions(text);
    const lastFrom = ins.map((i) => i.keyword).lastIndexOf('FROM');
    const finalApt = ins.slice(lastFrom).filter((i) => i.args.includes('apt-get install')).map((i) => i.args).join(' ');
    for (const lib of V.debian.nsjailRuntimeLibraries) expect(finalApt).toContain(lib);
    for (const dev of ['gcc', 'g++', 'make', 'git', 'libprotobuf-dev', 'protobuf-compiler']) expect(finalApt).not.toMatch(new RegExp(`\\s${dev.replace(/\+/g, '\\+')}(\\s|;|$)`));
    expect(text).toContain('ldd /usr/local/bin/nsjail | grep "not found"');
    expect(text).toContain('COPY nsjail/ /etc/nsjail/');
  });

  test('gvisor: runsc from Debian\'s signed archive at the exact pinned version (no pin outside Debian\'s keyring), pasta from Debian', () => {
    const text = gvisorDockerfile(V);
    expect(V.gvisor).toMatchObject({ release: '20240729', suite: 'bookworm-backports', package: 'runsc', version: { value: '0.0~20240729.0-4~bpo12+2', status: 'verified' } });
    expect(text).toContain(`apt-get install -y --no-install-recommends passt runsc=${V.gvisor.version.value};`);
    expect(text).toContain(`test "$(dpkg-query -W -f '\${Version}' runsc)" = '${V.gvisor.version.value}'`);
    expect(text).toContain('COPY apt/bookworm-backports.sources /etc/apt/sources.list.d/bookworm-backports.sources');
    expect(text).not.toMatch(/sha512sum|storage\.googleapis|curl -/);
    const files = imageContextFiles('gvisor');
    expect(files['apt/bookworm-backports.sources']).toBe('Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n');
    expect(text).toContain('COPY --from=agent-rootfs / /opt/agent-rootfs/');
    expect(text).toContain('ENTRYPOINT ["/usr/bin/runsc"]');
  });

  test('the image and the tests run the same pins: .ci/run provisions this runsc version, the tests this NsJail commit', () => {
    const ci = fs.readFileSync(path.resolve(__dirname, '..', '..', '.ci', 'run'), 'utf8');
    expect(/^RUNSC_BACKPORTS_VERSION=(\S+)$/m.exec(ci)?.[1]).toBe(V.gvisor.version.value);
    expect(ci).toContain(V.nsjail.commit.value);
    expect(ci).toContain(V.nsjail.describe);
  });

  test('gvisor: extra agent packages go into the agent root filesystem; bad names are refused', () => {
    const text = imageContextFiles('gvisor', { agentPackages: ['ripgrep'] }).Dockerfile;
    const rootfs = parseDockerInstructions(text).find((i) => i.keyword === 'RUN' && i.args.includes(' jq '));
    expect(rootfs?.args).toContain(' ripgrep ');
    expect(() => imageContextFiles('gvisor', { agentPackages: ['rg; curl evil'] })).toThrow(/agentPackages\[0\]: "rg; curl evil" is not a Debian package name/);
  });
});

describe('versions come from the one typed place', () => {
  test.each(DOCKERFILES)('%s: every version-like literal is a value of versions.ts', (_kind, text) => {
    const literals = versionLiterals(text);
    expect(literals.length).toBeGreaterThan(0);
    const json = JSON.stringify(V);
    for (const l of literals) expect(json).toContain(l);
  });

  test('changing versions.ts changes the recipes, and nothing of the old pins remains', () => {
    const bumped: ImageVersions = {
      ...V,
      base: { ...V.base, digest: { ...V.base.digest, value: `sha256:${'a'.repeat(64)}` } },
      nsjail: { ...V.nsjail, describe: '9.9-1-gbbbbbbb', commit: { ...V.nsjail.commit, value: 'b'.repeat(40) } },
      gvisor: { ...V.gvisor, release: '20990101', version: { ...V.gvisor.version, value: '0.0~20990101.0-1' } },
    };
    const n = nsjailDockerfile(bumped);
    const g = gvisorDockerfile(bumped);
    expect(n).toContain('b'.repeat(40));
    expect(g).toContain('runsc=0.0~20990101.0-1');
    for (const old of [V.base.digest.value, V.nsjail.commit.value, V.gvisor.version.value]) {
      expect(n + g).not.toContain(old);
    }
    expect(checkRecipe(n, bumped)).toEqual([]);
    expect(checkRecipe(g, bumped)).toEqual([]);
    // Checked against the real versions.ts, the bumped literals are foreign.
    expect(rulesBroken(n)).toContain('versions-from-one-place');
    expect(rulesBroken(g)).toContain('versions-from-one-place');
  });

  test('no pin is a placeholder any more; a placeholder would be listed', () => {
    expect(placeholderPins(V)).toEqual([]);
    for (const pin of [V.nsjail.commit, V.nsjail.kafelCommit]) expect(pin.value).toMatch(/^[0-9a-f]{40}$/);
    expect(placeholderPins({ ...V, base: { ...V.base, digest: { ...V.base.digest, status: 'placeholder' } } })[0]).toMatch(/^base\.digest: /);
    expect(placeholderPins({ ...V, gvisor: { ...V.gvisor, version: { ...V.gvisor.version, status: 'placeholder' } } })[0]).toMatch(/^gvisor\.version: /);
  });
});

describe('the rule checker catches each broken rule (so the checks above can fail)', () => {
  test('the reference recipe passes', () => {
    expect(checkRecipe(GOOD, V)).toEqual([]);
  });

  test.each<[string, RecipeRule, (s: string) => string]>([
    ['a base image by tag', 'base-pinned-by-digest', (s) => s.replace(`@${V.base.digest.value} AS build`, ' AS build')],
    ['a latest tag', 'no-latest', (s) => s.replace(/^FROM .*AS build$/m, `FROM ${V.base.name}@${V.base.digest.value} AS build\nCOPY --from=busybox:latest /bin/sh /sh`)],
    ['a download without a checksum', 'downloads-verified', (s) => s.replace('; sha512sum -c f.sha512', '')],
    ['a git clone without a commit check', 'downloads-verified', (s) => s.replace('USER', 'RUN git clone https://example.org/x.git\nUSER')],
    ['ADD of a URL', 'downloads-verified', (s) => s.replace('USER', 'ADD https://example.org/x /x\nUSER')],
    ['pip install', 'downloads-verified', (s) => s.replace('USER', 'RUN pip install requests\nUSER')],
    ['USER root', 'final-user-non-root', (s) => s.replace('USER 1000:1000', 'USER 0:0')],
    ['USER by name', 'final-user-non-root', (s) => s.replace('USER 1000:1000', 'USER sandbox')],
    ['root gid', 'final-user-non-root', (s) => s.replace('USER 1000:1000', 'USER 1000:0')],
    ['no USER in the final stage', 'final-user-non-root', (s) => s.replace('USER 1000:1000', '')],
    ['USER only in an earlier stage', 'final-user-non-root', (s) => s.replace('USER 1000:1000', '').replace('AS build', 'AS build\nUSER 1000:1000')],
    ['apt with recommends', 'apt-no-recommends', (s) => s.replace(' --no-install-recommends', '')],
    ['apt lists left', 'apt-lists-removed', (s) => s.replace('; rm -rf /var/lib/apt/lists/*', '')],
    ['a version not from versions.ts', 'versions-from-one-place', (s) => s.replace('curl -fsSLo f https://example.org/f', 'curl -fsSLo f https://example.org/v1.2.3/f')],
    ['a pinned apt package version', 'versions-from-one-place', (s) => s.replace('--no-install-recommends curl', '--no-install-recommends curl=7.88.1-10')],
    ['a versioned file name', 'versions-from-one-place', (s) => s.replace('https://example.org/f', 'https://example.org/node-18.19.0.tar.xz')],
    ['a digest not from versions.ts', 'versions-from-one-place', (s) => s.replace(V.base.digest.value.slice(7), 'c'.repeat(64))],
  ])('%s', (_name, rule, breakIt) => {
    const bad = breakIt(GOOD);
    expect(bad).not.toBe(GOOD);
    expect(rulesBroken(bad)).toEqual([rule]);
  });

  test('continuation lines are joined, and a package named curl is not a download', () => {
    const ins = parseDockerInstructions('RUN a \\\n  b \\\n  c\nUSER 1\n');
    expect(ins).toEqual([{ keyword: 'RUN', args: 'a b c', line: 1 }, { keyword: 'USER', args: '1', line: 4 }]);
    expect(rulesBroken(GOOD.replace('apt-get install -y --no-install-recommends curl', 'apt-get install -y --no-install-recommends curl wget'))).toEqual([]);
  });
});

describe('build contexts', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writeImageContext writes the Dockerfile and the NsJail configs of the default targets\' plans', () => {
    const out = writeImageContext('nsjail', path.join(dir, 'nsjail'));
    expect(path.isAbsolute(out)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'Dockerfile'), 'utf8')).toBe(nsjailDockerfile(V));
    for (const f of ['eks/code-executor/python.cfg', 'eks/code-executor/javascript.cfg', 'eks/js-executor/javascript.cfg',
      'ecs-ec2/code-executor/python.cfg', 'ecs-fargate/code-executor/python.cfg', 'gke-autopilot/code-executor/python.cfg']) {
      expect(fs.existsSync(path.join(out, 'nsjail', f))).toBe(true);
    }
    expect(fs.existsSync(path.join(out, 'nsjail', 'eks', 'agent-sandbox'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'nsjail/ecs-fargate/code-executor/python.cfg'), 'utf8')).toMatch(/^clone_newuser: false$/m);
  });

  test('writeImageContext replaces a previous context, writes the gVisor apt source, and never empties a foreign directory', () => {
    const target = path.join(dir, 'gvisor');
    writeImageContext('nsjail', target);
    expect(fs.existsSync(path.join(target, 'nsjail'))).toBe(true);
    const out = writeImageContext('gvisor', target);
    expect(fs.readdirSync(out).sort()).toEqual(['Dockerfile', 'apt']);
    fs.writeFileSync(path.join(dir, 'precious.txt'), 'x');
    expect(() => writeImageContext('gvisor', dir)).toThrow(/dir: .* holds .*precious\.txt.*refusing to replace it/);
    expect(fs.existsSync(path.join(dir, 'precious.txt'))).toBe(true);
    expect(fs.readdirSync(path.join(out, 'apt'))).toEqual(['bookworm-backports.sources']);
  });

  test('plans given: only their configs; two plans that disagree on one path are refused', () => {
    const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' }).services;
    const files = Object.keys(imageContextFiles('nsjail', { plans: eks })).sort();
    expect(files).toEqual(['Dockerfile', 'nsjail/eks/code-executor/javascript.cfg', 'nsjail/eks/code-executor/python.cfg', 'nsjail/eks/js-executor/javascript.cfg']);
    // The same plan twice is fine (eks is in both kit file sections by default).
    expect(() => imageContextFiles('nsjail', { plans: [...eks, ...eks] })).not.toThrow();
    const older = plan({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.30', services: { 'agent-sandbox': { enabled: false } } }).services; // no unmasked /proc before 1.33: privileged
    expect(older[0].mode).toBe('privileged');
    expect(() => imageContextFiles('nsjail', { plans: [...eks, ...older] }))
      .toThrow(/plans: two plans for code-executor on eks give different python configurations/);
  });

  test('the build command is multi-architecture and tagged with the pinned release', () => {
    expect(buildCommand('nsjail', 'dist/images/nsjail', 'reg.example/x'))
      .toBe(`docker buildx build --platform linux/amd64,linux/arm64 --tag reg.example/x/sandbox-kit-nsjail:nsjail-${V.nsjail.describe} --push dist/images/nsjail`);
    expect(buildCommand('gvisor', 'd', 'r')).toContain(`:gvisor-${V.gvisor.release} `);
  });
});

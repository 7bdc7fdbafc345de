import { ImageVersions } from './versions';

/** The rules every runtime image recipe must follow. */
export const RECIPE_RULES = [
  'base-pinned-by-digest',
  'no-latest',
  'downloads-verified',
  'final-user-non-root',
  'apt-no-recommends',
  'apt-lists-removed',
  'versions-from-one-place',
] as const;
export type RecipeRule = (typeof RECIPE_RULES)[number];

/** One broken rule. */
export interface RecipeProblem {
  /** Which rule. */
  readonly rule: RecipeRule;
  /** 1-based line of the instruction. */
  readonly line: number;
  /** What is wrong. */
  readonly message: string;
}

/** One Dockerfile instruction, continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword (FROM, RUN, ...). */
  readonly keyword: string;
  /** Everything after the keyword. */
  readonly args: string;
  /** 1-based line where it starts. */
  readonly line: number;
}

/** Split a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerInstructions(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split('\n');
  let buf = '';
  let start = 0;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (!buf && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (!buf) start = i + 1;
    if (trimmed.endsWith('\\')) {
      buf += `${trimmed.slice(0, -1).trimEnd()} `;
      return;
    }
    buf += trimmed;
    const m = /^(\S+)\s*(.*)$/s.exec(buf);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2], line: start });
    buf = '';
  });
  return out;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/**
 * What looks like a version: dotted numbers (`3.6`, `v1.2.3`, `node-18.19.0`), or hex digests of 40 (git)
 * to 128 (sha512) digits. Not `--tlsv1.2` or `python3.11`: a digit right after a letter is part of a name.
 */
const VERSION_LITERAL = /(?<![\w.])v?\d+(?:\.\d+)+(?!\.?\d)|\b[0-9a-f]{40,128}\b/g;

/** Every string found anywhere in the versions object. */
function pinnedStrings(versions: ImageVersions): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      out.add(v);
      const d = /^sha256:([0-9a-f]{64})$/.exec(v);
      if (d) out.add(d[1]);
      // The version-like parts of a pinned value (3.6 of 3.6-75-gd6454b4, 20240729.0 of a Debian version).
      for (const m of v.matchAll(VERSION_LITERAL)) out.add(m[0]);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(versions);
  return out;
}

/** Version-like literals of a text. */
export function versionLiterals(text: string): string[] {
  return [...text.matchAll(VERSION_LITERAL)].map((m) => m[0]);
}

/**
 * Check a Dockerfile against every recipe rule. Returns the problems; none means it passes.
 * `versions` is the one typed place every version literal must come from.
 */
export function checkRecipe(dockerfile: string, versions: ImageVersions): RecipeProblem[] {
  const problems: RecipeProblem[] = [];
  const add = (rule: RecipeRule, line: number, message: string): void => { problems.push({ rule, line, message }); };
  const instructions = parseDockerInstructions(dockerfile);
  const stages: string[] = [];
  let lastFrom = -1;

  instructions.forEach((ins, idx) => {
    if (ins.keyword === 'FROM') {
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const image = parts[0] ?? '';
      if (!stages.includes(image) && !DIGEST.test(image)) {
        add('base-pinned-by-digest', ins.line, `base image "${image}" is not pinned by digest (name@sha256:<64 hex>).`);
      }
      if (parts[1]?.toUpperCase() === 'AS' && parts[2]) stages.push(parts[2]);
      lastFrom = idx;
    }
    if (ins.keyword === 'ADD' && /\bhttps?:\/\//.test(ins.args) && !/--checksum=sha256:[0-9a-f]{64}/.test(ins.args)) {
      add('downloads-verified', ins.line, 'ADD of a URL without --checksum: the download is not verified.');
    }
    if (ins.keyword === 'RUN') {
      const a = ins.args;
      // Commands, not package names: a segment of the shell line that starts with curl or wget.
      const commands = a.split(/;|&&|\|\||\|/).map((c) => c.trim().replace(/^(do|then|else)\s+/, ''));
      if (commands.some((c) => /^(curl|wget)\s/.test(c)) && !/\bsha(256|512)sum -c\b/.test(a)) {
        add('downloads-verified', ins.line, 'curl/wget without a sha256sum/sha512sum -c check in the same RUN.');
      }
      if (/\bgit clone\b/.test(a) && !/rev-parse HEAD/.test(a)) {
        add('downloads-verified', ins.line, 'git clone without comparing `git rev-parse HEAD` to a pinned commit.');
      }
      if (/\b(pip3?|npm) install\b/.test(a)) {
        add('downloads-verified', ins.line, 'pip/npm installs are not checksum-pinned in these recipes: install runtimes from Debian instead.');
      }
      if (/\bapt(-get)? install\b/.test(a)) {
        if (!/--no-install-recommends/.test(a)) add('apt-no-recommends', ins.line, 'apt-get install without --no-install-recommends.');
        if (!/rm -rf \/var\/lib\/apt\/lists\/\*/.test(a)) add('apt-lists-removed', ins.line, 'apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN.');
      }
    }
  });
  if (/:latest\b|\/latest\//.test(dockerfile)) {
    const line = dockerfile.split('\n').findIndex((l) => /:latest\b|\/latest\//.test(l)) + 1;
    add('no-latest', line, 'a "latest" tag or release channel: pin a version.');
  }

  const finalStage = instructions.slice(lastFrom + 1);
  const users = finalStage.filter((i) => i.keyword === 'USER');
  const user = users[users.length - 1];
  if (!user) {
    add('final-user-non-root', instructions[lastFrom]?.line ?? 1, 'the final stage sets no USER: it would run as root.');
  } else {
    const m = /^(\d+)(?::(\d+))?$/.exec(user.args.trim());
    if (!m) add('final-user-non-root', user.line, `USER "${user.args}" is not numeric uid[:gid] (Kubernetes runAsNonRoot can only check numbers).`);
    else if (Number(m[1]) === 0 || (m[2] !== undefined && Number(m[2]) === 0)) add('final-user-non-root', user.line, `USER ${user.args} is root.`);
  }

  const allowed = pinnedStrings(versions);
  dockerfile.split('\n').forEach((l, i) => {
    for (const lit of versionLiterals(l)) {
      if (!allowed.has(lit)) {
        add('versions-from-one-place', i + 1, `"${lit}" looks like a version or digest that is not in src/images/versions.ts.`);
      }
    }
  });
  return problems;
}

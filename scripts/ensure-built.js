#!/usr/bin/env node
/**
 * Runs `npm run build` only when lib/ is older than a source: the CLIs (explain, synth, profiles,
 * images, bench) then start at once when nothing changed. `--stamp` records a finished build
 * (the last step of `npm run build`).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'lib', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'package.json', 'scripts/generate-schema.js', 'scripts/bundle.js'];
/** What the build writes after tsc: a build that stopped before them is not finished. */
const OUTPUTS = ['lib/config/schema-validators.js', 'lib/apps/k8s.bundle.js'];

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((e) => newest(path.join(p, e))));
}

/** Build when a source is newer than the last build; returns false when the build failed. */
function ensureBuilt() {
  const built = fs.existsSync(STAMP) ? fs.statSync(STAMP).mtimeMs : 0;
  const changed = INPUTS.map((i) => path.join(ROOT, i)).filter(fs.existsSync).some((p) => newest(p) > built)
    || OUTPUTS.some((o) => !fs.existsSync(path.join(ROOT, o)));
  if (!changed) return true;
  process.stderr.write('sandbox-kit: sources changed since the last build; running npm run build\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  return r.status === 0;
}

module.exports = { ensureBuilt };

if (require.main === module) {
  if (process.argv.includes('--stamp')) fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  else if (!ensureBuilt()) process.exit(1);
}

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BenchSuite, suite } from './types';

/**
 * How long `npm run explain` takes when lib/ is current, against a bare `node -e 0` measured in the
 * same run: the compiled CLI over the committed kit file (both apps: the Kubernetes charts rendered
 * and checked, the AWS layout checked), and what `npm run explain` runs, the same behind the
 * freshness check of scripts/run.js. npm's own start-up is not counted.
 */
export function explainTimeBench(samples = 7): BenchSuite {
  const repo = path.resolve(__dirname, '../..');
  const explain = path.join(repo, 'lib/apps/explain.js');
  const run = path.join(repo, 'scripts/run.js');
  if (!fs.existsSync(explain)) throw new Error(`${explain} is missing: run npm run build first`);
  const env = { ...process.env };
  delete env.SANDBOX_KIT_CONFIG;
  delete env.SANDBOX_KIT_TARGETS;
  const time = (args: string[][]): number => {
    const t0 = process.hrtime.bigint();
    for (const a of args) {
      const r = spawnSync(process.execPath, a, { cwd: repo, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node ${a.join(' ')} exited ${r.status}: ${r.stderr}`);
    }
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const rows = { bare: [] as number[], cli: [] as number[], full: [] as number[] };
  time([[explain]]);
  for (let i = 0; i < samples; i++) {
    rows.bare.push(time([['-e', '0']]));
    rows.cli.push(time([[explain]]));
    rows.full.push(time([[run, 'explain']]));
  }
  return suite('explain, lib/ current (what npm run explain runs; goal under 1 s)', 'ms', [
    { variant: 'node -e 0', samples: rows.bare },
    { variant: 'node lib/apps/explain.js (the kit file: 5 targets, both apps)', samples: rows.cli },
    { variant: 'node scripts/run.js explain (npm run explain without npm: freshness check, then explain)', samples: rows.full },
  ], 'Interleaved samples; the kit file is the committed sandbox-kit.config.json.');
}

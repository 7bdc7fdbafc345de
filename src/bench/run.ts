import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { explainTimeBench } from './explain-time';
import { k8sSynthBench } from './k8s-synth';
import { sandboxStartBench } from './sandbox-start';
import { seccompCostBench, seccompFilterCostBench } from './seccomp-cost';
import { BenchSuite } from './types';

/**
 * `npm run bench`: every benchmark of the kit in one run, each variant as a ratio to a baseline
 * measured in the same run. Prints a table per suite and writes bench/results.json.
 * Never used by tests: timings are not assertions.
 */
async function main(): Promise<void> {
  const benches: [string, () => Promise<BenchSuite[]> | BenchSuite[]][] = [
    ['explain', () => [explainTimeBench()]],
    ['k8s-synth', () => k8sSynthBench()],
    ['seccomp-cost', async () => [await seccompCostBench(), await seccompFilterCostBench()]],
    ['sandbox-start', () => sandboxStartBench()],
  ];
  const names = benches.map(([n]) => n);
  let only: string[];
  try {
    only = parseArgs({ args: process.argv.slice(2), strict: true, allowPositionals: true, options: {} }).positionals;
    const unknown = only.filter((o) => !names.includes(o));
    if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}`);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\nusage: npm run bench -- [${names.join(' | ')} ...]`);
    process.exitCode = 2;
    return;
  }
  const suites: BenchSuite[] = [];
  for (const [name, run] of benches) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name} ...\n`);
    suites.push(...await run());
  }
  for (const s of suites) console.log(`${formatSuite(s)}\n`);
  const out = path.resolve('bench/results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, suites }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

/** A Markdown table of one suite, the format the README uses. */
export function formatSuite(s: BenchSuite): string {
  const rows = s.rows.map((r) => `| ${r.variant} | ${formatNumber(r.median)} ${r.unit} | ${r.samples} | ${r.ratio.toFixed(2)} |`);
  return [`### ${s.name} (baseline: ${s.baseline})`, '', '| variant | median | samples | ratio |', '|---|---|---|---|', ...rows,
    ...(s.notes ? ['', s.notes] : [])].join('\n');
}

function formatNumber(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

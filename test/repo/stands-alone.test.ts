import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Fact, TARGETS } from '../../src';

const ROOT = path.resolve(__dirname, '../..');

/** Anchors GitHub derives from the headings of a markdown file. */
function anchors(file: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return new Set(text.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, '').trim().toLowerCase()
    .replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
}

test('every catalog fact cites a public source or an anchor of docs/platforms.md that exists', () => {
  const known = anchors('docs/platforms.md');
  const bad: string[] = [];
  for (const t of Object.values(TARGETS)) {
    for (const [key, v] of Object.entries(t)) {
      if (typeof v !== 'object' || v === null || !('source' in v)) continue;
      const source = (v as Fact<unknown>).source;
      for (const [, anchor] of source.matchAll(/docs\/platforms\.md#([\w-]+)/g)) {
        if (!known.has(anchor)) bad.push(`${t.name}.${key}: no heading for #${anchor}`);
      }
      if (/§|\.\.\/|DESIGN\.md/.test(source)) bad.push(`${t.name}.${key}: cites a file users do not have: ${source}`);
    }
  }
  expect(bad).toEqual([]);
});

// The repository stands alone: what a user clones is all the code, tests and docs read or cite.
test('nothing in src/, test/, docs/ or the README reads or cites files outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'test', 'docs', 'README.md', 'examples'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => f && f !== 'test/repo/stands-alone.test.ts' && fs.existsSync(path.join(ROOT, f)));
  const pattern = /\.\.\/shared|shared\/reference|platforms\.md §|DESIGN\.md|\bthe seed\b|seed document|toolchain\.md|retool-contract\.md|real-sandboxes\.md/;
  const hits = files.flatMap((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n')
    .map((line, i) => (pattern.test(line) ? `${f}:${i + 1}: ${line.trim()}` : undefined)).filter((x): x is string => x !== undefined));
  expect(hits).toEqual([]);
});

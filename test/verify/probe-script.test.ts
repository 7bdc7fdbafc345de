/**
 * The in-container probe is a real Python file: it byte-compiles, the harness writes exactly its
 * text, and it runs (a command that needs no namespaces or root, on the host's python3).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROBE_FILE, PROBE_SCRIPT } from '../../src/verify/probe-script';

const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;
const strict = process.env.SANDBOX_KIT_STRICT_TOOLS === '1';
const withPython = python || strict ? test : test.skip;

test('the harness writes the file\'s own text', () => {
  expect(PROBE_SCRIPT).toBe(fs.readFileSync(PROBE_FILE, 'utf8'));
  expect(PROBE_SCRIPT).toMatch(/^import ctypes, json/);
});

withPython('probe.py byte-compiles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
  try {
    const r = spawnSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', PROBE_FILE, path.join(dir, 'probe.pyc')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Negative control: the same check refuses a broken copy.
    const broken = path.join(dir, 'broken.py');
    fs.writeFileSync(broken, PROBE_SCRIPT.replace('def main():', 'def main(:'));
    expect(spawnSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)', broken]).status).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

withPython('probe.py runs: syscall-loop reports its samples as one JSON object', () => {
  const r = spawnSync('python3', [PROBE_FILE, 'syscall-loop', '1000', '2'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as { ok: boolean; samples_ns: number[] };
  expect(out.ok).toBe(true);
  expect(out.samples_ns).toHaveLength(2);
  expect(out.samples_ns.every((n) => n > 0)).toBe(true);
});

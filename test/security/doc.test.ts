import * as fs from 'fs';
import * as path from 'path';
import { DOC_TABLES } from './doc-tables';

/**
 * docs/security.md holds the attack tables exactly as the tests run them: each table sits
 * between `<!-- table:NAME -->` and `<!-- /table -->`. SANDBOX_KIT_WRITE_DOCS=1 rewrites them.
 */
const FILE = path.resolve(__dirname, '../../docs/security.md');
const block = (name: string) => new RegExp(`(<!-- table:${name} -->\\n)((?:(?!<!--)[\\s\\S])*?)(\\n<!-- /table -->)`);

if (process.env.SANDBOX_KIT_WRITE_DOCS === '1') {
  let text = fs.readFileSync(FILE, 'utf8');
  for (const [name, make] of Object.entries(DOC_TABLES)) text = text.replace(block(name), (_m, a: string, _b: string, c: string) => `${a}${make()}${c}`);
  fs.writeFileSync(FILE, text);
}

test.each(Object.keys(DOC_TABLES))('docs/security.md holds the %s table as the tests run it', (name) => {
  const m = block(name).exec(fs.readFileSync(FILE, 'utf8'));
  expect(m).not.toBeNull();
  expect(m![2]).toBe(DOC_TABLES[name]());
});

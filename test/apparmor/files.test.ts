import * as fs from 'fs';
import * as path from 'path';
import { appArmorProfileFiles, renderAppArmorProfile } from '../../src/apparmor';

const dir = path.resolve(__dirname, '../../profiles/apparmor');

test('profiles/apparmor/ is what the generator produces, and nothing else is there', () => {
  const files = appArmorProfileFiles();
  const differing = files.filter((f) => !fs.existsSync(path.join(dir, f.fileName)) || fs.readFileSync(path.join(dir, f.fileName), 'utf8') !== f.content);
  expect({ differing: differing.map((f) => f.fileName), hint: 'run `npm run profiles` and commit profiles/' })
    .toEqual({ differing: [], hint: 'run `npm run profiles` and commit profiles/' });
  expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => f.fileName).sort());
  expect(fs.readFileSync(path.join(dir, 'sandbox-kit-nsjail.apparmor4'), 'utf8')).toBe(renderAppArmorProfile('sandbox-kit-nsjail', 4));
});

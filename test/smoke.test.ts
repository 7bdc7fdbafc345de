import { plan } from '../src';
test('eks plans every service', () => {
  expect(plan({ target: 'eks' }).services.map((s) => s.mode)).toEqual(['seccomp', 'seccomp', 'seccomp']);
});

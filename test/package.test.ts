import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

describe('the npm package', () => {
  test('ships only what users need: the library, its bundled assets, the jsii assembly and the docs', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as
      Array<{ files: Array<{ path: string }> }>;
    const files = pack.files.map((f) => f.path);
    const allowed = /^(lib\/|assets\/|\.jsii$|\.jsii\.tabl\.json$|README\.md$|API\.md$|LICENSE$|package\.json$)/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
  });
});

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Runs shellcheck (Debian package `shellcheck`) on a Bash script. CI (CI=true, as `.ci/run` sets it
 * after installing the package) fails without it; elsewhere the check is skipped with a warning.
 */
export function shellcheck(script: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shellcheck-'));
  const file = path.join(dir, 'user-data.sh');
  fs.writeFileSync(file, script);
  const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  expect(syntax.stderr).toBe('');
  expect(syntax.status).toBe(0);
  const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '--enable=all', file], { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    if (process.env.CI === 'true') {
      throw new Error('shellcheck is not installed: .ci/run installs the Debian package shellcheck; install it (apt-get install -y shellcheck)');
    }
    console.warn('shellcheck is not installed (apt-get install -y shellcheck): the script was only checked with bash -n');
    return;
  }
  expect(`${result.stdout}${result.stderr}`).toBe('');
  expect(result.status).toBe(0);
}


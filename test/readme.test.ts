import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

describe('README', () => {
  const prose = README.replace(/```[\s\S]*?```/g, '');

  test('every link to a section of the README names a heading', () => {
    const anchors = new Set([...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
    const links = [...prose.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });

  test('states the aws-cdk-lib version range package.json allows', () => {
    const minimum = (PACKAGE.peerDependencies['aws-cdk-lib'] as string).replace(/^\^/, '');
    expect(prose).toMatch(new RegExp(`aws-cdk-lib\`?\\s+${minimum.replace(/\./g, '\\.')} or later`));
  });

  test('holds the commands CI runs: the test command and the synth command', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('npm ci && npm test');
    expect(README).toContain('npm ci && npm test');
    expect(README).toContain('npm ci && npx cdk synth');
  });

  test('every TypeScript snippet brings its imports (the readme fixture imports nothing the snippets use)', () => {
    const snippets = [...README.matchAll(/```ts( [^\n]*)?\n([\s\S]*?)```/g)];
    expect(snippets.length).toBeGreaterThan(5);
    for (const [, info, code] of snippets) {
      expect(info?.trim() === 'nofixture' || info?.trim() === 'fixture=readme').toBe(true);
      expect(code).toMatch(/^import /m);
    }
  });
});

/**
 * The package's version. esbuild inlines package.json into the bundled command line when it is
 * built (`npx projen bundle`), so the bundle reads no file to know it; in lib/ the require finds the
 * package's own package.json. (An import would put package.json outside jsii's rootDir, src/.)
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = (require('../../package.json') as { version: string }).version;

/**
 * Builds both outputs from the same modules in src/:
 *   dist/s.js     the script tag: one minified IIFE, served by the server at /s.js
 *   dist/index.js the npm module: readable ESM that bundlers tree-shake (types come from tsc)
 * The tests import these options so they exercise exactly what ships.
 */
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** es2020 keeps `?.` and `??` native (Chrome 80, Safari 13.1, Firefox 74), which saves bytes. */
const target = 'es2020';

/** @type {import('esbuild').BuildOptions} */
export const scriptTagBuild = {
  absWorkingDir: packageDir,
  entryPoints: ['src/script.ts'],
  outfile: 'dist/s.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target,
  minify: true,
  legalComments: 'none',
  // Skip the package tsconfig: its strict mode would prefix the IIFE with "use strict" (13 bytes).
  tsconfigRaw: '{}',
  // engagementMs is internal; every other property name is the DOM's, the wire's or the public API's.
  mangleProps: /^engagementMs$/,
  metafile: true,
};

/** @type {import('esbuild').BuildOptions} */
export const npmModuleBuild = {
  absWorkingDir: packageDir,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target,
  metafile: true,
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  await Promise.all([esbuild.build(scriptTagBuild), esbuild.build(npmModuleBuild)]);
}

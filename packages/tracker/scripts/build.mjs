/**
 * Builds both outputs from the same modules in src/:
 *   dist/s.js     the script tag: one minified IIFE, served by the server at /s.js
 *   dist/index.js the npm module: readable ESM that bundlers tree-shake (types come from tsc)
 * The tests build through buildScriptTag() and these options, so they exercise exactly what ships.
 */
import { minify } from '@swc/core';
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * dist/s.js's code and the source files esbuild read. esbuild bundles and minifies; SWC's mangler
 * then renames the variables again: it gives the same few letters to the parameters of every
 * function, which gzip compresses better (13 bytes fewer gzipped, a rename and nothing else).
 * Without esbuild's trailing newline, 2 bytes fewer.
 */
export async function buildScriptTag() {
  const { outputFiles: [bundle] = [], metafile } = await esbuild.build({ ...scriptTagBuild, write: false });
  if (!bundle || !metafile) throw new Error('esbuild returned no bundle for dist/s.js');
  const { code } = await minify(bundle.text, { compress: false, mangle: true });
  return { code, inputs: Object.keys(metafile.inputs) };
}

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
  const [scriptTag] = await Promise.all([buildScriptTag(), esbuild.build(npmModuleBuild)]);
  mkdirSync(new URL('../dist', import.meta.url), { recursive: true });
  writeFileSync(new URL('../dist/s.js', import.meta.url), scriptTag.code);
}

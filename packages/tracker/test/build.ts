/** Builds the tracker in memory with the options that ship (scripts/build.mjs), so tests never read a stale dist/. */
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildScriptTag, npmModuleBuild } from '../scripts/build.mjs';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface Built {
  code: string;
  /** Source files esbuild read, relative to the package. */
  inputs: string[];
}

export { buildScriptTag };

/** The npm build written to a temporary directory (as .mjs, so Node and jest load it as ESM). */
export async function buildNpmModule(): Promise<Built & { file: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-tracker-'));
  const file = join(dir, 'index.mjs');
  const result = await esbuild.build({ ...npmModuleBuild, outfile: file });
  return {
    file,
    code: result.outputFiles?.[0]?.text ?? '',
    inputs: Object.keys(result.metafile!.inputs),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Bundles the examples/spa app against a built npm module, as an app's bundler would. */
export async function buildSpaExample(npmModuleFile: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [join(repoRoot, 'examples/spa/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    alias: { '@sightline/tracker': npmModuleFile },
    tsconfigRaw: '{}',
  });
  return result.outputFiles[0]!.text;
}

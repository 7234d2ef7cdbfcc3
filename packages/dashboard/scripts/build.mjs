/**
 * Builds the dashboard into dist/:
 *   dist/index.html                         the page, the same for every site
 *   dist/assets/dashboard-<hash>.js / .css  content-hashed, so the server can cache them for a year
 *   dist/assets/admin-<hash>.js / .css      the admin pages' script and styles (the dashboard's, and their own)
 *   dist/admin-assets.json                  the admin assets' names, for the server's pages
 * The server serves dist/assets at ASSET_PREFIX. The tests import dashboardBuild to measure what ships.
 */
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const ASSET_PREFIX = '/dashboard/_assets/';

/** @type {import('esbuild').BuildOptions} */
export const dashboardBuild = {
  absWorkingDir: packageDir,
  entryPoints: { dashboard: 'src/main.ts', admin: 'src/admin/main.ts' },
  outdir: 'dist/assets',
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Module scripts and everything used here (?., ??, Intl.DisplayNames, ResizeObserver) need no more than ES2020 browsers.
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  metafile: true,
  sourcemap: false,
};

/** Builds to `outdir` (relative to the package, or absolute) and writes index.html next to the assets folder. */
export async function buildDashboard(outdir = 'dist') {
  // Hashed names change with every edit; old ones would pile up.
  rmSync(path.resolve(packageDir, outdir, 'assets'), { recursive: true, force: true });
  const result = await esbuild.build({ ...dashboardBuild, outdir: path.resolve(packageDir, outdir, 'assets') });
  const outputs = Object.keys(result.metafile?.outputs ?? {}).map((file) => path.basename(file));
  /** @param {string} name @param {string} extension */
  const output = (name, extension) => outputs.find((file) => file.startsWith(`${name}-`) && file.endsWith(extension));
  const [script, style, adminScript, adminStyle] = [output('dashboard', '.js'), output('dashboard', '.css'), output('admin', '.js'), output('admin', '.css')];
  if (!script || !style || !adminScript || !adminStyle) throw new Error(`the build made no script or stylesheet: ${outputs.join(', ')}`);
  const html = readFileSync(path.join(packageDir, 'src/index.html'), 'utf8')
    .replace('{{script}}', ASSET_PREFIX + script)
    .replace('{{style}}', ASSET_PREFIX + style);
  writeFileSync(path.resolve(packageDir, outdir, 'index.html'), html);
  writeFileSync(path.resolve(packageDir, outdir, 'admin-assets.json'), `${JSON.stringify({ script: adminScript, style: adminStyle })}\n`);
  return { result, script, style, adminScript, adminStyle };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(path.join(packageDir, 'dist'), { recursive: true });
  const { script, style } = await buildDashboard();
  console.log(`dashboard: dist/index.html, dist/assets/${script}, dist/assets/${style}`);
}

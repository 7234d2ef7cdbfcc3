/** What ships: the size budget of dist/s.js, and what each bundle may and may not contain. */
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildNpmModule, buildScriptTag } from './build.js';

/** Budget for the gzip -9 size of dist/s.js; the goal is 800. */
const GZIP_BUDGET = 1000;

let npmModule: Awaited<ReturnType<typeof buildNpmModule>>;
beforeAll(async () => {
  npmModule = await buildNpmModule();
});
afterAll(() => npmModule.cleanup());

describe('the script-tag build (dist/s.js)', () => {
  it(`stays within ${GZIP_BUDGET} bytes gzipped`, async () => {
    const code = Buffer.from((await buildScriptTag()).code);
    const sizes = {
      raw: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
    console.log(`dist/s.js: ${sizes.raw} B raw, ${sizes.gzip} B gzip -9, ${sizes.brotli} B brotli`);
    expect(sizes.gzip).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  it('stores nothing in the browser: no cookies, no storage writes', async () => {
    const { code } = await buildScriptTag();
    expect(code).not.toMatch(/cookie|setItem|sessionStorage|indexedDB/);
  });
});

describe('both builds', () => {
  it('contain no code from @sightline/shared (types only)', async () => {
    for (const { inputs } of [await buildScriptTag(), npmModule]) {
      expect(inputs.filter((input) => /packages\/shared|node_modules/.test(input))).toEqual([]);
    }
  });
});

describe('the npm module', () => {
  it('is safe to import and call during server-side rendering', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const tracker = await import(npmModule.file);
    tracker.init({ site: 'example.com', endpoint: 'https://stats.example.com/api/event' });
    tracker.trackPageview();
    tracker.trackEvent('Signup', { props: { plan: 'pro' } });
    for (const enable of [tracker.enableAutoPageviews, tracker.enableOutboundLinks, tracker.enableFileDownloads]) {
      expect(typeof enable()).toBe('function');
    }
    expect(() => tracker.init({ site: '' })).toThrow(TypeError);
  });

  it('tree-shakes: an app that only tracks events gets no history or click code', async () => {
    const result = await esbuild.build({
      stdin: {
        contents: "import { init, trackEvent } from 'tracker'; init({ site: 'example.com', endpoint: '/api/event', engagement: false }); trackEvent('Signup');",
        resolveDir: process.cwd(),
      },
      alias: { tracker: npmModule.file },
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('sendBeacon');
    expect(code).not.toMatch(/pushState|auxclick/);
  });

  it('declares its entry points in package.json exports, side-effect free', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.exports['./s.js']).toBe('./dist/s.js');
  });
});

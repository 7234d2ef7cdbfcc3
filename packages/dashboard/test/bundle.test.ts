/** What ships: the size budget of the dashboard's JavaScript, and what the page may and may not contain. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildDashboard } from '../scripts/build.mjs';

/** Budget for the gzip -9 size of the dashboard's JavaScript, uPlot included. */
const GZIP_BUDGET = 60 * 1024;

let outdir: string;
let built: Awaited<ReturnType<typeof buildDashboard>>;

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'sightline-dashboard-build-'));
  built = await buildDashboard(outdir);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const read = (file: string) => readFileSync(path.join(outdir, file));

describe('the dashboard build', () => {
  it(`keeps its JavaScript within ${GZIP_BUDGET / 1024} KB gzipped`, () => {
    const code = read(`assets/${built.script}`);
    const css = read(`assets/${built.style}`);
    const sizes = {
      raw: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      cssGzip: gzipSync(css, { level: 9 }).length,
    };
    console.log(`dashboard JS: ${sizes.raw} B raw, ${sizes.gzip} B gzip -9, ${sizes.brotli} B brotli; CSS ${sizes.cssGzip} B gzip`);
    expect(sizes.gzip).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  it('takes only types from @sightline/shared: no zod or schema code in the bundle', () => {
    const inputs = Object.keys(built.result.metafile?.inputs ?? {});
    expect(inputs.some((input) => input.includes('uplot'))).toBe(true);
    expect(inputs.filter((input) => /packages\/shared|[/\\]zod[/\\]/.test(input))).toEqual([]);
  });

  it('never parses strings as HTML or code, which the page CSP (Trusted Types) would refuse', () => {
    const code = read(`assets/${built.script}`).toString();
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });

  it('writes a page with no inline script or style that links its hashed assets', () => {
    const html = read('index.html').toString();
    expect(html).toContain(`<script type="module" src="/dashboard/_assets/${built.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/dashboard/_assets/${built.style}">`);
    expect(built.script).toMatch(/^dashboard-[A-Z0-9]+\.js$/);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});

/**
 * Serves examples/html or examples/spa on http://localhost:8080/, reporting to the quickstart
 * server's demo site `localhost`: `npx -y pnpm@12.4.2 example:html` or `example:spa`.
 * A page opened as a file has no host a site can own, so the examples are served over http.
 * The SPA is bundled in memory against the built npm module (packages/tracker/dist).
 *
 *   node examples/serve.mjs <html|spa> [port=8080] [Sightline URL=http://localhost:8000]
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [example, port = '8080', sightline = 'http://localhost:8000'] = process.argv.slice(2);

async function bundleSpa() {
  const tracker = `${root}packages/tracker/dist/index.js`;
  if (!existsSync(tracker)) throw new Error('the tracker is not built: npx -y pnpm@12.4.2 build');
  // esbuild is the tracker package's own build tool; borrowing it keeps the examples dependency-free.
  const esbuild = await import(createRequire(`${root}packages/tracker/package.json`).resolve('esbuild'));
  const result = await esbuild.build({
    entryPoints: [`${root}examples/spa/main.ts`],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    alias: { '@sightline/tracker': tracker },
    tsconfigRaw: '{}',
  });
  return result.outputFiles[0].text;
}

/** The page as written, pointed at the Sightline server given (the examples name localhost:8000). */
const page = (file) => readFileSync(`${root}examples/${file}`, 'utf8').replaceAll('http://localhost:8000', sightline);

async function routes() {
  if (example === 'html') return { '/': ['text/html', page('html/index.html')] };
  if (example === 'spa') return { '/main.js': ['text/javascript', await bundleSpa()], '*': ['text/html', page('spa/index.html')] };
  throw new Error('name the example to serve: html or spa');
}

try {
  const files = await routes();
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const file = files[pathname] ?? files['*'];
    if (file === undefined) response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not part of this example\n');
    else response.writeHead(200, { 'Content-Type': `${file[0]}; charset=utf-8`, 'Cache-Control': 'no-store' }).end(file[1]);
  });
  server.listen(Number(port), 'localhost', () => {
    console.log(`examples/${example} on http://localhost:${port}/ (Ctrl-C stops it)`);
    console.log(`Its events go to the demo site localhost on ${sightline}: ${sightline}/dashboard/localhost`);
  });
  const up = await fetch(`${sightline}/healthz`).then((response) => response.ok, () => false);
  if (!up) console.error(`No Sightline server answers on ${sightline}: start it first (see the README's quickstart).`);
} catch (error) {
  console.error(`example: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
